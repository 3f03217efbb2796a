package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/arbsync/arbsync/internal/upstream"
)

// memoryBudget is ARCHITECTURE.md “Targets”'s peak RSS, whatever the watchlist size: 150 MB
// (10^6 bytes, the stricter reading).
const memoryBudget = 150_000_000

// growthBound is how much larger the peak RSS at the larger size may be
// than at the smaller one and still count as "no growth with size": Go's
// heap target and the pool's buffers move a little from run to run.
const growthBound = 1.2

// runMemory runs the real arbsync binary as a separate process, as the
// daemon's schedules would run its jobs, and reads its peak RSS from the
// kernel (VmHWM, see runArbsync): `arbsync sync -all` over MemorySyncSizes
// companies against the simulator (signed, no latency, no quota), and
// `arbsync score -all` over MemoryRescoreSizes companies loaded with COPY,
// with no score stored so every company is written.
func runMemory(ctx context.Context, r *runner) ([]Figure, error) {
	bin, err := r.arbsyncBinary(ctx)
	if err != nil {
		return nil, err
	}
	var figs []Figure
	var measured []string
	budgetName := "budget, any watchlist size"

	var syncRSS []int64
	for _, n := range r.cfg.MemorySyncSizes {
		p, err := r.memorySync(ctx, bin, n)
		if err != nil {
			return figs, fmt.Errorf("sync %d: %w", n, err)
		}
		syncRSS = append(syncRSS, p.maxRSS)
		measured = append(measured, fmt.Sprintf("sync %d in %.0f s", n, p.elapsed.Seconds()))
		figs = append(figs, newFigure(fmt.Sprintf("peak RSS, arbsync sync -all, %d companies", n), mb(p.maxRSS), "MB",
			mb(memoryBudget), "MB", budgetName, AtMost(1),
			fmt.Sprintf("%.0f s, %.0f companies/s", p.elapsed.Seconds(), perSecond(int64(n), p.elapsed))))
	}
	figs = append(figs, growth("sync", r.cfg.MemorySyncSizes, syncRSS))

	var scoreRSS []int64
	for _, n := range r.cfg.MemoryRescoreSizes {
		p, err := r.memoryRescore(ctx, bin, n)
		if err != nil {
			return figs, fmt.Errorf("score %d: %w", n, err)
		}
		scoreRSS = append(scoreRSS, p.maxRSS)
		measured = append(measured, fmt.Sprintf("score %d in %.0f s", n, p.elapsed.Seconds()))
		figs = append(figs, newFigure(fmt.Sprintf("peak RSS, arbsync score -all, %d companies", n), mb(p.maxRSS), "MB",
			mb(memoryBudget), "MB", budgetName, AtMost(1),
			fmt.Sprintf("%.0f s, %.0f companies/s, no score stored before", p.elapsed.Seconds(), perSecond(int64(n), p.elapsed))))
	}
	figs = append(figs, growth("score", r.cfg.MemoryRescoreSizes, scoreRSS))
	r.measured = strings.Join(measured, "; ")
	return figs, nil
}

// growth compares the peak RSS at the larger size with the smaller one.
func growth(cmd string, sizes []int, rss []int64) Figure {
	return newFigure(fmt.Sprintf("peak RSS growth, arbsync %s, %d vs %d companies", cmd, sizes[1], sizes[0]), mb(rss[1]), "MB",
		mb(rss[0]), "MB", fmt.Sprintf("peak RSS at %d companies, same run", sizes[0]), AtMost(growthBound), "")
}

func mb(b int64) float64 { return float64(b) / 1e6 }

// process is a finished arbsync run.
type process struct {
	maxRSS  int64 // bytes
	elapsed time.Duration
	stdout  string
}

// memorySync syncs n new companies with the arbsync binary.
func (r *runner) memorySync(ctx context.Context, bin string, n int) (process, error) {
	d, err := r.srv.newDatabase(ctx, "memory_sync_"+strconv.Itoa(n))
	if err != nil {
		return process{}, err
	}
	defer d.Pool.Close()
	if err := loadWatchlist(ctx, d.Pool, makeCompanies(r.cfg.Seed, n), false); err != nil {
		return process{}, err
	}
	if err := vacuumAnalyze(ctx, d.Pool, "arbsync.watchlist", "arbsync.sync_state"); err != nil {
		return process{}, err
	}
	_, url, stop, err := r.startSim(upstream.ProtocolSigned, simOptions{})
	if err != nil {
		return process{}, err
	}
	defer stop()
	p, err := r.runArbsync(ctx, bin, []string{
		"DATABASE_URL=" + d.DSN,
		"ARBSYNC_UPSTREAM_PROTOCOL=signed",
		"ARBSYNC_UPSTREAM_URL=" + url,
		"ARBSYNC_UPSTREAM_APP_ID=" + appID,
		"ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE=" + r.keyPEM,
		"ARBSYNC_UPSTREAM_QPS=0",
	}, "sync", "-all")
	if err != nil {
		return p, err
	}
	var run, attempted, succeeded int
	if _, err := fmt.Sscanf(p.stdout, "sync run %d: %d companies attempted, %d succeeded", &run, &attempted, &succeeded); err != nil || succeeded != n {
		return p, fmt.Errorf("arbsync sync did not sync all %d companies: %q", n, strings.TrimSpace(p.stdout))
	}
	return p, nil
}

// memoryRescore rescores n companies loaded with COPY (reusing the
// rescore scenario's database when it has n companies), after deleting
// every stored score so the process writes all of them.
func (r *runner) memoryRescore(ctx context.Context, bin string, n int) (process, error) {
	f := r.big
	if f == nil || f.n != n {
		var err error
		if f, err = r.loadSynthetic(ctx, "memory_score_"+strconv.Itoa(n), n); err != nil {
			return process{}, err
		}
	}
	if _, err := f.db.Pool.Exec(ctx, `TRUNCATE arbsync.scores, arbsync.current_scores,
		arbsync.alert_delivery_attempts, arbsync.alert_deliveries, arbsync.alerts`); err != nil {
		return process{}, err
	}
	f.scored = false
	checkpoint(ctx, f.db.Pool)
	p, err := r.runArbsync(ctx, bin, []string{"DATABASE_URL=" + f.db.DSN}, "score", "-all")
	if err != nil {
		return p, err
	}
	var scored int
	if _, err := fmt.Sscanf(p.stdout, "rescore: %d companies scored", &scored); err != nil || scored != n {
		return p, fmt.Errorf("arbsync score did not score all %d companies: %q", n, strings.TrimSpace(p.stdout))
	}
	f.scored = true
	return p, nil
}

// runArbsync runs the binary with a clean environment plus env, and
// returns its peak RSS.
//
// The peak is the child's VmHWM from /proc/<pid>/status, sampled every
// 10 ms while it runs (it is a high-water mark, so only growth in the last
// few milliseconds before exit could be missed). ru_maxrss from wait4
// cannot be used: Go starts children with vfork semantics, and Linux
// carries the parent's high-water RSS over the exec into the child's
// ru_maxrss, so it reports at least the benchmark's own size.
func (r *runner) runArbsync(ctx context.Context, bin string, env []string, args ...string) (process, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + r.dir, "ARBSYNC_LOG_LEVEL=warn"}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return process{}, err
	}
	// Start returns after the exec: from here /proc/<pid> is arbsync's.
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	done := make(chan struct{})
	peak := make(chan int64, 1)
	go func() {
		var hwm int64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			hwm = max(hwm, vmHWM(status))
			select {
			case <-done:
				peak <- hwm
				return
			case <-t.C:
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	p := process{elapsed: time.Since(start), stdout: stdout.String(), maxRSS: <-peak}
	if err != nil {
		return p, fmt.Errorf("arbsync %s: %w\n%s", strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	if p.maxRSS == 0 {
		return p, errors.New("could not read the arbsync process's VmHWM from /proc")
	}
	return p, nil
}

// vmHWM reads the VmHWM line (peak resident set, kB) of a /proc status
// file, in bytes; 0 when the process is gone or has no memory map.
func vmHWM(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// arbsyncBinary is -arbsync-bin, or ./cmd/arbsync built once per run.
func (r *runner) arbsyncBinary(ctx context.Context) (string, error) {
	if r.cfg.ArbsyncBin != "" {
		return r.cfg.ArbsyncBin, nil
	}
	if r.bin != "" {
		return r.bin, nil
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out, err := exec.CommandContext(ctx, goTool, "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" || mod == os.DevNull {
		return "", errors.New("cannot find the arbsync module to build ./cmd/arbsync: run from the repository or pass -arbsync-bin")
	}
	bin := filepath.Join(r.dir, "arbsync")
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", bin, "./cmd/arbsync")
	cmd.Dir = filepath.Dir(mod)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/arbsync: %w\n%s", err, b)
	}
	r.bin = bin
	return bin, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
