package cli

import (
	"context"
	"encoding/csv"
	"fmt"

	"github.com/arbsync/arbsync/sim"
	"github.com/arbsync/arbsync/upstream"
	"github.com/arbsync/arbsync/uscc"
)

func runSim(ctx context.Context, args []string, io IO) error {
	if len(args) > 0 && args[0] == "sample" {
		return runSimSample(args[1:], io)
	}
	return sim.Main(ctx, args, io.Stderr)
}

// runSimSample prints a watchlist CSV of companies the simulator knows, with
// the industries it gives them: the demo watchlist of `make run`.
func runSimSample(args []string, io IO) error {
	fs := newFlagSet("sim sample", io.Stderr)
	n := fs.Int("n", 300, "number of companies")
	seed := fs.Int64("seed", 1, "the simulator's data seed")
	fs.Usage = func() {
		fmt.Fprintln(io.Stderr, "usage: arbsync sim sample [-n 300] [-seed 1] > watchlist.csv\n\nPrints a watchlist CSV of simulated companies (valid credit codes, real GB/T 4754 industries).")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
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

func runKeygen(_ context.Context, args []string, io IO) error {
	return upstream.KeygenMain(args, io.Stdout, io.Stderr)
}
