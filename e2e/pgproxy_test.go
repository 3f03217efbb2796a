package e2e

import (
	"bufio"
	"bytes"
	be "encoding/binary"
	"io"
	"net"
	"net/url"
	"regexp"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// pgProxy is a TCP proxy in front of PostgreSQL that reads the frontend
// protocol and can drop a connection, as a network fault would, when the
// client is about to run a given sqlc query (named by its "-- name: X"
// comment), whether it sends the text (Parse, Query) or a prepared
// statement's name (Bind).
type pgProxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	names   map[string]string // prepared statement name → sqlc query name
	drops   map[string]int    // sqlc query name → connections still to drop on it
	dropped map[string]int
}

var sqlcName = regexp.MustCompile(`-- name: (\w+)`)

// newPGProxy proxies to the server of dsn and returns the proxy and dsn
// pointed at it.
func newPGProxy(t *testing.T, dsn string) (*pgProxy, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &pgProxy{ln: ln, target: u.Host, names: map[string]string{}, drops: map[string]int{}, dropped: map[string]int{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	u.Host = ln.Addr().String()
	return p, u.String()
}

// dropOn arms the proxy to drop the next n connections that run query.
func (p *pgProxy) dropOn(query string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drops[query] += n
}

func (p *pgProxy) droppedOn(query string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dropped[query]
}

func (p *pgProxy) serve(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	go func() {
		_, _ = io.Copy(client, server)
		client.Close()
	}()
	r := bufio.NewReader(client)
	// Startup phase: untyped messages (SSLRequest, GSSENCRequest, StartupMessage).
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return
		}
		n := int(be.BigEndian.Uint32(hdr[:4]))
		rest := make([]byte, n-8)
		if _, err := io.ReadFull(r, rest); err != nil {
			return
		}
		if _, err := server.Write(append(hdr[:], rest...)); err != nil {
			return
		}
		code := be.BigEndian.Uint32(hdr[4:])
		if code != 80877103 && code != 80877104 { // not SSLRequest / GSSENCRequest
			break
		}
	}
	for {
		var hdr [5]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return
		}
		n := int(be.BigEndian.Uint32(hdr[1:]))
		body := make([]byte, n-4)
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		if p.shouldDrop(hdr[0], body) {
			return // both sides are closed: a lost connection
		}
		if _, err := server.Write(append(hdr[:], body...)); err != nil {
			return
		}
	}
}

// shouldDrop inspects one frontend message.
func (p *pgProxy) shouldDrop(typ byte, body []byte) bool {
	cstr := func(b []byte) (string, []byte) {
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			return string(b), nil
		}
		return string(b[:i]), b[i+1:]
	}
	query := ""
	switch typ {
	case 'P': // Parse: statement name, query text
		stmt, rest := cstr(body)
		text, _ := cstr(rest)
		if m := sqlcName.FindStringSubmatch(text); m != nil {
			query = m[1]
			if stmt != "" {
				p.mu.Lock()
				p.names[stmt] = query
				p.mu.Unlock()
			}
		}
	case 'B': // Bind: portal name, statement name
		_, rest := cstr(body)
		stmt, _ := cstr(rest)
		p.mu.Lock()
		query = p.names[stmt]
		p.mu.Unlock()
	case 'Q': // simple Query
		if m := sqlcName.FindStringSubmatch(string(body)); m != nil {
			query = m[1]
		}
	}
	if query == "" {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drops[query] > 0 {
		p.drops[query]--
		p.dropped[query]++
		return true
	}
	return false
}
