package upstream

import (
	"context"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// signal is what a finished request tells the concurrency limit.
type signal int

const (
	signalNone signal = iota // neither success nor overload (auth, bad response, …)
	signalOK                 // success: grow additively
	signalBusy               // overload: shrink multiplicatively
)

// aimd bounds the requests in flight with a limit that halves when the
// vendor says busy and grows by one per limit-many successes (additive
// increase, multiplicative decrease, as TCP does), between 1 and max. A
// burst of busy answers to requests sent under the same limit halves it
// once: only a request issued after the last cut can cut again.
type aimd struct {
	mu       sync.Mutex
	max      float64
	limit    float64
	inFlight int
	seq      uint64 // tickets issued
	lastCut  uint64 // seq when the limit was last cut
	waiters  []chan uint64
	gauge    prometheus.Gauge
}

func newAIMD(maxInFlight int, gauge prometheus.Gauge) *aimd {
	a := &aimd{max: float64(maxInFlight), limit: float64(maxInFlight), gauge: gauge}
	gauge.Set(a.limit)
	return a
}

// slots is the current whole limit, at least 1.
func (a *aimd) slots() int { return max(1, int(a.limit)) }

// acquire waits for a slot (first come, first served) and returns its
// ticket, or the context's error.
func (a *aimd) acquire(ctx context.Context) (uint64, error) {
	a.mu.Lock()
	if len(a.waiters) == 0 && a.inFlight < a.slots() {
		a.inFlight++
		a.seq++
		t := a.seq
		a.mu.Unlock()
		return t, nil
	}
	w := make(chan uint64, 1)
	a.waiters = append(a.waiters, w)
	a.mu.Unlock()
	select {
	case t := <-w:
		return t, nil
	case <-ctx.Done():
		a.mu.Lock()
		for i, x := range a.waiters {
			if x == w {
				a.waiters = append(a.waiters[:i], a.waiters[i+1:]...)
				a.mu.Unlock()
				return 0, context.Cause(ctx)
			}
		}
		a.mu.Unlock()
		a.release(<-w, signalNone) // granted meanwhile: give it back
		return 0, context.Cause(ctx)
	}
}

// release frees a slot and adjusts the limit by the request's outcome.
func (a *aimd) release(ticket uint64, sig signal) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.inFlight--
	switch sig {
	case signalBusy:
		if ticket > a.lastCut {
			a.limit = max(1, a.limit/2)
			a.lastCut = a.seq
			a.gauge.Set(a.limit)
		}
	case signalOK:
		if a.limit < a.max {
			a.limit = min(a.max, a.limit+1/a.limit)
			a.gauge.Set(a.limit)
		}
	}
	for len(a.waiters) > 0 && a.inFlight < a.slots() {
		w := a.waiters[0]
		a.waiters = a.waiters[1:]
		a.inFlight++
		a.seq++
		w <- a.seq
	}
}
