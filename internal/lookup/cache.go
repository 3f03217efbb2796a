package lookup

import (
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// newCache returns the in-process cache of answers: at most size of them,
// the least recently used evicted first, each served for ttl. It is nil
// (holds nothing) when size is negative.
func newCache(size int, ttl time.Duration) *expirable.LRU[string, *Response] {
	if size < 0 {
		return nil
	}
	return expirable.NewLRU[string, *Response](size, nil, ttl)
}
