package upstream_test

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, dir, name string, data []byte, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, data, mode))
	require.NoError(t, os.Chmod(p, mode))
	return p
}

// TestLoadPrivateKey: PKCS#1 and PKCS#8 load; loose permissions, garbage,
// wrong key types and missing files fail with a clear message that never
// carries key material.
func TestLoadPrivateKey(t *testing.T) {
	dir := t.TempDir()
	key := testKey()
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	der8, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	pkcs8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der8})

	for name, data := range map[string][]byte{"pkcs1.pem": pkcs1, "pkcs8.pem": pkcs8} {
		got, err := upstream.LoadPrivateKey(writeFile(t, dir, name, data, 0o600))
		require.NoError(t, err, name)
		require.True(t, got.Equal(key), name)
	}

	loose := writeFile(t, dir, "loose.pem", pkcs8, 0o644)
	_, err = upstream.LoadPrivateKey(loose)
	require.ErrorContains(t, err, "chmod 600 "+loose)
	require.ErrorContains(t, err, "0644")
	groupReadable := writeFile(t, dir, "group.pem", pkcs8, 0o640)
	_, err = upstream.LoadPrivateKey(groupReadable)
	require.ErrorContains(t, err, "chmod 600")

	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: must(x509.MarshalPKIXPublicKey(&key.PublicKey))})
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"garbage.pem", []byte("this is not a key\n"), "no PEM block"},
		{"truncated.pem", pkcs8[:len(pkcs8)/2], "no PEM block"},
		{"corrupt.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der8[:100]}), "not a valid PKCS#8 key"},
		{"public.pem", pubPEM, `"PUBLIC KEY" is not a private key`},
		{"encrypted.pem", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der8}), "encrypted"},
	} {
		p := writeFile(t, dir, tt.name, tt.data, 0o600)
		_, err := upstream.LoadPrivateKey(p)
		require.ErrorContains(t, err, tt.want, tt.name)
		require.ErrorContains(t, err, p, "the message names the file")
		require.False(t, bytes.Contains([]byte(err.Error()), der8[10:30]), "no key material in %q", err)
		require.NotContains(t, err.Error(), "MII", "no PEM body in the message")
	}

	_, err = upstream.LoadPrivateKey(filepath.Join(dir, "missing.pem"))
	require.ErrorContains(t, err, "no such file")
	_, err = upstream.LoadPrivateKey(dir)
	require.ErrorContains(t, err, "is a directory")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestKeygen writes a usable pair with the right modes and refuses to
// overwrite it.
func TestKeygen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	priv, pub, err := upstream.GenerateKeyPair(dir, "vendor")
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "vendor-private.pem"), priv)
	require.Equal(t, filepath.Join(dir, "vendor-public.pem"), pub)

	st, err := os.Stat(priv)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	st, err = os.Stat(pub)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), st.Mode().Perm())
	data, err := os.ReadFile(priv)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(data), "-----BEGIN PRIVATE KEY-----"), "PKCS#8")

	key, err := upstream.LoadPrivateKey(priv)
	require.NoError(t, err)
	require.Equal(t, 2048, key.N.BitLen())
	pk, err := upstream.LoadPublicKey(pub)
	require.NoError(t, err)
	require.True(t, pk.Equal(&key.PublicKey))

	_, _, err = upstream.GenerateKeyPair(dir, "vendor")
	require.ErrorContains(t, err, "already exists")
	_, _, err = upstream.GenerateKeyPair(dir, "../escape")
	require.Error(t, err)
}
