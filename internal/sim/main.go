package sim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/arbsync/arbsync/internal/secret"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/rs/zerolog"
)

// Flags defines the `arbsync sim` command's flags on fs and returns the
// command itself: after fs is parsed, serve runs the simulator the flags
// describe until ctx ends, then shuts down gracefully. Logs go to stderr
// (zerolog). Parsing and help are the caller's (package cli).
func Flags(fs *flag.FlagSet) (serve func(ctx context.Context, stderr io.Writer) error) {
	var f flagValues
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8089", "address to listen on")
	fs.StringVar(&f.protocol, "protocol", ProtocolSigned, "protocol to serve: signed, tianyuan or both")
	fs.StringVar(&f.publicKey, "public-key", "", "PEM public key verifying signed requests (from arbsync keygen)")
	fs.StringVar(&f.appID, "app-id", "arbsync", "X-App-Id accepted by the signed protocol")
	fs.StringVar(&f.accessID, "access-id", "", "Access-Id accepted by the tianyuan protocol")
	fs.StringVar(&f.accessKey, "access-key", "", "tianyuan Access Key, 32 hex characters (visible in ps; prefer -access-key-file)")
	fs.StringVar(&f.accessKeyFile, "access-key-file", "", "file holding the tianyuan Access Key")
	fs.StringVar(&f.product, "product", upstream.DefaultProduct, "tianyuan product code served")
	fs.Float64Var(&f.qps, "qps", 0, "QPS quota over all callers; 0 = none (past it: 5001 / HTTP 429)")
	fs.DurationVar(&f.latency, "latency", 0, "mean answer latency, e.g. 50ms")
	fs.DurationVar(&f.jitter, "jitter", 0, "latency varies uniformly by ± this much")
	fs.StringVar(&f.errorRates, "error-rate", "", "faults as CODE=P,…: business codes (5001=0.1,4003=0.01), HTTP statuses (503=0.05), or garbage, truncated, oversized, malformed, hang")
	fs.BoolVar(&f.permission, "deny-product", false, "deny the product to everyone (4003 / 1008)")
	fs.Float64Var(&f.unknown, "unknown-share", 0.02, "share of credit codes the vendor does not know (6002 / 1000)")
	fs.Int64Var(&f.seed, "seed", 1, "data seed: the same seed, code and date give the same cases")
	fs.StringVar(&f.date, "date", "", "simulated date, e.g. 2026-11-24 (default: today, China time)")
	fs.DurationVar(&f.advanceEvery, "advance-every", 0, "advance the simulated date by one day every this much wall time (0 = never)")
	fs.IntVar(&f.pageSizeMax, "page-size-max", DefaultPageSizeMax, "largest page size served")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&f.logFormat, "log-format", "json", "log format: json or console")
	return func(ctx context.Context, stderr io.Writer) error { return serveFlags(ctx, stderr, f) }
}

// flagValues are the parsed flags of `arbsync sim`.
type flagValues struct {
	listen, protocol, publicKey, appID, accessID, accessKey, accessKeyFile, product string
	qps, unknown                                                                    float64
	latency, jitter, advanceEvery                                                   time.Duration
	errorRates, date, logLevel, logFormat                                           string
	permission                                                                      bool
	seed                                                                            int64
	pageSizeMax                                                                     int
}

// serveFlags checks the flag values, then serves until ctx ends.
func serveFlags(ctx context.Context, stderr io.Writer, f flagValues) error {
	log, err := newLogger(stderr, f.logLevel, f.logFormat)
	if err != nil {
		return err
	}
	cfg := Config{
		Protocol: f.protocol, AppID: f.appID, AccessID: f.accessID, Product: f.product,
		QPS: f.qps, Latency: f.latency, Jitter: f.jitter, UnknownShare: f.unknown, Seed: f.seed,
		PageSizeMax: f.pageSizeMax, Logger: log,
	}
	if f.publicKey != "" {
		if cfg.PublicKey, err = upstream.LoadPublicKey(f.publicKey); err != nil {
			return fmt.Errorf("sim: -public-key: %w", err)
		}
	}
	switch {
	case f.accessKey != "" && f.accessKeyFile != "":
		return errors.New("sim: give -access-key or -access-key-file, not both")
	case f.accessKeyFile != "":
		b, err := os.ReadFile(f.accessKeyFile)
		if err != nil {
			return fmt.Errorf("sim: -access-key-file: %w", err)
		}
		cfg.AccessKey = secret.Value(strings.TrimSpace(string(b)))
	default:
		cfg.AccessKey = secret.Value(f.accessKey)
	}
	if cfg.Faults, err = ParseFaults(f.errorRates); err != nil {
		return fmt.Errorf("sim: -error-rate: %w", err)
	}
	cfg.Faults.Permission = f.permission
	if f.date != "" {
		if cfg.StartDate, err = time.Parse(time.DateOnly, f.date); err != nil {
			return fmt.Errorf("sim: -date %q must look like 2026-11-24", f.date)
		}
	}
	srv, err := New(cfg)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	log.Info().Str("addr", ln.Addr().String()).Str("protocol", cfg.Protocol).Str("date", srv.Date().Format(time.DateOnly)).
		Int64("seed", cfg.Seed).Float64("qps", cfg.QPS).Dur("latency", cfg.Latency).Msg("simulator listening")

	if f.advanceEvery > 0 {
		go func() {
			t := time.NewTicker(f.advanceEvery)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					srv.Advance(1)
				}
			}
		}()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("sim: %w", err)
	case <-ctx.Done():
	}
	log.Info().Msg("simulator stopping")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("sim: shutdown: %w", err)
	}
	return nil
}

// ParseFaults reads the -error-rate syntax: comma-separated KEY=P where KEY
// is a business code (5001), an HTTP status (503) or one of garbage,
// truncated, oversized, malformed, hang.
func ParseFaults(s string) (Faults, error) {
	var f Faults
	if strings.TrimSpace(s) == "" {
		return f, nil
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return f, fmt.Errorf("%q is not KEY=PROBABILITY", part)
		}
		p, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return f, fmt.Errorf("%q: probability %q is not a number", part, v)
		}
		switch k {
		case "garbage":
			f.Garbage = p
		case "truncated":
			f.Truncated = p
		case "oversized":
			f.Oversized = p
		case "malformed":
			f.Malformed = p
		case "hang":
			f.Hang = p
		default:
			code, err := strconv.Atoi(k)
			if err != nil {
				return f, fmt.Errorf("%q: %q is neither a code nor a fault name", part, k)
			}
			if f.ErrorRates == nil {
				f.ErrorRates = map[int]float64{}
			}
			f.ErrorRates[code] = p
		}
	}
	return f, f.Validate()
}

func newLogger(w io.Writer, level, format string) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || level == "" {
		return zerolog.Nop(), fmt.Errorf("sim: -log-level %q must be debug, info, warn or error", level)
	}
	switch format {
	case "json":
	case "console":
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.RFC3339}
	default:
		return zerolog.Nop(), fmt.Errorf("sim: -log-format %q must be json or console", format)
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Str("component", "sim").Logger(), nil
}
