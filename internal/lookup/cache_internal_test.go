package lookup

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCacheEvictsTheLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	c := newCache(2, time.Minute)
	a, b, d := &Response{CreditCode: "a"}, &Response{CreditCode: "b"}, &Response{CreditCode: "d"}
	c.put("a", a, now)
	c.put("b", b, now)
	got, ok := c.get("a", now) // a is now the most recently used
	require.True(t, ok)
	require.Same(t, a, got)
	c.put("d", d, now)
	_, ok = c.get("b", now)
	require.False(t, ok, "b was evicted")
	_, ok = c.get("a", now)
	require.True(t, ok)
	_, ok = c.get("d", now)
	require.True(t, ok)
	require.Len(t, c.byKey, 2)
	require.Equal(t, 2, c.order.Len())
}

func TestCacheEntriesExpire(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	c := newCache(10, time.Minute)
	c.put("a", &Response{}, now)
	_, ok := c.get("a", now.Add(59*time.Second))
	require.True(t, ok)
	_, ok = c.get("a", now.Add(time.Minute))
	require.False(t, ok)
	require.Empty(t, c.byKey, "an expired entry is dropped")

	var off *cache = newCache(-1, time.Minute)
	off.put("a", &Response{}, now)
	_, ok = off.get("a", now)
	require.False(t, ok, "a negative size disables the cache")
}

func TestNewValidatesOptions(t *testing.T) {
	t.Parallel()
	_, err := New(Options{})
	require.ErrorContains(t, err, "Pool is required")
	require.ErrorContains(t, err, "Token is required")
}
