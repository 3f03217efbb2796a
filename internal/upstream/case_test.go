package upstream_test

import (
	"encoding/json"
	"testing"

	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/stretchr/testify/require"
)

// TestDateJSON: dates travel as "2006-01-02" both ways, also inside Case.
func TestDateJSON(t *testing.T) {
	d, err := upstream.ParseDate("2025-03-14")
	require.NoError(t, err)
	b, err := json.Marshal(upstream.Case{FilingDate: d, ClosingDate: &d})
	require.NoError(t, err)
	require.Contains(t, string(b), `"filingDate":"2025-03-14"`)
	require.Contains(t, string(b), `"closingDate":"2025-03-14"`)
	var c upstream.Case
	require.NoError(t, json.Unmarshal(b, &c))
	require.True(t, c.FilingDate.Equal(d.Time))
	require.True(t, c.ClosingDate.Equal(d.Time))
	require.Error(t, json.Unmarshal([]byte(`{"filingDate":"2025-03-14T00:00:00Z"}`), &c))
	require.NoError(t, json.Unmarshal([]byte(`{"closingDate":null}`), &c))
	require.Nil(t, c.ClosingDate)
}
