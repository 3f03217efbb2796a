package bench

import (
	"context"
	"fmt"

	"github.com/arbsync/arbsync/internal/upstream"
)

// runSigned syncs SignedCompanies over the signed protocol against a
// simulator without latency or quota: the engine, the simulator and
// PostgreSQL share the machine, and every request costs one RSA-2048
// signature. The limit is the machine's pure signing rate, measured in the
// same run just before and just after the pass; the higher of the two is
// the limit (the machine is shared, and a busy moment lowers a measurement).
func runSigned(ctx context.Context, r *runner) ([]Figure, error) {
	before, err := r.signingRate(ctx)
	if err != nil {
		return nil, err
	}
	res, err := r.syncAll(ctx, "signed", upstream.ProtocolSigned, r.cfg.SignedCompanies, simOptions{}, 0)
	if err != nil {
		return nil, err
	}
	after, err := r.signingRate(ctx)
	if err != nil {
		return nil, err
	}
	sign := max(before, after)
	r.signRate = sign
	secs := res.Elapsed.Seconds()
	r.measured = fmt.Sprintf("%d companies, %d requests, %d cases in %.1f s", res.Succeeded, res.Requests, res.Inserted, secs)
	return []Figure{
		newFigure("companies synced/s (signed, engine-bound)", float64(res.Succeeded)/secs, "companies/s",
			sign, "signatures/s", "pure RSA-2048 signing rate, all cores, same run", AtLeast(0.5),
			fmt.Sprintf("%.2f requests per company (pages); signing rate %.0f/s before the pass, %.0f/s after; %s",
				float64(res.Requests)/float64(res.Succeeded), before, after, res.CPU)),
		newFigure("cases stored/s (signed, engine-bound)", float64(res.Inserted)/secs, "cases/s",
			0, "", "none: reported for the reader", nil,
			fmt.Sprintf("%.2f cases per company", float64(res.Inserted)/float64(res.Succeeded))),
	}, nil
}

// runTianyuan is runSigned over the tianyuan protocol (AES-128-CBC, no
// RSA). There is no target; the pure signing rate is shown as the
// reference, so the ratio says how far past the signed ceiling the engine
// goes when requests need no RSA.
func runTianyuan(ctx context.Context, r *runner) ([]Figure, error) {
	sign := r.signRate // the signed scenario's limit, when it ran
	if sign == 0 {
		var err error
		if sign, err = r.signingRate(ctx); err != nil {
			return nil, err
		}
	}
	res, err := r.syncAll(ctx, "tianyuan", upstream.ProtocolTianyuan, r.cfg.TianyuanCompanies, simOptions{}, 0)
	if err != nil {
		return nil, err
	}
	secs := res.Elapsed.Seconds()
	r.measured = fmt.Sprintf("%d companies, %d requests, %d cases in %.1f s", res.Succeeded, res.Requests, res.Inserted, secs)
	return []Figure{
		newFigure("companies synced/s (tianyuan, engine-bound)", float64(res.Succeeded)/secs, "companies/s",
			sign, "signatures/s", "pure RSA-2048 signing rate (reference only: tianyuan signs nothing)", nil,
			fmt.Sprintf("%.0f cases stored/s, %.2f requests per company; %s", float64(res.Inserted)/secs, float64(res.Requests)/float64(res.Succeeded), res.CPU)),
	}, nil
}
