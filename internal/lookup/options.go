package lookup

import (
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/sync"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultCacheSize = 10_000
	DefaultCacheTTL  = 5 * time.Minute
	DefaultFreshness = 24 * time.Hour
	DefaultTimeout   = 30 * time.Second
)

// Options configure a Handler. Zero values take the defaults above.
type Options struct {
	// Pool is the database (required).
	Pool *pgxpool.Pool
	// Engine fetches companies live (tier 3). nil disables live fetches:
	// the lookup then answers from PostgreSQL only, stale or not, and
	// cannot add companies to the watchlist.
	Engine *casesync.Engine
	// Token is the bearer token ERP clients send (required). It is compared
	// in constant time and never logged.
	Token string
	// CacheSize bounds the in-process cache, in companies (least recently
	// used evicted first); negative disables the cache.
	CacheSize int
	// CacheTTL is how long a cached answer is served.
	CacheTTL time.Duration
	// Freshness is the age (since the last successful sync) past which
	// stored data is refreshed with a live fetch before it is served.
	Freshness time.Duration
	// Timeout bounds one request, live fetch included.
	Timeout time.Duration
	// Registerer receives the lookup metrics; nil registers nothing.
	Registerer prometheus.Registerer
	// Logger receives the lookup's logs.
	Logger zerolog.Logger
	// Now is the clock that ages data (default time.Now); cached answers
	// expire on the wall clock.
	Now func() time.Time
}

func (o Options) withDefaults() (Options, error) {
	var errs []error
	if o.Pool == nil {
		errs = append(errs, errors.New("lookup: Options.Pool is required"))
	}
	if o.Token == "" {
		errs = append(errs, errors.New("lookup: Options.Token is required"))
	}
	if o.CacheTTL < 0 || o.Freshness < 0 || o.Timeout < 0 {
		errs = append(errs, errors.New("lookup: CacheTTL, Freshness and Timeout must not be negative"))
	}
	if o.CacheSize == 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.CacheTTL == 0 {
		o.CacheTTL = DefaultCacheTTL
	}
	if o.Freshness == 0 {
		o.Freshness = DefaultFreshness
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, errors.Join(errs...)
}
