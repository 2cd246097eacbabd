package client

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Kind classifies an Error so callers can react without parsing text.
type Kind int

// The kinds of failure the client reports.
const (
	KindOther Kind = iota
	KindBadRequest
	KindUnauthorized
	KindForbidden
	KindPATNotAllowed
	KindNotFound
	KindConflict
	KindRateLimited
	KindServer
	KindNetwork
	KindTimeout
	KindDecode
	KindUnavailable
)

var kindNames = map[Kind]string{
	KindOther:         "error",
	KindBadRequest:    "bad request",
	KindUnauthorized:  "unauthorized",
	KindForbidden:     "forbidden",
	KindPATNotAllowed: "personal access token not allowed",
	KindNotFound:      "not found",
	KindConflict:      "conflict",
	KindRateLimited:   "rate limited",
	KindServer:        "server error",
	KindNetwork:       "network error",
	KindTimeout:       "timeout",
	KindDecode:        "unreadable response",
	KindUnavailable:   "not available",
}

// String names the kind.
func (k Kind) String() string { return kindNames[k] }

// Error is every failure the client returns.
type Error struct {
	// Op is what the client was doing, e.g. "set up SCIM".
	Op string
	// Kind classifies the failure.
	Kind Kind
	// Status is the HTTP status, or 0 when no response arrived.
	Status int
	// Message is what the server said, with every secret removed.
	Message string
	// Hint says what to do next.
	Hint string
	// RetryAfter is how long the server asked us to wait (rate limits).
	RetryAfter time.Duration
	// Err is the underlying error, if any (never one that holds a secret).
	Err error
}

// Error says what happened, why, and what to do next.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	if e.Status != 0 {
		fmt.Fprintf(&b, "%d %s from the server", e.Status, http.StatusText(e.Status))
	} else {
		b.WriteString(e.Kind.String())
	}
	if e.Message != "" {
		b.WriteString(` ("` + e.Message + `")`)
	} else if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString(". " + e.Hint)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// redact removes every non-empty secret from s.
func redact(s string, secrets []Secret) string {
	for _, sec := range secrets {
		if v := sec.Value(); len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}

// kindForStatus maps an HTTP status to a Kind.
func kindForStatus(status int) Kind {
	switch {
	case status == http.StatusBadRequest:
		return KindBadRequest
	case status == http.StatusUnauthorized:
		return KindUnauthorized
	case status == http.StatusForbidden:
		return KindForbidden
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusConflict:
		return KindConflict
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status >= 500:
		return KindServer
	}
	return KindOther
}
