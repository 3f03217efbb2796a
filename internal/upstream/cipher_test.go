package upstream

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/secret"
)

func TestTianyuanSealOpens(t *testing.T) {
	key, err := ParseAccessKey(secret.Value("00112233445566778899aabbccddeeff"))
	require.NoError(t, err)
	for _, plain := range []string{``, `{}`, `{"ent_code":"91110000100000000A"}`, `{"k":"劳动争议0123456789abcdef"}`} {
		sealed, err := TianyuanSeal(key, []byte(plain))
		require.NoError(t, err)
		got, err := TianyuanOpen(key, sealed)
		require.NoError(t, err)
		require.Equal(t, plain, string(got))
	}
}

// TestTianyuanOpenRefusesWrongKey: a payload sealed under another key never
// opens. The padding alone lets about one in 256 through (a last byte of 1
// is valid padding), so a few thousand tries catch a check that rests on it.
func TestTianyuanOpenRefusesWrongKey(t *testing.T) {
	right, err := ParseAccessKey(secret.Value("00112233445566778899aabbccddeeff"))
	require.NoError(t, err)
	wrong, err := ParseAccessKey(secret.Value("ffeeddccbbaa99887766554433221100"))
	require.NoError(t, err)
	plain := []byte(`{"ent_code":"91110000100000000A","page_num":1,"page_size":50}`)
	for i := range 5000 {
		sealed, err := TianyuanSeal(wrong, plain)
		require.NoError(t, err)
		got, err := TianyuanOpen(right, sealed)
		require.Error(t, err, "try %d opened under the wrong key as %q", i, got)
		require.Contains(t, err.Error(), "wrong key?")
	}
}
