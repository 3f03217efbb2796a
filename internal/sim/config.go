package sim

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"time"

	"github.com/arbsync/arbsync/internal/secret"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/rs/zerolog"
)

// Protocols a Server can speak.
const (
	ProtocolSigned   = upstream.ProtocolSigned
	ProtocolTianyuan = upstream.ProtocolTianyuan
	ProtocolBoth     = "both"
)

// Defaults applied by New.
const (
	DefaultPageSize        = 50
	DefaultPageSizeMax     = 50
	DefaultTimestampWindow = 300 * time.Second
	DefaultOversizeBytes   = 16 << 20
	DefaultHangFor         = 2 * time.Minute
	// MaxTrackedCodes bounds the per-credit-code request counters; codes
	// beyond it are counted in Stats.UntrackedCodes only.
	MaxTrackedCodes = 100_000
)

// Config configures a simulated vendor.
type Config struct {
	// Protocol is ProtocolSigned, ProtocolTianyuan or ProtocolBoth (default).
	Protocol string
	// PublicKey verifies the signed protocol's X-Signature.
	PublicKey *rsa.PublicKey
	// AppID is the X-App-Id the signed protocol accepts.
	AppID string
	// AccessID is the tianyuan Access-Id accepted.
	AccessID string
	// AccessKey is the tianyuan Access Key (32 hex characters).
	AccessKey secret.Value
	// Product is the tianyuan product code served (default QYGL8271);
	// other products answer 1008.
	Product string

	// QPS is the vendor's quota over all callers (a token bucket with one
	// second of burst); 0 means none. Past it the signed protocol answers
	// code 5001 and tianyuan HTTP 429 (code 1001, Retry-After: 1).
	QPS float64
	// Latency is the mean time to answer; each answer takes a uniformly
	// random time in [Latency-Jitter, Latency+Jitter] (at least 0).
	Latency time.Duration
	Jitter  time.Duration // half-width of the latency spread
	// Faults are the failures injected from the start (see SetFaults).
	Faults Faults
	// UnknownShare is the share of credit codes the vendor does not know
	// (6002 / 1000), chosen deterministically per code. Codes that are not
	// 18 characters of the GB 32100 alphabet are always unknown.
	UnknownShare float64
	// Seed makes the data: the same seed, code and date give the same
	// company and cases.
	Seed int64
	// StartDate is the simulated date (default: today in China time).
	StartDate time.Time
	// PageSizeMax caps the page size a client may ask for (default 50).
	PageSizeMax int
	// TimestampWindow is the accepted X-Timestamp skew (default ±300 s).
	TimestampWindow time.Duration
	// OversizeBytes is the size of injected oversized bodies (16 MiB).
	OversizeBytes int64
	// Now is the wall clock, used for X-Timestamp checks and the Date
	// header (default time.Now); the simulated date is separate.
	Now func() time.Time
	// Logger receives one line per request at debug level, and start-up
	// and admin actions at info.
	Logger zerolog.Logger
}

// Faults are failures the simulator injects; each probability applies per
// request, in this order: Hang, ErrorRates (ascending key), Garbage,
// Truncated, Oversized, Malformed. At most one fault hits a request.
type Faults struct {
	// ErrorRates maps an answer to its probability. Keys of 1000 and more
	// are business codes (signed: 4001, 4003, 5001, 6002; tianyuan: 1000-
	// 1008, 2001), each applied only by the protocol it belongs to; keys
	// 400-599 are HTTP statuses answered with an empty-data envelope.
	ErrorRates map[int]float64 `json:"errorRates,omitempty"`
	// Garbage answers HTTP 200 with a body that is not the envelope (an
	// HTML error page or random bytes).
	Garbage float64 `json:"garbage,omitempty"`
	// Truncated announces the full Content-Length, sends half, and drops
	// the connection.
	Truncated float64 `json:"truncated,omitempty"`
	// Oversized answers with Config.OversizeBytes of valid-looking JSON.
	Oversized float64 `json:"oversized,omitempty"`
	// Malformed corrupts one field of one case (an unknown role, an
	// amount with a thousands separator, an impossible date).
	Malformed float64 `json:"malformed,omitempty"`
	// Hang answers only after HangFor (default 2 min) or when the client
	// gives up, whichever is first.
	Hang    float64       `json:"hang,omitempty"`
	HangFor time.Duration `json:"hangFor,omitempty"` // in JSON: nanoseconds
	// Permission denies the product to everyone: 4003 / 1008.
	Permission bool `json:"permission,omitempty"`
}

// Validate reports what is wrong with f.
func (f Faults) Validate() error {
	var errs []error
	check := func(name string, p float64) {
		if p < 0 || p > 1 {
			errs = append(errs, fmt.Errorf("%s probability %g must be between 0 and 1", name, p))
		}
	}
	sum := 0.0
	for code, p := range f.ErrorRates {
		if !(code >= 400 && code <= 599) && code < 1000 {
			errs = append(errs, fmt.Errorf("error rate key %d is neither an HTTP status 400-599 nor a business code >= 1000", code))
		}
		check(fmt.Sprintf("error rate %d", code), p)
		sum += p
	}
	for _, x := range []struct {
		name string
		p    float64
	}{{"garbage", f.Garbage}, {"truncated", f.Truncated}, {"oversized", f.Oversized}, {"malformed", f.Malformed}, {"hang", f.Hang}} {
		check(x.name, x.p)
		sum += x.p
	}
	if sum > 1+1e-9 {
		errs = append(errs, fmt.Errorf("fault probabilities add up to %g, more than 1", sum))
	}
	if f.HangFor < 0 {
		errs = append(errs, errors.New("hangFor must not be negative"))
	}
	return errors.Join(errs...)
}

// withDefaults fills zero fields.
func (c Config) withDefaults() Config {
	if c.Protocol == "" {
		c.Protocol = ProtocolBoth
	}
	if c.Product == "" {
		c.Product = upstream.DefaultProduct
	}
	if c.PageSizeMax == 0 {
		c.PageSizeMax = DefaultPageSizeMax
	}
	if c.TimestampWindow == 0 {
		c.TimestampWindow = DefaultTimestampWindow
	}
	if c.OversizeBytes == 0 {
		c.OversizeBytes = DefaultOversizeBytes
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.StartDate.IsZero() {
		c.StartDate = c.Now().In(time.FixedZone("CST", chinaOffset))
	}
	return c
}

// validate reports every problem of c after defaults.
func (c Config) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	signed := c.Protocol == ProtocolSigned || c.Protocol == ProtocolBoth
	tianyuan := c.Protocol == ProtocolTianyuan || c.Protocol == ProtocolBoth
	if !signed && !tianyuan {
		bad("protocol %q must be %q, %q or %q", c.Protocol, ProtocolSigned, ProtocolTianyuan, ProtocolBoth)
	}
	if signed && c.PublicKey == nil {
		bad("the signed protocol needs a public key (create a pair with `arbsync keygen`)")
	}
	if signed && c.AppID == "" {
		bad("the signed protocol needs an app id")
	}
	if tianyuan {
		if c.AccessID == "" {
			bad("the tianyuan protocol needs an access id")
		}
		if _, err := upstream.ParseAccessKey(c.AccessKey); err != nil {
			bad("access key: %w", err)
		}
	}
	if c.QPS < 0 {
		bad("qps %g must not be negative", c.QPS)
	}
	if c.Latency < 0 || c.Jitter < 0 {
		bad("latency and jitter must not be negative")
	}
	if c.UnknownShare < 0 || c.UnknownShare > 1 {
		bad("unknown share %g must be between 0 and 1", c.UnknownShare)
	}
	if c.PageSizeMax < 1 {
		bad("page size max %d must be at least 1", c.PageSizeMax)
	}
	if err := c.Faults.Validate(); err != nil {
		bad("faults: %w", err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("sim config: %w", errors.Join(errs...))
	}
	return nil
}
