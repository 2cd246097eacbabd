package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/docker-scim/docker-scim/textsafe"
)

// Version is reported in the User-Agent; main sets it at start.
var Version = "dev"

// MaxResponseBody caps every response body the client reads (10 MiB).
const MaxResponseBody = 10 << 20

// Retry defaults: up to 4 retries, backing off from 500 ms to 30 s.
const (
	defaultRetries  = 4
	defaultMinWait  = 500 * time.Millisecond
	defaultMaxWait  = 30 * time.Second
	maxRateLimitNap = time.Minute
)

// AttemptTimeout is how long one attempt of a request may take before it
// is given up and (when safe) retried.
const AttemptTimeout = 20 * time.Second

// StepTimeout is the budget a front-end gives one step's calls (listing
// connections, Setup SCIM, verify, one read-back poll): two attempts that
// both stall to AttemptTimeout plus the backoff between them, so a single
// stalled request is retried instead of failing the step.
const StepTimeout = 3 * AttemptTimeout

// RateLimit is the last X-RateLimit-* values a server sent. The zero value
// means no response carried them.
type RateLimit struct {
	// Limit is the number of requests allowed per window (per minute on Docker).
	Limit int
	// Remaining is how many requests are left in the window.
	Remaining int
	// Reset is when the window starts afresh.
	Reset time.Time
}

// Option configures a Hub or SCIM client.
type Option func(*options)

type options struct {
	notice  func(RetryNotice)
	http    *http.Client
	retries int
	minWait time.Duration
	maxWait time.Duration
	now     func() time.Time
	pageLen int
}

// WithHTTPClient makes the client send requests through hc. A client that
// skips TLS verification is refused by NewHub and NewSCIM.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.http = hc } }

// WithRetries sets how many times an idempotent request is retried on 429,
// 502, 503, 504 and network errors, and the bounds of the exponential
// backoff between attempts (a server's Retry-After wins over the backoff, up
// to maxWait). retries 0 disables retrying.
func WithRetries(retries int, minWait, maxWait time.Duration) Option {
	return func(o *options) { o.retries, o.minWait, o.maxWait = retries, minWait, maxWait }
}

// RetryNotice tells a front-end that a request is being retried, so that a
// long wait is never silent.
type RetryNotice struct {
	// Op is what the client was doing, e.g. "read back the SCIM users".
	Op string
	// Attempt is the number of the attempt about to start (2 for the
	// first retry).
	Attempt int
	// Cause says why the last attempt failed, e.g. "no answer within 20s".
	Cause string
	// RateLimited says the server asked to slow down (429): the wait is
	// the rate limit's, not a network problem.
	RateLimited bool
}

// String says what is happening in one sentence, for a status line: a
// rate-limit wait, or a retry after a failed attempt.
func (n RetryNotice) String() string {
	if n.RateLimited {
		return fmt.Sprintf("Waiting for Docker's rate limit, then trying again to %s (attempt %d): %s.", n.Op, n.Attempt, n.Cause)
	}
	return fmt.Sprintf("Still working: trying again to %s (attempt %d) after %s.", n.Op, n.Attempt, n.Cause)
}

// WithRetryNotice calls notice before every retry (from the goroutine that
// sends the request). It must not block.
func WithRetryNotice(notice func(RetryNotice)) Option {
	return func(o *options) { o.notice = notice }
}

// WithClock makes the client read the time from now (tests use it to age
// the Hub's JWT).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithPageSize sets how many items each Hub list request asks for (1 to
// 100, default 100). Every list still follows `next` to the end.
func WithPageSize(n int) Option { return func(o *options) { o.pageLen = n } }

func buildOptions(opts []Option) options {
	o := options{retries: defaultRetries, minWait: defaultMinWait, maxWait: defaultMaxWait, now: time.Now, pageLen: 100}
	for _, f := range opts {
		f(&o)
	}
	if o.minWait <= 0 {
		o.minWait = time.Millisecond
	}
	o.pageLen = min(max(o.pageLen, 1), 100)
	if o.maxWait < o.minWait {
		o.maxWait = o.minWait
	}
	return o
}

// transport sends JSON requests, retries what is safe to retry, paces itself
// by the server's rate limit, and turns every failure into *Error.
type transport struct {
	plain  *http.Client
	retry  *retryablehttp.Client
	now    func() time.Time
	notice func(RetryNotice)

	mu sync.Mutex
	rl RateLimit
}

// newTransport builds the transport. hc is copied, never changed.
func newTransport(o options) (*transport, error) {
	var hc http.Client
	if o.http != nil {
		hc = *o.http
	} else {
		hc = http.Client{Timeout: AttemptTimeout, Transport: defaultRoundTripper()}
	}
	if tr, ok := hc.Transport.(*http.Transport); ok && tr.TLSClientConfig != nil && tr.TLSClientConfig.InsecureSkipVerify {
		return nil, errors.New("the HTTP client skips TLS certificate verification; docker-scim always verifies certificates")
	}
	next := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := checkRedirect(via[0].URL, req.URL); err != nil {
			return err
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	t := &transport{plain: &hc, now: o.now, notice: o.notice}
	t.retry = &retryablehttp.Client{
		HTTPClient:   &hc,
		Logger:       nil, // never log: URLs and bodies stay private
		RetryWaitMin: o.minWait,
		RetryWaitMax: o.maxWait,
		RetryMax:     o.retries,
		CheckRetry:   t.checkRetry,
		Backoff:      t.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return t, nil
}

func defaultRoundTripper() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	tr.TLSHandshakeTimeout = 10 * time.Second
	tr.ResponseHeaderTimeout = AttemptTimeout
	return tr
}

// rateLimit returns the last X-RateLimit-* values seen.
func (t *transport) rateLimit() RateLimit {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rl
}

// observe records the X-RateLimit-* headers of resp, if it has them.
func (t *transport) observe(resp *http.Response) {
	h := resp.Header
	limit, errL := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Limit")))
	remaining, errR := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining")))
	if errR != nil {
		return
	}
	rl := RateLimit{Remaining: remaining}
	if errL == nil {
		rl.Limit = limit
	}
	if reset, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-RateLimit-Reset")), 10, 64); err == nil {
		rl.Reset = time.Unix(reset, 0)
	}
	t.mu.Lock()
	t.rl = rl
	t.mu.Unlock()
}

// pace returns how long to wait before the next request so the rate limit is
// not hit: nothing while plenty is left, then the rest of the window spread
// over the requests that remain (the whole window once none remain).
func pace(rl RateLimit, now time.Time) time.Duration {
	if rl.Reset.IsZero() || !rl.Reset.After(now) {
		return 0
	}
	low := max(2, rl.Limit/10)
	if rl.Remaining > low {
		return 0
	}
	wait := rl.Reset.Sub(now) / time.Duration(max(rl.Remaining, 0)+1)
	return min(wait, maxRateLimitNap)
}

// holdForRateLimit waits before a request while the rate limit is nearly
// spent (see pace). A wait that ctx's deadline would cut short is reported
// at once as KindRateLimited with RetryAfter, never as a network timeout:
// the request was held back by the rate limit, not lost.
func (t *transport) holdForRateLimit(ctx context.Context, c call) error {
	rl, now := t.rateLimit(), t.now()
	wait := pace(rl, now)
	if wait <= 0 {
		return nil
	}
	limited := func() error {
		e := c.failure(KindRateLimited, 0, "", fmt.Errorf("%d of %d requests left until %s", max(rl.Remaining, 0), rl.Limit, rl.Reset.Format("15:04:05")))
		e.RetryAfter = wait
		e.Hint = fmt.Sprintf("Docker's rate limit is nearly spent: the next request can go in %s (a wait for the rate limit, not a network problem)", wait.Round(time.Second))
		return e
	}
	if deadline, ok := ctx.Deadline(); ok && deadline.Sub(now) < wait {
		return limited()
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return limited()
		}
		return c.failure(networkKind(ctx, ctx.Err()), 0, "", ctx.Err())
	case <-timer.C:
		return nil
	}
}

// retryable reports whether a response status is worth another attempt.
func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// checkRetry is the retry policy: 429/502/503/504 and network errors, but
// not TLS or DNS failures (retrying cannot fix them), nor a wait longer
// than the backoff allows.
func (t *transport) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		if permanentNetError(err) {
			return false, nil
		}
		t.announce(ctx, retryCause(err), false)
		return true, nil
	}
	t.observe(resp)
	if !retryable(resp.StatusCode) {
		return false, nil
	}
	if wait, ok := retryAfter(resp.Header, t.now()); ok {
		// A wait longer than the backoff allows, or than the step has
		// left, is the caller's to make: the 429 carries RetryAfter.
		if wait > t.retry.RetryWaitMax {
			return false, nil
		}
		if deadline, ok := ctx.Deadline(); ok && deadline.Sub(t.now()) < wait {
			return false, nil
		}
	}
	limited := resp.StatusCode == http.StatusTooManyRequests
	cause := fmt.Sprintf("%d %s from the server", resp.StatusCode, http.StatusText(resp.StatusCode))
	if wait, ok := retryAfter(resp.Header, t.now()); ok && limited {
		cause = fmt.Sprintf("rate limited: the server asked to wait %s", wait.Round(time.Second))
	}
	t.announce(ctx, cause, limited)
	return true, nil
}

// retryState is carried in a request's context so that checkRetry can say
// which call it retries.
type retryState struct {
	op       string
	attempts int
}

type retryStateKey struct{}

// announce tells the front-end that the request in ctx is retried.
func (t *transport) announce(ctx context.Context, cause string, limited bool) {
	st, ok := ctx.Value(retryStateKey{}).(*retryState)
	if !ok || t.notice == nil {
		return
	}
	st.attempts++
	t.notice(RetryNotice{Op: st.op, Attempt: st.attempts + 1, Cause: cause, RateLimited: limited})
}

// retryCause says in a few words why an attempt failed, without quoting
// the error (it may hold the URL).
func retryCause(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "no answer in time"
	}
	return "the connection failed"
}

// backoff waits what the server asked for, else exponentially longer with
// jitter: a random time between min/2 and min·2^attempt (capped at max), so
// many clients do not retry in step.
func (t *transport) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if wait, ok := retryAfter(resp.Header, t.now()); ok {
			return min(wait, maxWait)
		}
	}
	ceiling := maxWait
	if attempt < 30 {
		ceiling = min(minWait<<attempt, maxWait)
	}
	return minWait/2 + rand.N(ceiling-minWait/2+1)
}

// retryAfter reads how long the server asked the client to wait: Retry-After
// in seconds or as an HTTP date, or Docker's older X-Retry-After as a unix
// time.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 && secs < 1<<31 {
			return time.Duration(secs) * time.Second, true
		}
		if at, err := http.ParseTime(v); err == nil {
			return max(at.Sub(now), 0), true
		}
	}
	if v := strings.TrimSpace(h.Get("X-Retry-After")); v != "" {
		if unix, err := strconv.ParseInt(v, 10, 64); err == nil && unix >= 0 && unix < 1<<40 {
			return max(time.Unix(unix, 0).Sub(now), 0), true
		}
	}
	return 0, false
}

// errRedirect marks a refused redirect; its text never quotes the target URL
// (a hostile server puts the token it received there).
var errRedirect = errors.New("refusing a redirect")

// CheckRedirect is the redirect policy of every API client (Docker, Graph,
// Okta), for http.Client.CheckRedirect: a redirect is followed only to the
// same scheme and host as the first request, at most 10 times, and a
// refusal never quotes the target URL (a hostile server puts the token it
// received there).
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if err := checkRedirect(via[0].URL, req.URL); err != nil {
		return err
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// checkRedirect allows a redirect only to the same scheme and host (with
// port) as the original request: the bearer token never follows a redirect
// elsewhere, and https is never downgraded to http.
func checkRedirect(from, to *url.URL) error {
	switch {
	case !strings.EqualFold(to.Scheme, from.Scheme):
		return fmt.Errorf("%w from %s to %s: the server tried to switch to %s, and the token only travels over %s", errRedirect, from.Scheme, to.Scheme, to.Scheme, from.Scheme)
	case !strings.EqualFold(to.Host, from.Host):
		return fmt.Errorf("%w to another host: the server at %s sent the request elsewhere, and the token is only sent to %s", errRedirect, from.Host, from.Host)
	}
	return nil
}

// permanentNetError reports errors that a retry cannot fix.
func permanentNetError(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return true
	}
	return tlsFailure(err) || errors.Is(err, errRedirect)
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
	// noContent accepts an empty success body even when out is set.
	noContent bool
	// retrySafe retries a POST like a GET: sending it twice does no harm
	// (a sign-in, or a token refresh whose lost answer nobody saw).
	retrySafe bool
}

// failure builds the *Error for c. The server's message is redacted, then
// cut; the wrapped error's text is redacted too (it may quote a URL).
func (c call) failure(kind Kind, status int, msg string, err error) *Error {
	secrets := append([]Secret{c.bearer}, c.secrets...)
	if err != nil {
		err = &redactedError{text: textsafe.Clean(redact(err.Error(), secrets)), cause: err}
	}
	e := &Error{Op: c.op, Kind: kind, Status: status, Message: cutMessage(redact(msg, secrets)), Err: err}
	e.Hint = c.hints[kind]
	if e.Hint == "" {
		e.Hint = defaultHints[kind]
	}
	return e
}

// redactedError is a wrapped error whose text was redacted; errors.Is and
// errors.As still see the cause.
type redactedError struct {
	text  string
	cause error
}

func (r *redactedError) Error() string { return r.text }
func (r *redactedError) Unwrap() error { return r.cause }

// do sends c and decodes the answer into c.out. GET, HEAD, PUT and DELETE
// are retried; POST never is.
func (t *transport) do(ctx context.Context, c call) error {
	raw, status, header, err := t.roundTrip(ctx, c)
	if err != nil {
		return err
	}
	if status >= 300 {
		return c.statusError(status, header, raw, t.now())
	}
	if c.out == nil || (c.noContent && len(strings.TrimSpace(string(raw))) == 0) {
		return nil
	}
	if err := json.Unmarshal(raw, c.out); err != nil {
		return c.failure(KindDecode, status, "", fmt.Errorf("the response is not the JSON expected: %s", describeJSONError(err)))
	}
	// Server text is untrusted: no escape sequence or control character
	// reaches a front-end, a JSON report or a runbook.
	textsafe.CleanAll(c.out)
	return nil
}

// roundTrip sends the request and returns the capped body.
func (t *transport) roundTrip(ctx context.Context, c call) ([]byte, int, http.Header, error) {
	if err := t.holdForRateLimit(ctx, c); err != nil {
		return nil, 0, nil, err
	}
	var body any
	if c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return nil, 0, nil, c.failure(KindOther, 0, "", fmt.Errorf("encode the request: %w", err))
		}
		body = b
	}
	if t.notice != nil {
		ctx = context.WithValue(ctx, retryStateKey{}, &retryState{op: c.op})
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, c.method, c.url, body)
	if err != nil {
		return nil, 0, nil, c.failure(KindOther, 0, "", errors.New("cannot build the request: check the URL"))
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
	var resp *http.Response
	if idempotent(c.method) || c.retrySafe {
		resp, err = t.retry.Do(req)
	} else {
		if b, ok := body.([]byte); ok {
			req.Request.Body = io.NopCloser(bytes.NewReader(b))
		}
		resp, err = t.plain.Do(req.Request)
		if err == nil {
			t.observe(resp)
		}
	}
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, 0, nil, c.failure(networkKind(ctx, err), 0, "", scrubNetErr(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBody+1))
	if err != nil {
		return nil, 0, nil, c.failure(networkKind(ctx, err), resp.StatusCode, "", scrubNetErr(err))
	}
	if len(raw) > MaxResponseBody {
		return nil, 0, nil, c.failure(KindTooLarge, resp.StatusCode, "",
			fmt.Errorf("the response is larger than %d MiB, more than Docker ever sends", MaxResponseBody>>20))
	}
	return raw, resp.StatusCode, resp.Header, nil
}

// changes reports whether a request with method may change data.
func changes(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// statusError turns an error response into *Error.
func (c call) statusError(status int, header http.Header, raw []byte, now time.Time) *Error {
	body := decodeErrorBody(raw)
	kind := kindForStatus(status)
	msg := body.message()
	if kind == KindForbidden && patNotAllowed(msg) {
		kind = KindPATNotAllowed
	}
	e := c.failure(kind, status, msg, nil)
	if kind == KindConflict && !changes(c.method) {
		// A read changes nothing, so "it already exists" cannot be why.
		e.Hint = "Docker answered 409 Conflict to a read, which changes nothing: this is a problem on Docker's side (or a proxy in between), not in the values entered; retry in a moment"
	}
	if kind == KindForbidden && oatNotAllowed(msg) && c.hints[KindForbidden] == "" {
		e.Hint = "This Docker endpoint refuses organization access tokens: sign in with your username and a personal access token"
	}
	if wait, ok := retryAfter(header, now); ok && kind == KindRateLimited {
		e.RetryAfter = wait
		e.Hint = fmt.Sprintf("Docker's rate limit was reached: wait %s and retry", wait.Round(time.Second))
	}
	return e
}

// patNotAllowed reports Docker's 403 for a JWT minted from a personal access
// token ("token issued from personal access token is not allowed").
func patNotAllowed(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "personal access token") && strings.Contains(m, "not allowed")
}

// oatNotAllowed reports Docker's 403 for an organization access token on a
// legacy route.
func oatNotAllowed(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "organization access token") && strings.Contains(m, "not allowed")
}

func networkKind(ctx context.Context, err error) Kind {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded || (errors.As(err, &ne) && ne.Timeout()) {
		return KindTimeout
	}
	if errors.Is(err, context.Canceled) {
		return KindCanceled
	}
	return KindNetwork
}

// scrubNetErr keeps the cause of a transport error without the request URL
// (its query could carry user data) or anything from the request headers.
func scrubNetErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// describeJSONError says why JSON did not decode without quoting the input.
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("malformed JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q holds a JSON %s", typ.Field, typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early"
	}
	return "malformed JSON"
}

// tlsFailure reports a certificate or handshake failure.
func tlsFailure(err error) bool {
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	return errors.As(err, &certErr) || errors.As(err, &recErr) || errors.As(err, &alert) ||
		strings.Contains(err.Error(), "x509:") || strings.Contains(err.Error(), "tls:")
}

// parseBase checks that raw is an absolute https URL, or http on loopback.
func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute URL (expected e.g. https://hub.docker.com)", raw)
	}
	if err := checkScheme(u); err != nil {
		return nil, err
	}
	if u.User != nil {
		return nil, errors.New("the address carries a user name or password: remove it and sign in instead")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// CheckAddress checks an API address the way NewHub and NewSCIM do (the
// rule of checkScheme, no user name or password in it), so a command can
// refuse a bad flag before doing anything else.
func CheckAddress(raw string) error {
	_, err := parseBase(raw)
	return err
}

// checkScheme is the one rule for every address docker-scim sends a token
// to (--base-url, --hub-url, sandbox push --url, a pasted SCIM Base URL):
// https anywhere, plain http only on a loopback address (the local
// sandbox). Plain http elsewhere is refused, never rewritten to https, so
// the admin sees the address that was really used.
func checkScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("http://%s uses plain http: only https is allowed (plain http only for the local sandbox on a loopback address); write https://%s instead", u.Host, u.Host)
	}
	return fmt.Errorf("%s: the scheme must be https", u.Redacted())
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
