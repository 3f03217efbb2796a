package lookup

import (
	"container/list"
	"sync"
	"time"
)

// cache is a bounded LRU of answers, each served until it expires. A nil
// *cache (CacheSize < 0) holds nothing.
type cache struct {
	max int
	ttl time.Duration

	mu    sync.Mutex
	order *list.List // front = most recently used; values are *cacheEntry
	byKey map[string]*list.Element
}

type cacheEntry struct {
	key     string
	val     *Response
	expires time.Time
}

func newCache(size int, ttl time.Duration) *cache {
	if size < 0 {
		return nil
	}
	return &cache{max: size, ttl: ttl, order: list.New(), byKey: make(map[string]*list.Element)}
}

// get returns the unexpired answer for key.
func (c *cache) get(key string, now time.Time) (*Response, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*cacheEntry)
	if !now.Before(e.expires) {
		c.removeLocked(el)
		return nil, false
	}
	c.order.MoveToFront(el)
	return e.val, true
}

// put stores val for key, evicting the least recently used entry when full.
func (c *cache) put(key string, val *Response, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		e := el.Value.(*cacheEntry)
		e.val, e.expires = val, now.Add(c.ttl)
		c.order.MoveToFront(el)
		return
	}
	c.byKey[key] = c.order.PushFront(&cacheEntry{key: key, val: val, expires: now.Add(c.ttl)})
	for c.order.Len() > c.max {
		c.removeLocked(c.order.Back())
	}
}

func (c *cache) removeLocked(el *list.Element) {
	c.order.Remove(el)
	delete(c.byKey, el.Value.(*cacheEntry).key)
}
