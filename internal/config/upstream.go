package config

import (
	"time"

	"github.com/arbsync/arbsync/internal/upstream"
)

// DefaultUpstreamQPS is ARBSYNC_UPSTREAM_QPS unset: the vendor's usual
// quota. (The client itself reads a zero QPS as unlimited.)
const DefaultUpstreamQPS = 20

// upstream reads the vendor client's options. The checks of a value's form
// are the client's own (upstream.CheckBaseURL, upstream.ParseAccessKey), so
// that what Load accepts upstream.New accepts; need requires the credentials
// of the configured protocol and reads the signed protocol's private key.
func (p *parser) upstream(need bool) upstream.Config {
	u := upstream.Config{
		Protocol: p.oneOf("ARBSYNC_UPSTREAM_PROTOCOL", upstream.ProtocolSigned, upstream.ProtocolSigned, upstream.ProtocolTianyuan),
		BaseURL:  p.httpURL("ARBSYNC_UPSTREAM_URL", "http://127.0.0.1:8089"),
		AppID:    p.str("ARBSYNC_UPSTREAM_APP_ID", ""),
	}
	const keyVar = "ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE"
	keyFile := p.str(keyVar, "")
	u.AccessID = p.str("ARBSYNC_UPSTREAM_ACCESS_ID", "")
	u.AccessKey = p.secret("ARBSYNC_UPSTREAM_ACCESS_KEY")
	u.Product = p.str("ARBSYNC_UPSTREAM_PRODUCT", upstream.DefaultProduct)
	u.QPS = p.float("ARBSYNC_UPSTREAM_QPS", DefaultUpstreamQPS, 0, 100000)
	u.Concurrency = p.intRange("ARBSYNC_UPSTREAM_CONCURRENCY", upstream.DefaultConcurrency, 1, 4096)
	u.Timeout = p.duration("ARBSYNC_UPSTREAM_TIMEOUT", upstream.DefaultTimeout, 100*time.Millisecond, 10*time.Minute)
	if !need {
		return u
	}
	switch u.Protocol {
	case upstream.ProtocolSigned:
		if u.AppID == "" {
			p.fail("ARBSYNC_UPSTREAM_APP_ID", "is required with ARBSYNC_UPSTREAM_PROTOCOL=signed")
		}
		if keyFile == "" {
			p.fail(keyVar, "is required with ARBSYNC_UPSTREAM_PROTOCOL=signed (create a pair with `arbsync keygen`)")
		} else if key, err := upstream.LoadPrivateKey(keyFile); err != nil {
			p.fail(keyVar, "%v", err)
		} else {
			u.PrivateKey = key
		}
	case upstream.ProtocolTianyuan:
		if u.AccessID == "" {
			p.fail("ARBSYNC_UPSTREAM_ACCESS_ID", "is required with ARBSYNC_UPSTREAM_PROTOCOL=tianyuan")
		}
		if _, err := upstream.ParseAccessKey(u.AccessKey); err != nil {
			p.fail("ARBSYNC_UPSTREAM_ACCESS_KEY", "must be 32 hexadecimal characters (the vendor's Access Key)")
		}
	}
	return u
}
