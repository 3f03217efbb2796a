package alerts

import (
	"errors"
	"fmt"
	"time"
)

// ErrorKind says what a failed send means for the delivery worker.
type ErrorKind int

// Error kinds. The zero value is Retriable, so an unclassified failure is
// retried rather than dropped.
const (
	// Retriable: a network error, a timeout, HTTP 5xx, an undecodable answer,
	// an unknown error code. Retry with backoff.
	Retriable ErrorKind = iota
	// Throttled: the service said we send too fast (or the channel is paused
	// after it did). Retry after RetryAfter, at least a minute for a service's
	// own throttle answer.
	Throttled
	// Permanent: the send can never succeed as configured — bad signature,
	// missing keyword, IP not allowed, unknown key or token, redirect, other
	// HTTP 4xx, or an invalid message. Report it to the operator; don't retry.
	Permanent
)

// String returns "retriable", "throttled" or "permanent".
func (k ErrorKind) String() string {
	switch k {
	case Retriable:
		return "retriable"
	case Throttled:
		return "throttled"
	case Permanent:
		return "permanent"
	}
	return fmt.Sprintf("ErrorKind(%d)", int(k))
}

// SendError is the outcome of a failed Send. Use errors.As to get it. Its text
// never contains a webhook key, access token, secret or signature: URLs are
// redacted and the service's own message is scrubbed of them.
type SendError struct {
	// Channel is the configured channel name, e.g. "ops".
	Channel string
	Kind    ErrorKind
	// RetryAfter is the earliest sensible retry: the throttle wait for
	// Throttled, a hint (Retry-After header, local rate-limit wait) or zero
	// for Retriable.
	RetryAfter time.Duration
	// Status is the HTTP status, 0 when no response arrived.
	Status int
	// Code is the service's error code (errcode / code), 0 when none.
	Code int
	// Msg says what happened, redacted.
	Msg string

	cause error // context.Canceled / DeadlineExceeded only; never carries a URL
	// unsent: the message certainly never reached the service (refused
	// before any request was made).
	unsent bool
}

// Error implements error.
func (e *SendError) Error() string {
	s := fmt.Sprintf("alerts: channel %s: %s: %s", e.Channel, e.Kind, e.Msg)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// Unwrap returns context.Canceled or context.DeadlineExceeded when the send
// stopped because its context ended, nil otherwise.
func (e *SendError) Unwrap() error { return e.cause }

// NotSent reports whether err says the message certainly never reached the
// service: it was refused before any request was made (a rate-limit wait
// cut short, a paused channel, an invalid message). A caller that stops
// may then hand the message back at once instead of waiting out its claim.
func NotSent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.unsent
}

// KindOf returns the kind of a Send error: the SendError's Kind, or Retriable
// for any other non-nil error.
func KindOf(err error) ErrorKind {
	var se *SendError
	if errors.As(err, &se) {
		return se.Kind
	}
	return Retriable
}
