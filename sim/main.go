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

	"github.com/arbsync/arbsync/upstream"
	"github.com/rs/zerolog"
)

// Main is the `arbsync sim` command: it serves a simulated vendor until ctx
// ends, then shuts down gracefully. Logs go to stderr (zerolog).
func Main(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8089", "address to listen on")
	protocol := fs.String("protocol", ProtocolSigned, "protocol to serve: signed, tianyuan or both")
	publicKey := fs.String("public-key", "", "PEM public key verifying signed requests (from `arbsync keygen`)")
	appID := fs.String("app-id", "arbsync", "X-App-Id accepted by the signed protocol")
	accessID := fs.String("access-id", "", "Access-Id accepted by the tianyuan protocol")
	accessKey := fs.String("access-key", "", "tianyuan Access Key, 32 hex characters (visible in ps; prefer -access-key-file)")
	accessKeyFile := fs.String("access-key-file", "", "file holding the tianyuan Access Key")
	product := fs.String("product", upstream.DefaultProduct, "tianyuan product code served")
	qps := fs.Float64("qps", 0, "QPS quota over all callers; 0 = none (past it: 5001 / HTTP 429)")
	latency := fs.Duration("latency", 0, "mean answer latency, e.g. 50ms")
	jitter := fs.Duration("jitter", 0, "latency varies uniformly by ± this much")
	errorRates := fs.String("error-rate", "", "faults as CODE=P,…: business codes (5001=0.1,4003=0.01), HTTP statuses (503=0.05), or garbage, truncated, oversized, malformed, hang")
	permission := fs.Bool("deny-product", false, "deny the product to everyone (4003 / 1008)")
	unknown := fs.Float64("unknown-share", 0.02, "share of credit codes the vendor does not know (6002 / 1000)")
	seed := fs.Int64("seed", 1, "data seed: the same seed, code and date give the same cases")
	date := fs.String("date", "", "simulated date, e.g. 2026-11-24 (default: today, China time)")
	advanceEvery := fs.Duration("advance-every", 0, "advance the simulated date by one day every this much wall time (0 = never)")
	pageSizeMax := fs.Int("page-size-max", DefaultPageSizeMax, "largest page size served")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	logFormat := fs.String("log-format", "json", "log format: json or console")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("sim: unexpected arguments %q", fs.Args())
	}

	log, err := newLogger(stderr, *logLevel, *logFormat)
	if err != nil {
		return err
	}
	cfg := Config{
		Protocol: *protocol, AppID: *appID, AccessID: *accessID, Product: *product,
		QPS: *qps, Latency: *latency, Jitter: *jitter, UnknownShare: *unknown, Seed: *seed,
		PageSizeMax: *pageSizeMax, Logger: log,
	}
	if *publicKey != "" {
		if cfg.PublicKey, err = upstream.LoadPublicKey(*publicKey); err != nil {
			return fmt.Errorf("sim: -public-key: %w", err)
		}
	}
	switch {
	case *accessKey != "" && *accessKeyFile != "":
		return errors.New("sim: give -access-key or -access-key-file, not both")
	case *accessKeyFile != "":
		b, err := os.ReadFile(*accessKeyFile)
		if err != nil {
			return fmt.Errorf("sim: -access-key-file: %w", err)
		}
		cfg.AccessKey = upstream.Secret(strings.TrimSpace(string(b)))
	default:
		cfg.AccessKey = upstream.Secret(*accessKey)
	}
	if cfg.Faults, err = ParseFaults(*errorRates); err != nil {
		return fmt.Errorf("sim: -error-rate: %w", err)
	}
	cfg.Faults.Permission = *permission
	if *date != "" {
		if cfg.StartDate, err = time.Parse(time.DateOnly, *date); err != nil {
			return fmt.Errorf("sim: -date %q must look like 2026-11-24", *date)
		}
	}
	srv, err := New(cfg)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	log.Info().Str("addr", ln.Addr().String()).Str("protocol", cfg.Protocol).Str("date", srv.Date().Format(time.DateOnly)).
		Int64("seed", cfg.Seed).Float64("qps", cfg.QPS).Dur("latency", cfg.Latency).Msg("simulator listening")

	if *advanceEvery > 0 {
		go func() {
			t := time.NewTicker(*advanceEvery)
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
