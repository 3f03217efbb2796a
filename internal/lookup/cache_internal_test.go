package lookup

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCacheEvictsTheLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	c := newCache(2, time.Hour)
	a, b, d := &Response{CreditCode: "a"}, &Response{CreditCode: "b"}, &Response{CreditCode: "d"}
	c.Add("a", a)
	c.Add("b", b)
	got, ok := c.Get("a") // a is now the most recently used
	require.True(t, ok)
	require.Same(t, a, got)
	c.Add("d", d)
	_, ok = c.Get("b")
	require.False(t, ok, "b was evicted")
	_, ok = c.Get("a")
	require.True(t, ok)
	_, ok = c.Get("d")
	require.True(t, ok)
	require.Equal(t, 2, c.Len())
}

// Cached answers expire on the wall clock: this test waits out a short TTL.
func TestCacheEntriesExpire(t *testing.T) {
	t.Parallel()
	const ttl = 200 * time.Millisecond
	c := newCache(10, ttl)
	c.Add("a", &Response{})
	time.Sleep(ttl + 50*time.Millisecond)
	_, ok := c.Get("a")
	require.False(t, ok)
	require.Eventually(t, func() bool { return c.Len() == 0 }, 10*time.Second, 10*time.Millisecond, "an expired entry is dropped")

	require.Nil(t, newCache(-1, time.Minute), "a negative size disables the cache")
}

func TestNewValidatesOptions(t *testing.T) {
	t.Parallel()
	_, err := New(Options{})
	require.ErrorContains(t, err, "Pool is required")
	require.ErrorContains(t, err, "Token is required")
}
