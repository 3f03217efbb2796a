package config

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/upstream"
)

// With the vendor needed, the signed protocol's private key is read with
// the rest of the configuration: a bad key file is listed with the other
// bad variables, naming ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE.
func TestPrivateKeyIsReadWithTheRest(t *testing.T) {
	dir := t.TempDir()
	priv, _, err := upstream.GenerateKeyPair(dir, "cfg")
	require.NoError(t, err)
	vars := map[string]string{"DATABASE_URL": dsn, "ARBSYNC_UPSTREAM_APP_ID": "app", "ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE": priv}
	c, err := Load(envOf(vars, nil), Need{Database: true, Upstream: true})
	require.NoError(t, err)
	require.NotNil(t, c.Upstream.PrivateKey)
	require.NotContains(t, fmt.Sprintf("%v %+v %#v", c, c, c), c.Upstream.PrivateKey.D.String()[:20])

	c, err = Load(envOf(vars, nil), Need{Database: true})
	require.NoError(t, err)
	require.Nil(t, c.Upstream.PrivateKey, "read only when the command needs the vendor")

	vars["ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE"] = filepath.Join(dir, "nope.pem")
	vars["ARBSYNC_UPSTREAM_QPS"] = "fast"
	_, err = Load(envOf(vars, nil), Need{Database: true, Upstream: true})
	require.ErrorContains(t, err, "ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE: private key: stat "+vars["ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE"])
	require.ErrorContains(t, err, "ARBSYNC_UPSTREAM_QPS:")
}

// One set of defaults: an upstream.Config left zero gets from the client
// what an unset ARBSYNC_UPSTREAM_* gets from Load.
func TestUpstreamDefaultsAreTheClients(t *testing.T) {
	c := Default().Upstream
	lib := upstream.Config{}.WithDefaults()
	require.Equal(t, lib.Protocol, c.Protocol)
	require.Equal(t, lib.Product, c.Product)
	require.Equal(t, lib.Concurrency, c.Concurrency)
	require.Equal(t, lib.Timeout, c.Timeout)
}
