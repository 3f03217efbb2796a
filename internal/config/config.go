// Package config reads arbsync's configuration from the environment once, at
// start, into a Config value that is passed down (no globals). Every problem
// is reported with the name of the variable at fault, all at once, and
// secrets never appear in errors or logs: they are held as secret.Value, and may be
// given directly or through a *_FILE variable naming a file that holds them.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/internal/secret"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// Config is the validated configuration of every arbsync command.
type Config struct {
	// DatabaseURL is the PostgreSQL connection string (DATABASE_URL). It may
	// carry a password, so it is a secret.Value; DatabaseTarget is printable.
	DatabaseURL    secret.Value
	DatabaseTarget string
	// ListenDatabaseURL (ARBSYNC_LISTEN_DATABASE_URL[_FILE]) is an optional
	// direct connection to the same database for LISTEN, which needs a
	// session of its own (a transaction-pooling PgBouncer on DATABASE_URL
	// cannot give it one). Unset, the daemon LISTENs on DatabaseURL.
	ListenDatabaseURL    secret.Value
	ListenDatabaseTarget string

	Upstream Upstream

	HTTPAddr    string       // ARBSYNC_HTTP_ADDR; "off" disables the listener (HTTPAddr is then "")
	LookupToken secret.Value // ARBSYNC_LOOKUP_TOKEN[_FILE]; empty disables the lookup API

	SyncSchedule       string         // ARBSYNC_SYNC_SCHEDULE (cron)
	RescoreSchedule    string         // ARBSYNC_RESCORE_SCHEDULE (cron)
	ThresholdsSchedule string         // ARBSYNC_THRESHOLDS_SCHEDULE (cron)
	Timezone           *time.Location // ARBSYNC_TIMEZONE, for schedules and as-of dates

	SyncBatch     int           // ARBSYNC_SYNC_BATCH: companies claimed per round
	SyncLease     time.Duration // ARBSYNC_SYNC_LEASE: how long a claim is held
	ShutdownGrace time.Duration // ARBSYNC_SHUTDOWN_GRACE
	ReplicaID     string        // ARBSYNC_REPLICA_ID (default host-pid)

	ReportDir string // ARBSYNC_REPORT_DIR

	// Thresholds are the parameters of the fixed rule and of the weekly
	// dynamic-threshold method.
	Thresholds thresholds.Params

	LogLevel  zerolog.Level // ARBSYNC_LOG_LEVEL
	LogFormat string        // ARBSYNC_LOG_FORMAT: json | console
}

// Upstream configures the vendor client.
type Upstream struct {
	Protocol       string        // ARBSYNC_UPSTREAM_PROTOCOL: signed | tianyuan
	URL            string        // ARBSYNC_UPSTREAM_URL
	AppID          string        // ARBSYNC_UPSTREAM_APP_ID (signed)
	PrivateKeyFile string        // ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE (signed)
	AccessID       string        // ARBSYNC_UPSTREAM_ACCESS_ID (tianyuan)
	AccessKey      secret.Value  // ARBSYNC_UPSTREAM_ACCESS_KEY[_FILE] (tianyuan)
	Product        string        // ARBSYNC_UPSTREAM_PRODUCT (tianyuan)
	QPS            float64       // ARBSYNC_UPSTREAM_QPS
	Concurrency    int           // ARBSYNC_UPSTREAM_CONCURRENCY
	Timeout        time.Duration // ARBSYNC_UPSTREAM_TIMEOUT
}

// Env reads variables and files; tests pass maps, main passes the process's.
type Env struct {
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
	// Default, when set, is told the default of each variable that has one,
	// as Load reads it (the value Load uses while the variable is unset), so
	// that `arbsync run -h` can list them from this one place.
	Default func(name, value string)
}

// OSEnv is the process environment and file system.
func OSEnv() Env { return Env{Getenv: os.Getenv, ReadFile: os.ReadFile} }

// Need says which parts of the configuration a command requires.
type Need struct {
	Database bool
	Upstream bool
}

var accessKeyRE = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)

// Load reads and validates the configuration. The error lists every invalid
// variable, one per line, each naming the variable.
func Load(env Env, need Need) (Config, error) {
	p := parser{env: env}
	c := Config{
		HTTPAddr:           p.str("ARBSYNC_HTTP_ADDR", "127.0.0.1:8080"),
		LookupToken:        p.secret("ARBSYNC_LOOKUP_TOKEN"),
		SyncSchedule:       p.schedule("ARBSYNC_SYNC_SCHEDULE", "*/5 * * * *"),
		RescoreSchedule:    p.schedule("ARBSYNC_RESCORE_SCHEDULE", "30 2 * * *"),
		ThresholdsSchedule: p.schedule("ARBSYNC_THRESHOLDS_SCHEDULE", "0 3 * * 1"),
		Timezone:           p.location("ARBSYNC_TIMEZONE", "Asia/Shanghai"),
		SyncBatch:          p.intRange("ARBSYNC_SYNC_BATCH", 200, 1, 10000),
		SyncLease:          p.duration("ARBSYNC_SYNC_LEASE", 5*time.Minute, 10*time.Second, 24*time.Hour),
		ShutdownGrace:      p.duration("ARBSYNC_SHUTDOWN_GRACE", 30*time.Second, 0, time.Hour),
		ReplicaID:          p.computed("ARBSYNC_REPLICA_ID", "hostname-pid", defaultReplicaID),
		ReportDir:          p.str("ARBSYNC_REPORT_DIR", "reports"),
		LogFormat:          p.oneOf("ARBSYNC_LOG_FORMAT", "json", "json", "console"),
		Upstream: Upstream{
			Protocol:       p.oneOf("ARBSYNC_UPSTREAM_PROTOCOL", "signed", "signed", "tianyuan"),
			URL:            p.httpURL("ARBSYNC_UPSTREAM_URL", "http://127.0.0.1:8089"),
			AppID:          p.str("ARBSYNC_UPSTREAM_APP_ID", ""),
			PrivateKeyFile: p.str("ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE", ""),
			AccessID:       p.str("ARBSYNC_UPSTREAM_ACCESS_ID", ""),
			AccessKey:      p.secret("ARBSYNC_UPSTREAM_ACCESS_KEY"),
			Product:        p.str("ARBSYNC_UPSTREAM_PRODUCT", "QYGL8271"),
			QPS:            p.float("ARBSYNC_UPSTREAM_QPS", 20, 0, 100000),
			Concurrency:    p.intRange("ARBSYNC_UPSTREAM_CONCURRENCY", 16, 1, 4096),
			Timeout:        p.duration("ARBSYNC_UPSTREAM_TIMEOUT", 15*time.Second, 100*time.Millisecond, 10*time.Minute),
		},
	}
	c.LogLevel = p.logLevel("ARBSYNC_LOG_LEVEL", zerolog.InfoLevel)
	def := thresholds.DefaultParams()
	c.Thresholds = thresholds.Params{
		FixedWarning: p.points("ARBSYNC_THRESHOLD_WARNING", def.FixedWarning),
		FixedUrgent:  p.points("ARBSYNC_THRESHOLD_URGENT", def.FixedUrgent),
		M:            p.intRange("ARBSYNC_THRESHOLDS_SHRINKAGE", def.M, 0, 1_000_000),
		Bound:        p.points("ARBSYNC_THRESHOLDS_BOUND", def.Bound),
		MaxStep:      p.points("ARBSYNC_THRESHOLDS_MAX_STEP", def.MaxStep),
		UrgentGap:    p.points("ARBSYNC_THRESHOLDS_URGENT_GAP", def.UrgentGap),
	}
	if err := c.Thresholds.Validate(); err != nil {
		p.fail("ARBSYNC_THRESHOLD_*", "%v", err)
	}
	if c.HTTPAddr == "off" {
		c.HTTPAddr = ""
	}
	if c.HTTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
			p.fail("ARBSYNC_HTTP_ADDR", "%q is not host:port", c.HTTPAddr)
		}
	}
	c.DatabaseURL = p.secret("DATABASE_URL")
	if c.DatabaseURL.IsSet() {
		c.DatabaseTarget = p.databaseTarget("DATABASE_URL", c.DatabaseURL)
	} else if need.Database {
		p.fail("DATABASE_URL", "is required (postgres://user:password@host:port/dbname); `make run` sets it for the local development database")
	}
	c.ListenDatabaseURL = p.secret("ARBSYNC_LISTEN_DATABASE_URL")
	if c.ListenDatabaseURL.IsSet() {
		c.ListenDatabaseTarget = p.databaseTarget("ARBSYNC_LISTEN_DATABASE_URL", c.ListenDatabaseURL)
	}
	if need.Upstream {
		u := c.Upstream
		switch u.Protocol {
		case "signed":
			if u.AppID == "" {
				p.fail("ARBSYNC_UPSTREAM_APP_ID", "is required with ARBSYNC_UPSTREAM_PROTOCOL=signed")
			}
			if u.PrivateKeyFile == "" {
				p.fail("ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE", "is required with ARBSYNC_UPSTREAM_PROTOCOL=signed (create a pair with `arbsync keygen`)")
			}
		case "tianyuan":
			if u.AccessID == "" {
				p.fail("ARBSYNC_UPSTREAM_ACCESS_ID", "is required with ARBSYNC_UPSTREAM_PROTOCOL=tianyuan")
			}
			if !accessKeyRE.MatchString(u.AccessKey.Reveal()) {
				p.fail("ARBSYNC_UPSTREAM_ACCESS_KEY", "must be 32 hexadecimal characters (the vendor's Access Key)")
			}
		}
	}
	return c, p.err()
}

func defaultReplicaID() string {
	h, _ := os.Hostname()
	if h == "" {
		h = "arbsync"
	}
	return fmt.Sprintf("%s-%d", h, os.Getpid())
}

type parser struct {
	env  Env
	errs []string
}

func (p *parser) fail(name, format string, args ...any) {
	p.errs = append(p.errs, name+": "+fmt.Sprintf(format, args...))
}

func (p *parser) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return errors.New("invalid configuration:\n  " + strings.Join(p.errs, "\n  "))
}

func (p *parser) raw(name string) (string, bool) {
	v := strings.TrimSpace(p.env.Getenv(name))
	return v, v != ""
}

// noteDefault tells Env.Default the default of variable name.
func (p *parser) noteDefault(name, def string) {
	if p.env.Default != nil && def != "" {
		p.env.Default(name, def)
	}
}

func (p *parser) str(name, def string) string {
	p.noteDefault(name, def)
	if v, ok := p.raw(name); ok {
		return v
	}
	return def
}

// computed is str for a default computed at start; shown describes it.
func (p *parser) computed(name, shown string, def func() string) string {
	p.noteDefault(name, shown)
	if v, ok := p.raw(name); ok {
		return v
	}
	return def()
}

// secret reads NAME or, when NAME is empty, the file named by NAME_FILE.
// Setting both is an error. Values are never quoted in messages.
func (p *parser) secret(name string) secret.Value {
	v, ok := p.raw(name)
	file, fileOK := p.raw(name + "_FILE")
	switch {
	case ok && fileOK:
		p.fail(name, "set either %s or %s_FILE, not both", name, name)
		return ""
	case fileOK:
		b, err := p.env.ReadFile(file)
		if err != nil {
			p.fail(name+"_FILE", "cannot read %s: %v", file, unwrapPathError(err))
			return ""
		}
		s := strings.TrimSpace(string(b))
		if s == "" {
			p.fail(name+"_FILE", "file %s is empty", file)
		}
		return secret.Value(s)
	case ok:
		return secret.Value(v)
	}
	return ""
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// databaseTarget checks that dsn (the value of variable name) is a
// PostgreSQL connection string and returns where it points, without the
// password.
func (p *parser) databaseTarget(name string, dsn secret.Value) string {
	pc, err := pgx.ParseConfig(dsn.Reveal())
	if err != nil {
		// pgx's message can quote the DSN; say only what kind of problem it is.
		p.fail(name, "is not a valid PostgreSQL connection string (expected postgres://user:password@host:port/dbname)")
		return ""
	}
	return fmt.Sprintf("%s@%s:%d/%s", pc.User, pc.Host, pc.Port, pc.Database)
}

func (p *parser) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(p.str(name, def))
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail(name, "%q is not one of %s", v, strings.Join(allowed, ", "))
	return def
}

func (p *parser) intRange(name string, def, lo, hi int) int {
	p.noteDefault(name, strconv.Itoa(def))
	v, ok := p.raw(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		p.fail(name, "%q is not a whole number from %d to %d", v, lo, hi)
		return def
	}
	return n
}

func (p *parser) points(name string, def scoring.Points) scoring.Points {
	p.noteDefault(name, strings.TrimSuffix(def.String(), ".00"))
	v, ok := p.raw(name)
	if !ok {
		return def
	}
	pts, err := scoring.ParsePoints(v)
	if err != nil || pts < 0 || pts > scoring.WholePoints(100) {
		p.fail(name, "%q is not a number of points from 0 to 100", v)
		return def
	}
	return pts
}

func (p *parser) float(name string, def, lo, hi float64) float64 {
	p.noteDefault(name, strconv.FormatFloat(def, 'g', -1, 64))
	v, ok := p.raw(name)
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < lo || f > hi {
		p.fail(name, "%q is not a number from %g to %g", v, lo, hi)
		return def
	}
	return f
}

func (p *parser) duration(name string, def, lo, hi time.Duration) time.Duration {
	p.noteDefault(name, shortDuration(def))
	v, ok := p.raw(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		p.fail(name, "%q is not a duration from %v to %v (e.g. 30s, 5m)", v, lo, hi)
		return def
	}
	return d
}

func (p *parser) schedule(name, def string) string {
	v := p.str(name, def)
	if _, err := cron.ParseStandard(v); err != nil {
		p.fail(name, "%q is not a cron schedule (5 fields like \"*/5 * * * *\", or @every 10m): %v", v, err)
		return def
	}
	return v
}

func (p *parser) location(name, def string) *time.Location {
	v := p.str(name, def)
	loc, err := time.LoadLocation(v)
	if err != nil {
		p.fail(name, "%q is not an IANA time zone (e.g. Asia/Shanghai, UTC)", v)
		loc, _ = time.LoadLocation(def)
	}
	return loc
}

func (p *parser) httpURL(name, def string) string {
	v := p.str(name, def)
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.fail(name, "%q is not an http(s) URL", v)
		return def
	}
	if u.User != nil {
		p.fail(name, "must not carry credentials in the URL")
		return def
	}
	return strings.TrimRight(v, "/")
}

func (p *parser) logLevel(name string, def zerolog.Level) zerolog.Level {
	p.noteDefault(name, def.String())
	v, ok := p.raw(name)
	if !ok {
		return def
	}
	l, err := zerolog.ParseLevel(strings.ToLower(v))
	if err != nil || v == "" {
		p.fail(name, "%q is not one of trace, debug, info, warn, error", v)
		return def
	}
	return l
}

// shortDuration writes d without zero trailing units: 5m, 30s, 1h30m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
