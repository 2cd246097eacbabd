package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Version is reported in the User-Agent; main sets it at start.
var Version = "dev"

// maxResponseBody caps every response body the client reads.
const maxResponseBody = 10 << 20

// transport sends JSON requests and turns failures into *Error.
type transport struct {
	http *http.Client
}

func newTransport(hc *http.Client) *transport {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &transport{http: hc}
}

// call is one request.
type call struct {
	op     string
	method string
	url    string
	body   any
	out    any
	bearer Secret
	accept string
	// secrets are removed from anything the server echoes into an error.
	secrets []Secret
	// hints override the default next-step advice per kind.
	hints map[Kind]string
}

func (t *transport) do(ctx context.Context, c call) error {
	secrets := append([]Secret{c.bearer}, c.secrets...)
	fail := func(kind Kind, status int, msg string, err error) *Error {
		e := &Error{Op: c.op, Kind: kind, Status: status, Message: redact(msg, secrets), Err: err}
		e.Hint = c.hints[kind]
		if e.Hint == "" {
			e.Hint = defaultHints[kind]
		}
		return e
	}
	var body io.Reader
	if c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return fail(KindOther, 0, "", fmt.Errorf("encode request: %w", err))
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, c.url, body)
	if err != nil {
		return fail(KindOther, 0, "", errors.New("cannot build the request: check the URL"))
	}
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	accept := c.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "docker-scim/"+Version)
	if !c.bearer.IsZero() {
		req.Header.Set("Authorization", "Bearer "+c.bearer.Value())
	}
	resp, err := t.http.Do(req)
	if err != nil {
		return fail(networkKind(ctx, err), 0, "", scrubNetErr(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		return fail(networkKind(ctx, err), resp.StatusCode, "", scrubNetErr(err))
	}
	if len(raw) > maxResponseBody {
		return fail(KindDecode, 0, "", fmt.Errorf("response larger than %d MiB", maxResponseBody>>20))
	}
	if resp.StatusCode >= 300 {
		msg := errorMessage(raw)
		kind := kindForStatus(resp.StatusCode)
		if kind == KindForbidden && strings.Contains(strings.ToLower(msg), "personal access token is not allowed") {
			kind = KindPATNotAllowed
		}
		return fail(kind, resp.StatusCode, msg, nil)
	}
	if c.out != nil {
		if err := json.Unmarshal(raw, c.out); err != nil {
			return fail(KindDecode, 0, "", fmt.Errorf("decode %s response: %w", c.op, err))
		}
	}
	return nil
}

// errorMessage reads the message of any of Docker's error shapes.
func errorMessage(raw []byte) string {
	var e struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
		Text    string `json:"text"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return ""
	}
	for _, s := range []string{e.Message, e.Detail, e.Text} {
		if s != "" {
			return s
		}
	}
	return ""
}

func networkKind(ctx context.Context, err error) Kind {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded || (errors.As(err, &ne) && ne.Timeout()) {
		return KindTimeout
	}
	return KindNetwork
}

// scrubNetErr keeps the cause of a transport error without the request URL's
// query (which could carry user data) or anything from the request headers.
func scrubNetErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

var defaultHints = map[Kind]string{
	KindUnauthorized:  "Check the credentials and try again",
	KindPATNotAllowed: "Docker refuses tokens made from a personal access token here: create an organization access token (Admin Console > Access tokens) and sign in with the organization name",
	KindForbidden:     "The token lacks a permission this call needs: check its scopes",
	KindNotFound:      "Check the organization name and the URL",
	KindRateLimited:   "Docker's rate limit was reached: wait a minute and retry",
	KindServer:        "Docker had a problem: retry in a moment",
	KindNetwork:       "Check your network connection and the address",
	KindTimeout:       "The server did not answer in time: check the network and retry",
	KindDecode:        "The server's answer was not what Docker sends: check the URL points at Docker",
}

// parseBase checks that raw is an absolute https URL, or http on loopback.
func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute URL (expected e.g. https://hub.docker.com)", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("%q uses plain http: only https is allowed, except for the local sandbox on a loopback address", raw)
		}
	default:
		return nil, fmt.Errorf("%q: the scheme must be https", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
