package entra

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/textsafe"
)

// Kind classifies an Error so callers can react without parsing text.
type Kind int

// The kinds of failure the Graph client reports.
const (
	KindOther Kind = iota
	// KindUnauthorized is a missing, expired or wrong-audience Graph token.
	KindUnauthorized
	// KindPermission is a 403: the token lacks a Graph permission or the
	// signed-in user lacks a directory role.
	KindPermission
	// KindNotFound is a 404 (an unknown service principal, job or user).
	KindNotFound
	// KindBadRequest is a 400 Graph refused, e.g. a Test Connection that failed.
	KindBadRequest
	// KindThrottled is a 429: Graph asked us to wait RetryAfter.
	KindThrottled
	// KindServer is a 5xx from Graph.
	KindServer
	// KindNetwork is a request that got no answer.
	KindNetwork
	// KindDecode is an answer that is not the JSON Graph documents.
	KindDecode
	// KindCanceled is a request stopped by its context.
	KindCanceled
)

var kindNames = map[Kind]string{
	KindOther:        "error",
	KindUnauthorized: "unauthorized",
	KindPermission:   "permission missing",
	KindNotFound:     "not found",
	KindBadRequest:   "bad request",
	KindThrottled:    "throttled",
	KindServer:       "server error",
	KindNetwork:      "network error",
	KindDecode:       "unreadable response",
	KindCanceled:     "canceled",
}

// String names the kind.
func (k Kind) String() string { return kindNames[k] }

// Error is every failure the Graph client returns. It never holds a token.
type Error struct {
	// Op is what the client was doing, e.g. "save the Tenant URL and Secret Token".
	Op string
	// Kind classifies the failure.
	Kind Kind
	// Status is the HTTP status, or 0 when no response arrived.
	Status int
	// Code is Graph's error code, e.g. "Authorization_RequestDenied".
	Code string
	// Message is what Graph said, with every secret removed.
	Message string
	// Hint says what to do next.
	Hint string
	// RetryAfter is how long Graph asked us to wait (throttling).
	RetryAfter time.Duration
	// RequestID is Graph's request-id, for a support ticket.
	RequestID string
	// Err is the underlying error, if any.
	Err error
}

// Error says what happened, why, and what to do next.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op + ": ")
	if e.Status >= 300 {
		fmt.Fprintf(&b, "Microsoft Graph answered %d %s", e.Status, http.StatusText(e.Status))
	} else {
		b.WriteString(e.Kind.String())
	}
	if e.Code != "" {
		b.WriteString(" (" + e.Code + ")")
	}
	if e.Message != "" {
		b.WriteString(`: "` + e.Message + `"`)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString(". " + e.Hint)
	}
	if e.RequestID != "" {
		b.WriteString(" (request-id " + e.RequestID + ")")
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// AdminRoles are the directory roles that may configure app provisioning
// (rbac-synchronization-apis.md).
const AdminRoles = "Application Administrator or Cloud Application Administrator"

// graphError is Graph's error body: {"error": {"code", "message",
// "innerError": {"request-id", "date"}}}.
type graphError struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			RequestID string `json:"request-id"`
		} `json:"innerError"`
	} `json:"error"`
}

// sanitize cleans a server's text (textsafe.Clean: escape sequences
// removed, control characters shown) and caps it at 300 bytes: it is
// untrusted and may end up on a terminal.
func sanitize(s string) string {
	s = strings.TrimSpace(textsafe.Clean(s))
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}

// statusError builds the *Error for a Graph error response.
func statusError(op string, perms []string, status int, header http.Header, raw []byte, secrets []client.Secret, now time.Time) *Error {
	var ge graphError
	_ = json.Unmarshal(raw, &ge)
	e := &Error{
		Op: op, Status: status,
		Code:      sanitize(client.Redact(ge.Error.Code, secrets...)),
		Message:   sanitize(client.Redact(ge.Error.Message, secrets...)),
		RequestID: sanitize(ge.Error.InnerError.RequestID),
	}
	need := strings.Join(perms, " and ")
	switch {
	case status == http.StatusUnauthorized:
		e.Kind = KindUnauthorized
		e.Hint = "The Graph token is missing, expired or not for Microsoft Graph: sign in again (az login, a fresh DOCKER_SCIM_GRAPH_TOKEN, or the device code)"
	case status == http.StatusForbidden:
		e.Kind = KindPermission
		e.Hint = fmt.Sprintf("Sign in with a token that has the delegated permission %s (consented for the tenant), as a user with the %s role", need, AdminRoles)
	case status == http.StatusNotFound:
		e.Kind = KindNotFound
		e.Hint = "Check the id or name; a service principal created seconds ago may need a moment to replicate, so retry once"
	case status == http.StatusTooManyRequests:
		e.Kind = KindThrottled
		e.RetryAfter, _ = retryAfter(header, now)
		e.Hint = fmt.Sprintf("Microsoft Graph is throttling these calls: wait %s, then run it again (it resumes where it stopped)", max(e.RetryAfter, time.Second).Round(time.Second))
	case status >= 500:
		e.Kind = KindServer
		e.Hint = "Microsoft Graph failed on its side: retry in a minute; if it persists, check the Microsoft 365 service health"
	case status == http.StatusBadRequest:
		e.Kind = KindBadRequest
	default:
		e.Kind = KindOther
	}
	return e
}
