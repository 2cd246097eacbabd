package client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/docker-scim/docker-scim/textsafe"
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
	// KindTooLarge is a response body over MaxResponseBody.
	KindTooLarge
	// KindCanceled is a request stopped by its context being canceled.
	KindCanceled
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
	KindTooLarge:      "response too large",
	KindCanceled:      "canceled",
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

// Error says what happened, why, and what to do next. The text is printable
// (textsafe.Clean) and holds nothing that looks like a credential.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	if e.Status >= 300 {
		fmt.Fprintf(&b, "%d %s from the server", e.Status, http.StatusText(e.Status))
	} else {
		b.WriteString(e.Kind.String())
	}
	if e.Message != "" {
		b.WriteString(` ("` + e.Message + `")`)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString(". " + e.Hint)
	}
	return textsafe.Clean(redact(b.String(), nil))
}

// MarshalJSON writes the error as the text of Error, so that a JSON report
// holds the same redacted, printable words and never a wrapped error's URL.
func (e *Error) MarshalJSON() ([]byte, error) { return json.Marshal(e.Error()) }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// The patterns below are compiled on first use, not while the program
// starts: with their counted repetitions they cost every start, the
// wizard's first frame included, about 250,000 instructions.

// tokenPattern matches credentials by their look even when the client does
// not know them: Docker PATs and OATs, JWTs, and the value of a bearer
// header (see bearerValue).
var tokenPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)dckr_(?:pat|oat)_[A-Za-z0-9_\-]+|eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*|bearer\s+[A-Za-z0-9._~+/\-]+=*`)
})

// bearerValue reports whether v, the word after "bearer", is a credential
// rather than a word: it holds a digit or punctuation, or is 16 characters
// or longer ("Invalid SCIM bearer token" stays as it is).
func bearerValue(v string) bool {
	return len(v) >= 16 || strings.IndexFunc(v, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0
}

// longRun matches a run of 32 or more token characters: a server may echo
// a credential the client does not hold (e.g. another client's token).
var longRun = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[A-Za-z0-9_\-+=]{32,}`) })

// uuidLike matches UUIDs, which name resources and are no secret.
var uuidLike = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
})

// maxMessage is how much of a server's message an error keeps, in bytes.
const maxMessage = 300

// Redact removes the given secrets, and anything that looks like a token,
// from s: the same redaction every client error gets (other API clients,
// such as the Graph client, use it for their errors).
func Redact(s string, secrets ...Secret) string { return redact(s, secrets) }

// redact removes every known secret, and anything that looks like a token,
// from s. Redact before cutting: a cut token no longer matches.
func redact(s string, secrets []Secret) string {
	for _, sec := range secrets {
		if v := sec.Value(); len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	s = tokenPattern().ReplaceAllStringFunc(s, func(m string) string {
		if len(m) > 6 && strings.EqualFold(m[:6], "bearer") {
			head, value := m[:6], strings.TrimLeft(m[6:], " \t\r\n")
			if !bearerValue(value) {
				return m
			}
			return head + " [redacted]"
		}
		return "[redacted]"
	})
	return longRun().ReplaceAllStringFunc(s, func(run string) string {
		if uuidLike().MatchString(run) || !strings.ContainsAny(run, "0123456789") {
			return run
		}
		return "[redacted]"
	})
}

// apiError is the union of the error bodies Docker sends:
//
//   - Error:     {"detail", "message"}
//   - error:     {"errinfo", "detail", "message"}
//   - ValueError: {"fields": {field: [problems]}, "text"}
//   - rpcStatus: {"code", "message", "details"}
//   - scim_error: {"schemas", "status": "401", "scimType", "detail"}
//
// and the audit log's 429 {"detail": "Rate limit exceeded", "error": false}.
type apiError struct {
	Message    string
	Detail     string
	Text       string
	Fields     map[string][]string
	SCIMType   string
	SCIMStatus string
	Code       int
}

// decodeErrorBody reads any of Docker's error shapes. Unknown or malformed
// bodies give the zero value: the status alone then tells what happened.
func decodeErrorBody(raw []byte) apiError {
	var wire struct {
		Message  json.RawMessage            `json:"message"`
		Detail   json.RawMessage            `json:"detail"`
		Text     json.RawMessage            `json:"text"`
		Fields   map[string]json.RawMessage `json:"fields"`
		ScimType string                     `json:"scimType"`
		Status   json.RawMessage            `json:"status"`
		Code     json.RawMessage            `json:"code"`
	}
	if json.Unmarshal(raw, &wire) != nil {
		return apiError{}
	}
	e := apiError{
		Message:    loneString(wire.Message),
		Detail:     loneString(wire.Detail),
		Text:       loneString(wire.Text),
		SCIMType:   wire.ScimType,
		SCIMStatus: loneString(wire.Status),
	}
	if e.SCIMStatus == "" {
		var n json.Number
		if json.Unmarshal(wire.Status, &n) == nil {
			e.SCIMStatus = n.String()
		}
	}
	_ = json.Unmarshal(wire.Code, &e.Code)
	for field, v := range wire.Fields {
		if e.Fields == nil {
			e.Fields = map[string][]string{}
		}
		var list []string
		if json.Unmarshal(v, &list) != nil {
			if s := loneString(v); s != "" {
				list = []string{s}
			}
		}
		e.Fields[field] = list
	}
	return e
}

// loneString decodes a JSON string, or returns "" for anything else.
func loneString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return strings.TrimSpace(s)
}

// message is the most telling text of the error body, uncut (redact it,
// then cut it with cutMessage).
func (e apiError) message() string {
	msg := e.Message
	if msg == "" {
		msg = e.Detail
	}
	if msg == "" {
		msg = e.Text
	}
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for f := range e.Fields {
			names = append(names, f)
		}
		sort.Strings(names)
		var parts []string
		for _, f := range names {
			parts = append(parts, f+": "+strings.Join(e.Fields[f], ", "))
		}
		if msg != "" {
			msg += "; "
		}
		msg += strings.Join(parts, "; ")
	}
	if e.SCIMType != "" {
		msg += " (scimType " + e.SCIMType + ")"
	}
	return textsafe.Clean(strings.TrimSpace(msg))
}

// cutMessage keeps the first maxMessage bytes of msg, on a character
// boundary, and marks the cut with "…".
func cutMessage(msg string) string {
	if len(msg) <= maxMessage {
		return msg
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "…"
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
	case status == http.StatusRequestTimeout || status == http.StatusGatewayTimeout:
		return KindTimeout
	case status >= 500:
		return KindServer
	}
	return KindOther
}

var defaultHints = map[Kind]string{
	KindBadRequest:    "The server refused the request as malformed: check the values entered",
	KindUnauthorized:  "Check the credentials and try again",
	KindPATNotAllowed: "Docker refuses tokens made from a personal access token here: create an organization access token (" + AccessTokensPage + ") and sign in with the organization name",
	KindForbidden:     "The token lacks a permission this call needs: check its scopes and that you are an owner of the organization",
	KindNotFound:      "Check the organization name and the URL",
	KindConflict:      "It already exists or changed meanwhile: reload and try again",
	KindRateLimited:   "Docker's rate limit was reached: wait a minute and retry",
	KindServer:        "Docker had a problem: retry in a moment, and check https://www.dockerstatus.com if it persists",
	KindNetwork:       "Check your network connection and the address",
	KindTimeout:       "The server did not answer in time: check the network and retry",
	KindDecode:        "The server's answer was not what Docker sends: check the URL points at Docker",
	KindTooLarge:      "Check the URL points at Docker's API, not at a download",
	KindCanceled:      "The request was canceled before it finished",
}
