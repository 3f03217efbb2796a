package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// outcomeCanceled labels requests abandoned because the caller's context
// ended; they are not upstream errors.
const outcomeCanceled = "canceled"

// attempt sends one HTTP request for prep: it takes a concurrency slot,
// then a rate-limit token, then sends, reads (size-limited), decodes, and
// feeds the outcome back to the adaptive concurrency limit.
func (c *Client) attempt(ctx context.Context, prep *prepared) (*page, error) {
	ticket, err := c.conc.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("waiting for a request slot: %w", err)
	}
	pg, err := c.exchange(ctx, prep)
	sig := signalNone
	var ue *Error
	switch {
	case err == nil:
		sig = signalOK
	case errors.As(err, &ue) && ue.Kind == KindBusy:
		sig = signalBusy
	}
	c.conc.release(ticket, sig)
	return pg, err
}

// exchange is the HTTP part of an attempt.
func (c *Client) exchange(ctx context.Context, prep *prepared) (*page, error) {
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("waiting for the rate limit: %w", context.Cause(ctx))
			}
			// The deadline would pass before a token is due.
			return nil, fmt.Errorf("waiting for the rate limit: %w", context.DeadlineExceeded)
		}
	}
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	now := c.cfg.Now()
	req, err := c.proto.request(actx, prep, now)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	start := time.Now()
	countCall(ctx)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.finish(start, c.transportError(ctx, actx, err, 0))
	}
	defer resp.Body.Close()
	body, err := readBody(resp.Body, c.cfg.MaxBodyBytes)
	if err != nil {
		return nil, c.finish(start, c.transportError(ctx, actx, err, resp.StatusCode))
	}
	pg, err := c.proto.decode(resp.StatusCode, body)
	var ue *Error
	if errors.As(err, &ue) {
		switch ue.Kind {
		case KindAuth:
			c.noteAuthFailure(resp, ue, now)
		case KindBusy:
			ue.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
		}
	}
	return pg, c.finish(start, err)
}

// errTooLarge marks a body over MaxBodyBytes.
var errTooLarge = errors.New("response body exceeds the size limit")

// readBody reads at most limit bytes; a longer body is errTooLarge.
func readBody(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w of %d bytes", errTooLarge, limit)
	}
	return b, nil
}

// transportError classifies a failure to send or to read a response.
// The caller's cancellation passes through untyped; the attempt's own
// timeout and connection errors are busy; a body cut short or over the
// size limit is a bad response.
func (c *Client) transportError(ctx, actx context.Context, err error, status int) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("request abandoned: %w", context.Cause(ctx))
	case actx.Err() != nil:
		return &Error{Kind: KindBusy, HTTPStatus: status, Message: fmt.Sprintf("no complete answer within %s", c.cfg.Timeout), Err: err}
	case errors.Is(err, errTooLarge):
		return &Error{Kind: KindBadResponse, HTTPStatus: status, Message: "oversized body", Err: err}
	case status != 0:
		return &Error{Kind: KindBadResponse, HTTPStatus: status, Message: "truncated body", Err: err}
	default:
		return &Error{Kind: KindBusy, Message: "request failed", Err: err}
	}
}

// finish records metrics for one attempt and returns err unchanged.
func (c *Client) finish(start time.Time, err error) error {
	c.m.latency.Observe(time.Since(start).Seconds())
	var ue *Error
	switch {
	case err == nil:
		c.m.requests.WithLabelValues("ok").Inc()
	case errors.As(err, &ue):
		c.m.requests.WithLabelValues(string(ue.Kind)).Inc()
		c.m.errors.WithLabelValues(string(ue.Kind)).Inc()
	default:
		c.m.requests.WithLabelValues(outcomeCanceled).Inc()
	}
	return err
}

// noteAuthFailure compares the vendor's Date header with the local clock
// (the usual cause of 4001 is a skew over 300 s) and logs the skew.
func (c *Client) noteAuthFailure(resp *http.Response, ue *Error, now time.Time) {
	ev := c.log.Warn().Str("error_type", string(ue.Kind)).Int("code", ue.Code).
		Int("http_status", ue.HTTPStatus).Str("request_id", ue.RequestID)
	if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		skew := t.Sub(now).Round(time.Second)
		ue.ClockSkew = &skew
		ev = ev.Float64("clock_skew_seconds", skew.Seconds())
		if skew > 300*time.Second || skew < -300*time.Second {
			ev = ev.Str("hint", "local clock differs from the vendor's by more than 300 s; check NTP")
		}
	}
	ev.Msg("upstream rejected credentials")
}

// parseRetryAfter reads a Retry-After header in seconds (0 if absent or
// an HTTP date, which vendors do not send).
func parseRetryAfter(v string) time.Duration {
	s, err := strconv.Atoi(v)
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}
