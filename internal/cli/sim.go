package cli

import (
	"context"
	"encoding/csv"
	"fmt"

	"github.com/arbsync/arbsync/internal/sim"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/internal/uscc"
)

func simCommand() *command {
	return &command{
		name:    "sim",
		args:    "[flags] | sample [-n 300] [-seed 1]",
		summary: "the vendor simulator (or `sim sample` for a demo watchlist CSV)",
		about: "Serves a simulated data vendor over HTTP until SIGTERM or Ctrl-C: both wire protocols byte for byte, " +
			"credentials checked as the vendor checks them, and deterministic data (the same seed, credit code and " +
			"date always give the same company and cases), with injectable faults, latency and a QPS quota. " +
			"POST /_sim/advance?days=N lets simulated days pass; the /_sim/ endpoints answer loopback clients only.",
		subs: []*command{{
			name:    "sim sample",
			args:    "[-n 300] [-seed 1] > watchlist.csv",
			summary: "print a watchlist CSV of simulated companies",
			about: "Prints a watchlist CSV (for `arbsync watchlist import`) of companies the simulator knows, with " +
				"valid credit codes and the GB/T 4754 industries the simulator gives them: the demo watchlist of `make run`.",
			run: runSimSample,
		}},
		run: runSim,
	}
}

func runSim(ctx context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	serve := sim.Flags(fs)
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	return serve(ctx, io.Stderr)
}

// runSimSample prints a watchlist CSV of companies the simulator knows, with
// the industries it gives them: the demo watchlist of `make run`.
func runSimSample(_ context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	n := fs.Int("n", 300, "number of companies")
	seed := fs.Int64("seed", 1, "the simulator's data seed")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	if *n < 1 || *n > 10_000_000 {
		return usagef("-n must be from 1 to 10000000")
	}
	w := csv.NewWriter(io.Stdout)
	if err := w.Write([]string{"credit_code", "company_name", "industry_code", "note"}); err != nil {
		return err
	}
	for i := 0; i < *n; i++ {
		code := uscc.Generate(i%34, uint64(i))
		p := sim.Profile(*seed, code)
		if err := w.Write([]string{code, p.Name, p.Industry, "demo"}); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

func keygenCommand() *command {
	return &command{
		name:    "keygen",
		args:    "[-out DIR] [-name PREFIX]",
		summary: "write an RSA key pair for the signed vendor protocol",
		about: "Writes an RSA-2048 key pair for the signed vendor protocol into DIR: PREFIX-private.pem (PKCS#8, " +
			"mode 0600; point ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE at it) and PREFIX-public.pem (give it to the vendor, " +
			"or to `arbsync sim -public-key`). It never overwrites a file.",
		run: runKeygen,
	}
}

func runKeygen(_ context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	out := fs.String("out", ".", "directory to write the key pair into (created with mode 0700 if missing)")
	name := fs.String("name", "arbsync", "file name prefix: NAME-private.pem and NAME-public.pem")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	priv, pub, err := upstream.GenerateKeyPair(*out, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Stdout, "private key: %s (mode 0600; keep it secret)\n", priv)
	fmt.Fprintf(io.Stdout, "public key:  %s (give this one to the vendor, or to `arbsync sim -public-key`)\n", pub)
	fmt.Fprintf(io.Stdout, "configure:   ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE=%s\n", priv)
	return nil
}
