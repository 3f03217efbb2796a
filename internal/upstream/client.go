package upstream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"
)

// Fetcher fetches one company's complete case list. *Client implements it;
// sync depends on this interface only.
type Fetcher interface {
	Fetch(ctx context.Context, creditCode string) (Company, error)
}

var _ Fetcher = (*Client)(nil)

// maxTotal bounds the total a vendor may announce for one company; more is
// treated as a corrupt response rather than a reason to fetch 20,000 pages.
const maxTotal = 1_000_000

// Client fetches companies from the vendor over one wire protocol. It is
// safe for concurrent use; the rate limit, the concurrency limit and the
// retry budget are shared by all callers of one Client.
type Client struct {
	cfg       Config
	proto     protocol
	hc        *http.Client
	transport *http.Transport
	limiter   *rate.Limiter // nil: unlimited
	conc      *aimd
	budget    *retryBudget
	m         *metrics
	log       zerolog.Logger
}

// protocol is one wire protocol: it prepares (signs or encrypts) a page
// request once, stamps it for each attempt, and decodes responses.
type protocol interface {
	name() string
	prepare(code string, pageNum, pageSize int) (*prepared, error)
	request(ctx context.Context, p *prepared, now time.Time) (*http.Request, error)
	decode(status int, body []byte) (*page, error)
}

// prepared is a page request ready to send, reused by its retries.
type prepared struct {
	body      []byte
	signature string // signed protocol only
}

// New validates cfg (after defaults) and builds a Client. The private key
// is precomputed once here; nothing is sent until Fetch.
func New(cfg Config) (*Client, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	var proto protocol
	switch cfg.Protocol {
	case ProtocolSigned:
		cfg.PrivateKey.Precompute()
		proto = &signedProtocol{endpoint: base + SignedPath, appID: cfg.AppID, key: cfg.PrivateKey}
	case ProtocolTianyuan:
		key, _ := ParseAccessKey(cfg.AccessKey) // validated above
		proto = &tianyuanProtocol{endpoint: base + TianyuanPathPrefix + cfg.Product, accessID: cfg.AccessID, key: key}
	}
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = cfg.Concurrency
	transport.MaxIdleConns = max(100, cfg.Concurrency)
	c := &Client{
		cfg:   cfg,
		proto: proto,
		hc: &http.Client{
			Transport: transport,
			// A POST API never redirects; a 3xx is a misconfigured BaseURL.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		transport: transport,
		conc:      newAIMD(cfg.Concurrency, m.limit),
		budget:    newRetryBudget(cfg.RetryBudgetRatio, cfg.RetryBudgetFloor),
		m:         m,
		log:       cfg.Logger.With().Str("protocol", cfg.Protocol).Logger(),
	}
	if cfg.QPS > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(cfg.QPS), 1)
	}
	return c, nil
}

// Close releases idle connections. The Client must not be used afterwards.
func (c *Client) Close() { c.transport.CloseIdleConnections() }

// Fetch returns the company's name and every case on every page. Any page
// failing (after its retries) fails the whole fetch: a partial company is
// never returned as success. Errors are wrapped with the credit code and
// page ("fetch 9144…: page 2: upstream busy: …"); use errors.As to get the
// *Error, errors.Is for context cancellation.
func (c *Client) Fetch(ctx context.Context, creditCode string) (Company, error) {
	start := time.Now()
	company, pages, err := c.fetch(ctx, creditCode)
	if err != nil {
		return Company{}, fmt.Errorf("fetch %s: %w", creditCode, err)
	}
	c.log.Debug().Str("credit_code", creditCode).Int("pages", pages).Int("cases", len(company.Cases)).
		Dur("duration", time.Since(start)).Msg("fetched company")
	return company, nil
}

func (c *Client) fetch(ctx context.Context, code string) (Company, int, error) {
	if code == "" {
		return Company{}, 0, errors.New("empty credit code")
	}
	first, err := c.page(ctx, code, 1)
	if err != nil {
		return Company{}, 0, fmt.Errorf("page 1: %w", err)
	}
	if first.creditCode != "" && first.creditCode != code {
		return Company{}, 0, fmt.Errorf("page 1: %w", badResponse("answer is for company %s", first.creditCode))
	}
	if first.total > maxTotal {
		return Company{}, 0, fmt.Errorf("page 1: %w", badResponse("total %d exceeds %d", first.total, maxTotal))
	}
	size := first.pageSize
	if size <= 0 {
		size = c.cfg.PageSize
	}
	pages := max(1, (first.total+size-1)/size)
	company := Company{CreditCode: code, CompanyName: first.companyName, Cases: make([]Case, 0, first.total)}
	seen := make(map[string]struct{}, first.total)
	records := 0
	add := func(n int, pg *page) error {
		if pg.records > size {
			return badResponse("page %d has %d records, more than the page size %d", n, pg.records, size)
		}
		if n < pages && pg.records == 0 {
			return badResponse("page %d of %d is empty", n, pages)
		}
		records += pg.records
		for _, cs := range pg.cases {
			if _, dup := seen[cs.CaseID]; dup {
				return badResponse("case %s appears twice", cs.CaseID)
			}
			seen[cs.CaseID] = struct{}{}
			company.Cases = append(company.Cases, cs)
		}
		return nil
	}
	if err := add(1, first); err != nil {
		return Company{}, 0, fmt.Errorf("page 1: %w", err)
	}
	for n := 2; n <= pages; n++ {
		pg, err := c.page(ctx, code, n)
		if err == nil && pg.total != first.total {
			err = &Error{Kind: KindBusy, Message: fmt.Sprintf("total changed from %d to %d during pagination", first.total, pg.total), RequestID: pg.requestID}
		}
		if err == nil {
			err = add(n, pg)
		}
		if err != nil {
			return Company{}, 0, fmt.Errorf("page %d: %w", n, err)
		}
	}
	if records != first.total {
		return Company{}, 0, badResponse("total is %d but %d pages held %d records", first.total, pages, records)
	}
	return company, pages, nil
}

// page fetches one page with retries.
func (c *Client) page(ctx context.Context, code string, n int) (*page, error) {
	prep, err := c.proto.prepare(code, n, c.cfg.PageSize)
	if err != nil {
		return nil, err
	}
	return c.withRetries(ctx, prep)
}
