package lookup

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine they started is still
// running when they end, except the expiry goroutine of the response
// cache's expirable LRU (github.com/hashicorp/golang-lru/v2/expirable):
// NewLRU starts one per cache and the library offers no way to stop it
// (its Close is commented out upstream, hashicorp/golang-lru#159). The
// daemon builds one cache, so it has one such goroutine for its lifetime.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/hashicorp/golang-lru/v2/expirable.NewLRU[...].func1"))
}
