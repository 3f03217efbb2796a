// Package config reads arbsync's configuration from the environment once, at
// start, into a Config value that is passed down (no globals). It is the one
// reader of the environment: the database, the vendor client, the schedules,
// the thresholds and the alert channels are all read and validated here, with
// one set of defaults. Every problem is reported with the name of the variable
// at fault, all at once, and secrets never appear in errors or logs: they are
// held as secret.Value, and may be given directly or through a *_FILE variable
// naming a file that holds them.
package config

import (
	"fmt"
	"net"
	"os"
	"time"
	_ "time/tzdata" // the default zone (Asia/Shanghai) loads on any machine, for the daemon, tests and the benchmark alike

	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/secret"
	"github.com/arbsync/arbsync/internal/upstream"
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

	// Upstream are the vendor client's options as configured
	// (ARBSYNC_UPSTREAM_*): protocol, URL, credentials (the private key read
	// from ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE when the command needs the
	// vendor), product, QPS, concurrency and timeout. The fields without a
	// variable are left zero, for upstream.New's defaults; whoever builds
	// the client adds its logger and metrics registry.
	Upstream upstream.Config

	HTTPAddr    string       // ARBSYNC_HTTP_ADDR; "off" disables the listener (HTTPAddr is then "")
	LookupToken secret.Value // ARBSYNC_LOOKUP_TOKEN[_FILE]; empty disables the lookup API

	SyncSchedule       string         // ARBSYNC_SYNC_SCHEDULE (cron)
	RescoreSchedule    string         // ARBSYNC_RESCORE_SCHEDULE (cron)
	ThresholdsSchedule string         // ARBSYNC_THRESHOLDS_SCHEDULE (cron)
	DigestSchedule     string         // ARBSYNC_DIGEST_SCHEDULE (cron): the daily digest
	Timezone           *time.Location // ARBSYNC_TIMEZONE, for schedules and as-of dates

	SyncBatch     int           // ARBSYNC_SYNC_BATCH: companies claimed per round
	SyncLease     time.Duration // ARBSYNC_SYNC_LEASE: how long a claim is held
	ShutdownGrace time.Duration // ARBSYNC_SHUTDOWN_GRACE
	ReplicaID     string        // ARBSYNC_REPLICA_ID (default host-pid)

	ReportDir string // ARBSYNC_REPORT_DIR

	// ScoreRule (ARBSYNC_SCORE_RULE: 1 or 2, default 2) is the scoring rule
	// every score is computed with: the sync's, the daily rescore's and
	// `arbsync score`'s. Changing it rescores every company once.
	ScoreRule scoring.Rule

	// Thresholds are the parameters of the fixed rule and of the weekly
	// dynamic-threshold method.
	Thresholds thresholds.Params

	// Channels are the alert channels (ARBSYNC_ALERT_CHANNELS and, for each
	// NAME it lists, ARBSYNC_ALERT_<NAME>_*); none means alerts are recorded
	// but sent nowhere.
	Channels []alerts.ChannelConfig

	LogLevel  zerolog.Level // ARBSYNC_LOG_LEVEL
	LogFormat string        // ARBSYNC_LOG_FORMAT: json | console
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
	// Upstream requires the vendor's credentials for the configured
	// protocol, and reads the private key of the signed protocol.
	Upstream bool
}

// Load reads and validates the configuration. The error lists every invalid
// variable, one per line, each naming the variable (errors.As to an
// interface{ Unwrap() []error } gives them one by one); with an error the
// Config is empty.
func Load(env Env, need Need) (Config, error) {
	p := parser{env: env}
	c := Config{
		HTTPAddr:           p.str("ARBSYNC_HTTP_ADDR", "127.0.0.1:8080"),
		LookupToken:        p.secret("ARBSYNC_LOOKUP_TOKEN"),
		SyncSchedule:       p.schedule("ARBSYNC_SYNC_SCHEDULE", "*/5 * * * *"),
		RescoreSchedule:    p.schedule("ARBSYNC_RESCORE_SCHEDULE", "30 2 * * *"),
		ThresholdsSchedule: p.schedule("ARBSYNC_THRESHOLDS_SCHEDULE", "0 3 * * 1"),
		DigestSchedule:     p.schedule("ARBSYNC_DIGEST_SCHEDULE", "0 9 * * *"),
		Timezone:           p.location("ARBSYNC_TIMEZONE", "Asia/Shanghai"),
		SyncBatch:          p.intRange("ARBSYNC_SYNC_BATCH", 200, 1, 10000),
		SyncLease:          p.duration("ARBSYNC_SYNC_LEASE", 5*time.Minute, 10*time.Second, 24*time.Hour),
		ShutdownGrace:      p.duration("ARBSYNC_SHUTDOWN_GRACE", 30*time.Second, 0, time.Hour),
		ReplicaID:          p.computed("ARBSYNC_REPLICA_ID", "hostname-pid", defaultReplicaID),
		ReportDir:          p.str("ARBSYNC_REPORT_DIR", "reports"),
		ScoreRule:          p.rule("ARBSYNC_SCORE_RULE", scoring.DefaultRule),
		LogFormat:          p.oneOf("ARBSYNC_LOG_FORMAT", "json", "json", "console"),
		Upstream:           p.upstream(need.Upstream),
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
	c.Channels = p.channels()
	if err := p.err(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Default is the configuration of an empty environment: every variable at
// its default. Tests and the benchmark start from it and set what they
// change, so that they run with the daemon's settings.
func Default() Config {
	c, err := Load(Env{Getenv: func(string) string { return "" }}, Need{})
	if err != nil {
		panic("config: the defaults are invalid: " + err.Error())
	}
	return c
}

func defaultReplicaID() string {
	h, _ := os.Hostname()
	if h == "" {
		h = "arbsync"
	}
	return fmt.Sprintf("%s-%d", h, os.Getpid())
}
