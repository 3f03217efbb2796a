package config

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/internal/secret"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/scoring"
)

// parser reads variables through an Env and collects every problem.
type parser struct {
	env  Env
	errs problems
}

// problems is an invalid configuration: one error per problem, each
// starting with the name of its variable.
type problems []error

func (ps problems) Error() string {
	lines := make([]string, len(ps))
	for i, e := range ps {
		lines[i] = e.Error()
	}
	return "invalid configuration:\n  " + strings.Join(lines, "\n  ")
}

// Unwrap gives the problems one by one.
func (ps problems) Unwrap() []error { return ps }

func (p *parser) fail(name, format string, args ...any) {
	p.errs = append(p.errs, errors.New(name+": "+fmt.Sprintf(format, args...)))
}

func (p *parser) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return p.errs
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
	v, _ := p.secretFrom(name)
	return v
}

// secretFrom is secret that also returns the variable that gave the value
// (name or name_FILE), for messages about the value; "" when reading it
// failed (which is reported).
func (p *parser) secretFrom(name string) (secret.Value, string) {
	v, ok := p.raw(name)
	file, fileOK := p.raw(name + "_FILE")
	switch {
	case ok && fileOK:
		p.fail(name, "set either %s or %s_FILE, not both", name, name)
		return "", ""
	case fileOK:
		b, err := p.env.ReadFile(file)
		if err != nil {
			p.fail(name+"_FILE", "cannot read %s: %v", file, unwrapPathError(err))
			return "", ""
		}
		s := strings.TrimSpace(string(b))
		if s == "" {
			p.fail(name+"_FILE", "file %s is empty", file)
			return "", ""
		}
		return secret.Value(s), name + "_FILE"
	}
	return secret.Value(v), name
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

// inRange reads variable name as parse reads it: def while unset, and a
// problem saying what is wanted if the value does not parse or lies outside
// [lo, hi]. shown is def as `arbsync run -h` shows it.
func inRange[T cmp.Ordered](p *parser, name string, def T, shown string, lo, hi T, parse func(string) (T, error), want string) T {
	p.noteDefault(name, shown)
	v, ok := p.raw(name)
	if !ok {
		return def
	}
	x, err := parse(v)
	if err != nil || !(x >= lo && x <= hi) { // not x < lo || x > hi: NaN is neither
		p.fail(name, "%q is not %s", v, want)
		return def
	}
	return x
}

func (p *parser) intRange(name string, def, lo, hi int) int {
	return inRange(p, name, def, strconv.Itoa(def), lo, hi, strconv.Atoi, fmt.Sprintf("a whole number from %d to %d", lo, hi))
}

func (p *parser) points(name string, def scoring.Points) scoring.Points {
	return inRange(p, name, def, strings.TrimSuffix(def.String(), ".00"), 0, scoring.WholePoints(100), scoring.ParsePoints,
		"a number of points from 0 to 100")
}

// rule reads a scoring rule version.
func (p *parser) rule(name string, def scoring.Rule) scoring.Rule {
	p.noteDefault(name, def.String())
	v, ok := p.raw(name)
	if !ok {
		return def
	}
	r, err := scoring.ParseRule(v)
	if err != nil {
		p.fail(name, "%v", err)
		return def
	}
	return r
}

func (p *parser) float(name string, def, lo, hi float64) float64 {
	parse := func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
	return inRange(p, name, def, strconv.FormatFloat(def, 'g', -1, 64), lo, hi, parse, fmt.Sprintf("a number from %g to %g", lo, hi))
}

func (p *parser) duration(name string, def, lo, hi time.Duration) time.Duration {
	return inRange(p, name, def, shortDuration(def), lo, hi, time.ParseDuration, fmt.Sprintf("a duration from %v to %v (e.g. 30s, 5m)", lo, hi))
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

// httpURL reads a vendor URL, checked as the upstream client checks it.
func (p *parser) httpURL(name, def string) string {
	v := p.str(name, def)
	if err := upstream.CheckBaseURL(v); err != nil {
		p.fail(name, "%v", err)
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
