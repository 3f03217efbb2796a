package upstream

import (
	"context"
	"sync/atomic"
)

type callCounterKey struct{}

// WithCallCounter returns a context under which every HTTP request the
// client sends (each page and each retry) adds one to n. Sync uses it to
// record the upstream calls of a pass in arbsync.sync_runs.
func WithCallCounter(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, callCounterKey{}, n)
}

func countCall(ctx context.Context) {
	if n, ok := ctx.Value(callCounterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}
