package upstream_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/stretchr/testify/require"
)

// TestConfigValidate: every bad setting is reported by name; defaults fill
// the rest.
func TestConfigValidate(t *testing.T) {
	good := upstream.Config{Protocol: upstream.ProtocolSigned, BaseURL: "http://127.0.0.1:8089", AppID: "a", PrivateKey: testKey()}.WithDefaults()
	require.NoError(t, good.Validate())
	require.Equal(t, upstream.DefaultPageSize, good.PageSize)
	require.Equal(t, upstream.DefaultProduct, good.Product)
	require.Equal(t, 3, good.MaxRetries)

	for _, tt := range []struct {
		mod  func(*upstream.Config)
		want string
	}{
		{func(c *upstream.Config) { c.Protocol = "ftp" }, `Protocol "ftp"`},
		{func(c *upstream.Config) { c.BaseURL = "127.0.0.1:8089" }, "BaseURL"},
		{func(c *upstream.Config) { c.BaseURL = "http://user:pw@host" }, "credentials"},
		{func(c *upstream.Config) { c.AppID = "" }, "AppID is required"},
		{func(c *upstream.Config) { c.PrivateKey = nil }, "PrivateKey is required"},
		{func(c *upstream.Config) { c.QPS = -1 }, "QPS"},
		{func(c *upstream.Config) { c.Concurrency = -2 }, "Concurrency"},
		{func(c *upstream.Config) { c.Timeout = -time.Second }, "Timeout"},
		{func(c *upstream.Config) { c.PageSize = 5000 }, "PageSize"},
		{func(c *upstream.Config) { c.MaxRetries = 11 }, "MaxRetries"},
		{func(c *upstream.Config) { c.BackoffCap = time.Millisecond }, "BackoffBase"},
		{func(c *upstream.Config) { c.RetryBudgetRatio = 2 }, "RetryBudgetRatio"},
		{func(c *upstream.Config) {
			c.Protocol = upstream.ProtocolTianyuan
			c.AccessKey = "s3cret-not-hex-s3cret-not-hex-xx"
		}, "AccessKey: must be 32 hex characters"},
		{func(c *upstream.Config) { c.Protocol = upstream.ProtocolTianyuan; c.AccessKey = "short" }, "got 5 characters"},
		{func(c *upstream.Config) { c.Protocol = upstream.ProtocolTianyuan; c.Product = "../x" }, "Product"},
	} {
		cfg := good
		tt.mod(&cfg)
		err := cfg.Validate()
		require.ErrorContains(t, err, tt.want)
		require.NotContains(t, err.Error(), "s3cret", "secrets never appear in errors")
		_, err = upstream.New(cfg)
		require.Error(t, err, "New validates too")
	}
}

// TestConfigNeverPrintsSecrets: printing a Config in any verb shows no key.
func TestConfigNeverPrintsSecrets(t *testing.T) {
	cfg := upstream.Config{Protocol: upstream.ProtocolTianyuan, BaseURL: "http://x", AppID: "app", PrivateKey: testKey(),
		AccessID: "ak", AccessKey: "0123456789abcdef0123456789abcdef"}
	d := testKey().D.String()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		s := fmt.Sprintf(verb, cfg)
		require.NotContains(t, s, "0123456789abcdef", verb)
		require.NotContains(t, s, d[:20], verb)
	}
	j, err := json.Marshal(cfg)
	require.NoError(t, err)
	require.NotContains(t, string(j), "0123456789abcdef")
	require.NotContains(t, string(j), d[:20])
	require.Contains(t, string(j), `"access_key_set":true`)
	require.Equal(t, "[REDACTED]", fmt.Sprint(cfg.AccessKey))
	require.Equal(t, "[REDACTED]", fmt.Sprintf("%#v", cfg.AccessKey))
}
