package upstream

import (
	"cmp"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/internal/secret"
)

// Protocols accepted in Config.Protocol.
const (
	ProtocolSigned   = "signed"
	ProtocolTianyuan = "tianyuan"
)

// Defaults applied by New to zero-valued Config fields. They are the
// defaults of the daemon's configuration too (package config reads
// ARBSYNC_UPSTREAM_PRODUCT, _CONCURRENCY and _TIMEOUT with them).
const (
	DefaultProduct          = "QYGL8271"
	DefaultConcurrency      = 16
	DefaultTimeout          = 15 * time.Second
	DefaultMaxBodyBytes     = 8 << 20
	DefaultPageSize         = 50
	DefaultMaxRetries       = 3
	DefaultBackoffBase      = 200 * time.Millisecond
	DefaultBackoffCap       = 5 * time.Second
	DefaultRetryBudgetRatio = 0.2
	DefaultRetryBudgetFloor = 10
)

// Config configures a Client. Zero values take the documented defaults
// (see WithDefaults); Validate reports what is still wrong. Printing a
// Config (%v, %+v, %#v) shows no secret.
type Config struct {
	// Protocol is ProtocolSigned (default) or ProtocolTianyuan.
	Protocol string
	// BaseURL is the vendor's (or simulator's) root, e.g.
	// "https://api.vendor.example" or "http://127.0.0.1:8089".
	BaseURL string

	// AppID is the signed protocol's X-App-Id.
	AppID string
	// PrivateKey signs signed-protocol requests (RSA, at least 2048 bits).
	// Load it once with LoadPrivateKey.
	PrivateKey *rsa.PrivateKey

	// AccessID is the tianyuan protocol's Access-Id header.
	AccessID string
	// AccessKey is the tianyuan Access Key: 32 hex characters, the 16-byte
	// AES-128 key.
	AccessKey secret.Value
	// Product is the tianyuan product code in the URL (default QYGL8271).
	Product string

	// QPS is the request rate the client holds (a token bucket, burst 1);
	// 0 means unlimited. Set it to the quota the vendor sold.
	QPS float64
	// Concurrency is the most requests in flight (default 16). The adaptive
	// limit moves below it on busy answers and never above it.
	Concurrency int
	// Timeout bounds one HTTP attempt, body included (default 15 s). A
	// timeout is a busy error and is retried.
	Timeout time.Duration
	// MaxBodyBytes is the largest response body read (default 8 MiB);
	// larger is a bad_response.
	MaxBodyBytes int64
	// PageSize is the pageSize asked for (default 50); the vendor may cap it.
	PageSize int

	// MaxRetries is the most retries of one busy request (default 3);
	// negative disables retries.
	MaxRetries int
	// BackoffBase and BackoffCap shape the retry delay: a uniformly random
	// duration in [0, min(BackoffCap, BackoffBase·2^attempt)] ("full
	// jitter"); defaults 200 ms and 5 s.
	BackoffBase time.Duration
	BackoffCap  time.Duration // the longest wait between attempts
	// RetryBudgetRatio and RetryBudgetFloor bound retries over the client's
	// life: every first attempt earns RetryBudgetRatio of a retry (default
	// 0.2), the budget starts at and never holds more than RetryBudgetFloor
	// + 100·RetryBudgetRatio retries (floor default 10), and a retry spends
	// one. So retries ≤ RetryBudgetFloor + RetryBudgetRatio × requests,
	// whatever the vendor does.
	RetryBudgetRatio float64
	RetryBudgetFloor int // retries available before any request earned some

	// Logger receives the client's logs (zero value: no logs).
	Logger zerolog.Logger
	// Registerer receives the client's metrics; nil registers nothing.
	Registerer prometheus.Registerer
	// Now is the clock used for request timestamps and clock-skew checks
	// (default time.Now). Tests inject a skewed clock here.
	Now func() time.Time
}

// WithDefaults returns c with every zero-valued field that has a default
// set to it.
func (c Config) WithDefaults() Config {
	c.Protocol = cmp.Or(c.Protocol, ProtocolSigned)
	c.Product = cmp.Or(c.Product, DefaultProduct)
	c.Concurrency = cmp.Or(c.Concurrency, DefaultConcurrency)
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	c.MaxBodyBytes = cmp.Or(c.MaxBodyBytes, DefaultMaxBodyBytes)
	c.PageSize = cmp.Or(c.PageSize, DefaultPageSize)
	c.MaxRetries = cmp.Or(c.MaxRetries, DefaultMaxRetries)
	c.BackoffBase = cmp.Or(c.BackoffBase, DefaultBackoffBase)
	c.BackoffCap = cmp.Or(c.BackoffCap, DefaultBackoffCap)
	c.RetryBudgetRatio = cmp.Or(c.RetryBudgetRatio, DefaultRetryBudgetRatio)
	c.RetryBudgetFloor = cmp.Or(c.RetryBudgetFloor, DefaultRetryBudgetFloor)
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate reports every problem of c (after defaults), naming the field.
// Messages never contain secret values.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	switch c.Protocol {
	case ProtocolSigned:
		if c.AppID == "" {
			bad("AppID is required for the signed protocol")
		}
		if c.PrivateKey == nil {
			bad("PrivateKey is required for the signed protocol")
		} else if n := c.PrivateKey.N.BitLen(); n < 2048 {
			bad("PrivateKey has %d bits; at least 2048 are required", n)
		}
	case ProtocolTianyuan:
		if c.AccessID == "" {
			bad("AccessID is required for the tianyuan protocol")
		}
		if _, err := ParseAccessKey(c.AccessKey); err != nil {
			bad("AccessKey: %w", err)
		}
		if !validProduct(c.Product) {
			bad("Product %q must be 1-32 letters, digits or underscores", c.Product)
		}
	default:
		bad("Protocol %q must be %q or %q", c.Protocol, ProtocolSigned, ProtocolTianyuan)
	}
	if err := CheckBaseURL(c.BaseURL); err != nil {
		bad("BaseURL: %w", err)
	}
	if c.QPS < 0 {
		bad("QPS %g must not be negative (0 means unlimited)", c.QPS)
	}
	if c.Concurrency < 1 {
		bad("Concurrency %d must be at least 1", c.Concurrency)
	}
	if c.Timeout <= 0 {
		bad("Timeout %s must be positive", c.Timeout)
	}
	if c.MaxBodyBytes < 1024 {
		bad("MaxBodyBytes %d must be at least 1024", c.MaxBodyBytes)
	}
	if c.PageSize < 1 || c.PageSize > 1000 {
		bad("PageSize %d must be between 1 and 1000", c.PageSize)
	}
	if c.MaxRetries > 10 {
		bad("MaxRetries %d must be at most 10", c.MaxRetries)
	}
	if c.BackoffBase <= 0 || c.BackoffCap < c.BackoffBase {
		bad("BackoffBase %s must be positive and at most BackoffCap %s", c.BackoffBase, c.BackoffCap)
	}
	if c.RetryBudgetRatio < 0 || c.RetryBudgetRatio > 1 {
		bad("RetryBudgetRatio %g must be between 0 and 1", c.RetryBudgetRatio)
	}
	if c.RetryBudgetFloor < 0 {
		bad("RetryBudgetFloor %d must not be negative", c.RetryBudgetFloor)
	}
	if c.Now == nil {
		bad("Now must be set (WithDefaults sets time.Now)")
	}
	if len(errs) > 0 {
		return fmt.Errorf("upstream config: %w", errors.Join(errs...))
	}
	return nil
}

// CheckBaseURL reports whether s can be a vendor's root URL: an absolute
// http or https URL without credentials in it. Its errors never repeat a
// URL that carries credentials.
func CheckBaseURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("is not a valid URL (e.g. https://api.vendor.example)")
	case u.User != nil:
		return errors.New("must not carry credentials in the URL")
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return nil
}

// ParseAccessKey decodes a tianyuan Access Key (32 hex characters) into
// the 16-byte AES-128 key. Its errors never repeat the key.
func ParseAccessKey(s secret.Value) ([]byte, error) {
	v := strings.TrimSpace(string(s))
	if len(v) != 32 {
		return nil, fmt.Errorf("must be 32 hex characters, got %d characters", len(v))
	}
	key, err := hex.DecodeString(v)
	if err != nil {
		return nil, errors.New("must be 32 hex characters (0-9, a-f)")
	}
	return key, nil
}

// validProduct reports whether p is 1-32 ASCII letters, digits or
// underscores (it becomes a URL path segment).
func validProduct(p string) bool {
	if p == "" || len(p) > 32 {
		return false
	}
	for i := 0; i < len(p); i++ {
		ch := p[i]
		if !(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_') {
			return false
		}
	}
	return true
}

// String describes c without secrets.
func (c Config) String() string {
	key := "none"
	if c.PrivateKey != nil {
		key = fmt.Sprintf("rsa-%d", c.PrivateKey.N.BitLen())
	}
	access := "none"
	if c.AccessKey != "" {
		access = secret.Redacted
	}
	return fmt.Sprintf("upstream.Config{Protocol:%s BaseURL:%s AppID:%s PrivateKey:%s AccessID:%s AccessKey:%s Product:%s QPS:%g Concurrency:%d Timeout:%s PageSize:%d MaxRetries:%d}",
		c.Protocol, c.BaseURL, c.AppID, key, c.AccessID, access, c.Product, c.QPS, c.Concurrency, c.Timeout, c.PageSize, c.MaxRetries)
}

// GoString describes c without secrets (%#v).
func (c Config) GoString() string { return c.String() }

// MarshalJSON encodes the non-secret settings only, so a Config logged
// with zerolog's Interface or encoded by accident carries no key.
func (c Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Protocol     string        `json:"protocol"`
		BaseURL      string        `json:"base_url"`
		AppID        string        `json:"app_id,omitempty"`
		PrivateKey   bool          `json:"private_key_set"`
		AccessID     string        `json:"access_id,omitempty"`
		AccessKey    bool          `json:"access_key_set"`
		Product      string        `json:"product,omitempty"`
		QPS          float64       `json:"qps"`
		Concurrency  int           `json:"concurrency"`
		Timeout      time.Duration `json:"timeout_ns"`
		MaxBodyBytes int64         `json:"max_body_bytes"`
		PageSize     int           `json:"page_size"`
		MaxRetries   int           `json:"max_retries"`
	}{c.Protocol, c.BaseURL, c.AppID, c.PrivateKey != nil, c.AccessID, c.AccessKey != "", c.Product,
		c.QPS, c.Concurrency, c.Timeout, c.MaxBodyBytes, c.PageSize, c.MaxRetries})
}
