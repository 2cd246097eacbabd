package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/internal/idpapi"
	"github.com/docker-scim/docker-scim/textsafe"
)

// Error is every failure the Okta client returns. It never holds the token.
type Error struct {
	// Op is what the client was doing.
	Op string
	// Status is the HTTP status, or 0 when no response arrived.
	Status int
	// Code is Okta's errorCode, e.g. "E0000006".
	Code string
	// Summary is Okta's errorSummary and causes, sanitised and redacted.
	Summary string
	// Hint says what to do next.
	Hint string
	// RetryAfter is how long until Okta's rate-limit window resets (429).
	RetryAfter time.Duration
	// Err is the underlying error, if any.
	Err error
}

// Error says what happened, why, and what to do next.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op + ": ")
	switch {
	case e.Status >= 300:
		fmt.Fprintf(&b, "Okta answered %d %s", e.Status, http.StatusText(e.Status))
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	}
	if e.Code != "" {
		b.WriteString(" (" + e.Code + ")")
	}
	if e.Summary != "" {
		b.WriteString(`: "` + e.Summary + `"`)
	}
	if e.Hint != "" {
		b.WriteString(". " + e.Hint)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// AdminRole is what the API token's admin needs: the token acts with the
// permissions of the admin who created it.
const AdminRole = "an admin who can manage groups and applications (Super Administrator, or Org Administrator with the Application Administrator role)"

// Client calls Okta's Management API with an API token.
type Client struct {
	base  *url.URL
	token client.Secret
	hc    *http.Client
	now   func() time.Time
}

// New returns a Client for the Okta org at baseURL (https://<org>.okta.com,
// or the sandbox's stand-in: http on loopback only).
func New(baseURL string, token client.Secret, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("the Okta URL %q is not an absolute URL", client.Redact(baseURL))
	}
	if !idpapi.TokenSafe(u) {
		return nil, fmt.Errorf("%s://%s is not https: an Okta API token only travels over https (or http to this machine)", u.Scheme, u.Host)
	}
	if token.IsZero() {
		return nil, errors.New("no Okta API token: create one under Security → API → Tokens")
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	own := *hc
	own.CheckRedirect = client.CheckRedirect // the token never follows a redirect elsewhere
	return &Client{base: u, token: token, hc: &own, now: time.Now}, nil
}

// oktaError is Okta's error body.
type oktaError struct {
	ErrorCode    string `json:"errorCode"`
	ErrorSummary string `json:"errorSummary"`
	ErrorCauses  []struct {
		ErrorSummary string `json:"errorSummary"`
	} `json:"errorCauses"`
}

func clean(s string, secrets ...client.Secret) string {
	s = strings.TrimSpace(textsafe.Clean(client.Redact(s, secrets...)))
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}

// do sends one request; a success is decoded into out.
func (c *Client) do(ctx context.Context, op, method, path string, query url.Values, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return &Error{Op: op, Err: err}
		}
		rd = bytes.NewReader(b)
	}
	u := *c.base
	u.Path += path
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return &Error{Op: op, Err: errors.New("cannot build the request: check the Okta URL")}
	}
	req.Header.Set("Authorization", "SSWS "+c.token.Value())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "docker-scim/"+client.Version)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return &Error{Op: op, Err: errors.New(clean(err.Error(), c.token)), Hint: "Check the network connection to Okta and retry"}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 10<<20))
	if err != nil {
		return &Error{Op: op, Status: resp.StatusCode, Err: errors.New("the answer was cut off")}
	}
	if resp.StatusCode >= 300 {
		return c.statusError(op, resp, raw)
	}
	if out == nil || len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &Error{Op: op, Status: resp.StatusCode, Err: fmt.Errorf("the answer is not the JSON Okta documents: %s", clean(err.Error()))}
	}
	textsafe.CleanAll(out) // Okta's text is untrusted: printable only
	return nil
}

func (c *Client) statusError(op string, resp *http.Response, raw []byte) *Error {
	var oe oktaError
	_ = json.Unmarshal(raw, &oe)
	summary := oe.ErrorSummary
	for _, cause := range oe.ErrorCauses {
		summary += "; " + cause.ErrorSummary
	}
	e := &Error{Op: op, Status: resp.StatusCode, Code: clean(oe.ErrorCode), Summary: clean(summary, c.token)}
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		e.Hint = "The API token is wrong, expired or revoked: create a new one under Security → API → Tokens"
	case http.StatusForbidden:
		e.Hint = "Create the API token as " + AdminRole
	case http.StatusNotFound:
		e.Hint = "Check the name or id in Okta's Admin Console"
	case http.StatusTooManyRequests:
		if reset, err := strconv.ParseInt(resp.Header.Get("X-Rate-Limit-Reset"), 10, 64); err == nil {
			e.RetryAfter = max(time.Unix(reset, 0).Sub(c.now()), 0)
		}
		e.Hint = fmt.Sprintf("Okta's rate limit was reached: wait %s, then run it again (it resumes where it stopped)", max(e.RetryAfter, time.Second).Round(time.Second))
	}
	return e
}
