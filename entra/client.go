package entra

import (
	"bytes"
	"context"
	"crypto/tls"
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

// GraphURL is Microsoft Graph's v1.0 endpoint.
const GraphURL = "https://graph.microsoft.com/v1.0"

// maxBody caps every Graph response the client reads (10 MiB).
const maxBody = 10 << 20

// Client calls Microsoft Graph with a delegated access token.
type Client struct {
	base    *url.URL
	token   client.Secret
	hc      *http.Client
	retries int
	maxWait time.Duration
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends requests through hc (default: 30 s timeout, TLS 1.2+).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithRetries sets how often a throttled (429) or unavailable (503, 504)
// call is retried after the wait Graph asks for, and the longest wait the
// client accepts before it gives up and reports the throttling instead.
func WithRetries(retries int, maxWait time.Duration) Option {
	return func(c *Client) { c.retries, c.maxWait = retries, maxWait }
}

// New returns a Client for the Graph endpoint baseURL (GraphURL, or the
// sandbox's stand-in) using token. baseURL must be https, or http on a
// loopback address.
func New(baseURL string, token client.Secret, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("the Graph URL %q is not an absolute URL", client.Redact(baseURL))
	}
	if err := checkScheme(u); err != nil {
		return nil, err
	}
	if token.IsZero() {
		return nil, errors.New("no Microsoft Graph token: sign in first")
	}
	c := &Client{
		base: u, token: token, retries: 3, maxWait: 30 * time.Second, now: time.Now,
		sleep: func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		},
	}
	for _, o := range opts {
		o(c)
	}
	if c.hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		c.hc = &http.Client{Timeout: 30 * time.Second, Transport: tr}
	}
	hc := *c.hc
	hc.CheckRedirect = client.CheckRedirect // same scheme and host only: the token never follows a redirect elsewhere
	c.hc = &hc
	return c, nil
}

// checkScheme allows https anywhere and http on loopback only, so a token
// never crosses a network in clear text.
func checkScheme(u *url.URL) error {
	if idpapi.TokenSafe(u) {
		return nil
	}
	return fmt.Errorf("%s://%s is not https: Graph tokens only travel over https (or http to this machine)", u.Scheme, u.Host)
}

// call is one Graph request.
type call struct {
	op     string
	method string
	path   string
	query  url.Values
	body   any
	out    any
	// perms are the Graph permissions the call needs, named in a 403's hint.
	perms []string
	// secrets are removed from anything Graph echoes into an error.
	secrets []client.Secret
	// verbatim keeps the answer as Graph sent it, for a document that is
	// sent back whole (the synchronization schema); every other answer is
	// made printable (textsafe) before a caller sees it.
	verbatim bool
}

// do sends c, retrying throttling and unavailability within the limits set
// by WithRetries, and decodes a success into c.out.
func (c *Client) do(ctx context.Context, cl call) error {
	var payload []byte
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return &Error{Op: cl.op, Kind: KindOther, Err: fmt.Errorf("encode the request: %w", err)}
		}
		payload = b
	}
	u := *c.base
	u.Path += cl.path
	u.RawQuery = cl.query.Encode()
	secrets := append([]client.Secret{c.token}, cl.secrets...)
	for attempt := 0; ; attempt++ {
		raw, status, header, err := c.roundTrip(ctx, cl, u.String(), payload)
		if err != nil {
			return err
		}
		if status < 300 {
			if cl.out == nil || len(bytes.TrimSpace(raw)) == 0 {
				return nil
			}
			if err := json.Unmarshal(raw, cl.out); err != nil {
				return &Error{Op: cl.op, Kind: KindDecode, Status: status, Err: fmt.Errorf("the answer is not the JSON Graph documents: %s", sanitize(err.Error()))}
			}
			if !cl.verbatim {
				textsafe.CleanAll(cl.out)
			}
			return nil
		}
		e := statusError(cl.op, cl.perms, status, header, raw, secrets, c.now())
		wait, ok := retryAfter(header, c.now())
		again := status == http.StatusTooManyRequests ||
			((status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout) && cl.method == http.MethodGet)
		if !again || attempt >= c.retries || (ok && wait > c.maxWait) {
			return e
		}
		if !ok {
			wait = time.Duration(1<<attempt) * time.Second
		}
		if err := c.sleep(ctx, min(wait, c.maxWait)); err != nil {
			return &Error{Op: cl.op, Kind: KindCanceled, Err: err}
		}
	}
}

// roundTrip sends one request and returns the capped body.
func (c *Client) roundTrip(ctx context.Context, cl call, target string, payload []byte) ([]byte, int, http.Header, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, target, rd)
	if err != nil {
		return nil, 0, nil, &Error{Op: cl.op, Kind: KindOther, Err: errors.New("cannot build the request: check the Graph URL")}
	}
	req.Header.Set("Authorization", "Bearer "+c.token.Value())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "docker-scim/"+client.Version)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		kind := KindNetwork
		if ctx.Err() != nil {
			kind = KindCanceled
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may hold ids; the cause is what matters
		}
		return nil, 0, nil, &Error{Op: cl.op, Kind: kind, Err: errors.New(sanitize(client.Redact(err.Error(), c.token))),
			Hint: "Check the network connection to Microsoft Graph and retry"}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, 0, nil, &Error{Op: cl.op, Kind: KindNetwork, Status: resp.StatusCode, Err: errors.New("the answer was cut off")}
	}
	if len(raw) > maxBody {
		return nil, 0, nil, &Error{Op: cl.op, Kind: KindDecode, Status: resp.StatusCode, Err: fmt.Errorf("the answer is larger than %d MiB", maxBody>>20)}
	}
	return raw, resp.StatusCode, resp.Header, nil
}

// retryAfter reads Retry-After in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 && secs < 1<<31 {
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}
