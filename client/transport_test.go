package client_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/internal/testwait"
	"github.com/docker-scim/docker-scim/sandbox"
)

// scimSandbox serves a sandbox over loopback HTTP and returns a SCIM client
// holding the seeded connection's token, with fast retries.
func scimSandbox(t testing.TB, retries int, opts ...sandbox.Option) (*sandbox.Server, *client.SCIM, string) {
	t.Helper()
	sb := sandbox.New(opts...)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	tok := sb.Credentials().SCIMToken
	s, err := client.NewSCIM(srv.URL+sandbox.SCIMPath, client.NewSecret(tok), client.WithRetries(retries, time.Millisecond, 50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return sb, s, tok
}

const spcPath = sandbox.SCIMPath + "/ServiceProviderConfig"

func TestFaultsBecomeTypedErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fault    sandbox.Fault
		kind     client.Kind
		status   int
		says     []string // words Error() must contain
		waitsFor time.Duration
	}{
		{"401", sandbox.Fault{Status: 401}, client.KindUnauthorized, 401, []string{"401 Unauthorized", "injected fault", "copy it again"}, 0},
		{"403 PAT not allowed", sandbox.Fault{Status: 403, Body: `{"message":"token issued from personal access token is not allowed","errinfo":{}}`},
			client.KindPATNotAllowed, 403, []string{"organization access token"}, 0},
		{"403", sandbox.Fault{Status: 403}, client.KindForbidden, 403, []string{"SCIM is still enabled"}, 0},
		{"404", sandbox.Fault{Status: 404}, client.KindNotFound, 404, []string{"SCIM Base URL is wrong"}, 0},
		{"409", sandbox.Fault{Status: 409}, client.KindConflict, 409, []string{"409 Conflict"}, 0},
		{"429 Retry-After seconds", sandbox.Fault{Status: 429, Header: map[string]string{"Retry-After": "120"}},
			client.KindRateLimited, 429, []string{"wait 2m0s"}, 120 * time.Second},
		{"429 Retry-After date", sandbox.Fault{Status: 429, Header: map[string]string{"Retry-After": time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}},
			client.KindRateLimited, 429, []string{"rate limit"}, time.Hour},
		{"429 X-Retry-After", sandbox.Fault{Status: 429, Header: map[string]string{"X-Retry-After": strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)}},
			client.KindRateLimited, 429, []string{"rate limit"}, time.Hour},
		{"500", sandbox.Fault{Status: 500}, client.KindServer, 500, []string{"Docker had a problem"}, 0},
		{"502", sandbox.Fault{Status: 502}, client.KindServer, 502, []string{"502 Bad Gateway"}, 0},
		{"503", sandbox.Fault{Status: 503}, client.KindServer, 503, []string{"503 Service Unavailable"}, 0},
		{"400 ValueError", sandbox.Fault{Status: 400, Body: `{"fields":{"filter":["unsupported operator"]},"text":"invalid request"}`},
			client.KindBadRequest, 400, []string{"filter: unsupported operator"}, 0},
		{"malformed JSON", sandbox.Fault{Status: 200, Body: `{"patch":`}, client.KindDecode, 0, []string{"not the JSON expected"}, 0},
		{"HTML page", sandbox.Fault{Status: 200, Body: `<html>login</html>`}, client.KindDecode, 0, []string{"points at Docker"}, 0},
		{"oversized body", sandbox.Fault{BodySize: client.MaxResponseBody + 1}, client.KindTooLarge, 0, []string{"larger than 10 MiB"}, 0},
		{"dropped connection", sandbox.Fault{Drop: true}, client.KindNetwork, 0, []string{"network"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.fault.Path = spcPath
			_, s, _ := scimSandbox(t, 0, sandbox.WithFault(tc.fault))
			_, err := s.ServiceProviderConfig(context.Background())
			var ce *client.Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v (%T), want *client.Error", err, err)
			}
			if ce.Kind != tc.kind || (tc.status != 0 && ce.Status != tc.status) {
				t.Fatalf("got kind %v status %d, want %v %d: %v", ce.Kind, ce.Status, tc.kind, tc.status, err)
			}
			for _, w := range tc.says {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if tc.waitsFor > 0 && (ce.RetryAfter < tc.waitsFor-5*time.Second || ce.RetryAfter > tc.waitsFor) {
				t.Errorf("RetryAfter = %v, want about %v", ce.RetryAfter, tc.waitsFor)
			}
		})
	}
}

func TestMalformedJSONDoesNotPanicOrEcho(t *testing.T) {
	_, s, tok := scimSandbox(t, 0, sandbox.WithFault(sandbox.Fault{Path: spcPath, Status: 200, Body: `{"patch": "` + "x" + `"`}))
	_, err := s.ServiceProviderConfig(context.Background())
	if err == nil || strings.Contains(err.Error(), tok) {
		t.Fatalf("got %v", err)
	}
}

func TestRetriesRecoverFromTransientFailures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault sandbox.Fault
	}{
		{"502", sandbox.Fault{Status: 502, Times: 2}},
		{"503", sandbox.Fault{Status: 503, Times: 2}},
		{"504", sandbox.Fault{Status: 504, Times: 2}},
		{"429 Retry-After 0", sandbox.Fault{Status: 429, Times: 2, Header: map[string]string{"Retry-After": "0"}}},
		{"429 X-Retry-After past", sandbox.Fault{Status: 429, Times: 2, Header: map[string]string{"X-Retry-After": "1"}}},
		{"dropped connection", sandbox.Fault{Drop: true, Times: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.fault.Path = spcPath
			sb, s, _ := scimSandbox(t, 3, sandbox.WithFault(tc.fault))
			if _, err := s.ServiceProviderConfig(context.Background()); err != nil {
				t.Fatalf("not retried: %v", err)
			}
			if n := sb.RequestCount(); n != 3 {
				t.Fatalf("%d requests, want 3 (two failures and a success)", n)
			}
		})
	}
}

func TestRetriesStopAtTheLimit(t *testing.T) {
	sb, s, _ := scimSandbox(t, 3, sandbox.WithFault(sandbox.Fault{Path: spcPath, Status: 503}))
	_, err := s.ServiceProviderConfig(context.Background())
	assertKind(t, err, client.KindServer, 503)
	if n := sb.RequestCount(); n != 4 {
		t.Fatalf("%d requests, want 4 (one try and three retries)", n)
	}
}

func TestNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault sandbox.Fault
		kind  client.Kind
	}{
		{"500 is not transient", sandbox.Fault{Path: spcPath, Status: 500}, client.KindServer},
		{"401", sandbox.Fault{Path: spcPath, Status: 401}, client.KindUnauthorized},
		{"429 asking for longer than allowed", sandbox.Fault{Path: spcPath, Status: 429, Header: map[string]string{"Retry-After": "3600"}}, client.KindRateLimited},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb, s, _ := scimSandbox(t, 3, sandbox.WithFault(tc.fault))
			_, err := s.ServiceProviderConfig(context.Background())
			assertKind(t, err, tc.kind, tc.fault.Status)
			if n := sb.RequestCount(); n != 1 {
				t.Fatalf("%d requests, want 1", n)
			}
		})
	}
}

// TestPOSTIsRetriedOnlyWhenSafe: a push (which creates users) is sent once;
// a sign-in, which changes nothing, is retried after a 503, a 429 with
// Retry-After and a stall.
func TestPOSTIsRetriedOnlyWhenSafe(t *testing.T) {
	sb := sandbox.New(sandbox.WithFault(sandbox.Fault{Method: http.MethodPost, Path: "/sandbox/idp/push", Status: 503}))
	srv := httptest.NewServer(sb)
	defer srv.Close()
	hub, _ := client.NewHub(srv.URL, client.WithRetries(3, time.Millisecond, time.Millisecond))
	creds := sb.Credentials()
	if err := hub.SignIn(context.Background(), creds.Org, client.NewSecret(creds.OAT)); err != nil {
		t.Fatal(err)
	}
	before := sb.RequestCount()
	_, err := client.SandboxConsole{Hub: hub}.SimulatePush(context.Background(), client.SCIMCredentials{Token: client.NewSecret(creds.SCIMToken)},
		client.PushRequest{Users: []client.PushUser{{UserName: "once@moby.example"}}})
	assertKind(t, err, client.KindServer, 503)
	if n := sb.RequestCount() - before; n != 1 {
		t.Fatalf("push POST sent %d times, want 1", n)
	}

	for _, f := range []sandbox.Fault{
		{Method: http.MethodPost, Path: "/v2/auth/token", Status: 503, Times: 1},
		{Method: http.MethodPost, Path: "/v2/auth/token", Status: 429, Header: map[string]string{"Retry-After": "0"}, Times: 1},
		{Method: http.MethodPost, Path: "/v2/auth/token", Status: 502, Times: 1},
	} {
		sb.AddFault(f)
		hub, _ := client.NewHub(srv.URL, client.WithRetries(3, time.Millisecond, 10*time.Millisecond))
		before := sb.RequestCount()
		if err := hub.SignIn(context.Background(), creds.Org, client.NewSecret(creds.OAT)); err != nil {
			t.Fatalf("sign-in after one %d: %v", f.Status, err)
		}
		if n := sb.RequestCount() - before; n != 2 {
			t.Fatalf("sign-in after one %d: %d requests, want 2", f.Status, n)
		}
	}
}

func TestRetriesRespectTheContext(t *testing.T) {
	sb := sandbox.New(sandbox.WithFault(sandbox.Fault{Path: spcPath, Status: 503}))
	answered := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sb.ServeHTTP(w, r)
		answered <- struct{}{}
	}))
	defer srv.Close()
	// Backoff of an hour: only the context can end the wait.
	s, _ := client.NewSCIM(srv.URL+sandbox.SCIMPath, client.NewSecret(sb.Credentials().SCIMToken), client.WithRetries(10, time.Hour, time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := s.ServiceProviderConfig(ctx); done <- err }()
	testwait.Recv(t, "the first attempt's 503", answered) // the client now waits to retry
	cancel()
	err := testwait.Recv(t, "the call to end after its context was canceled", done)
	assertKind(t, err, client.KindCanceled, 0)
	if n := sb.RequestCount(); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

func TestTimeouts(t *testing.T) {
	slow := sandbox.Fault{Path: spcPath, Latency: 5 * time.Second}
	t.Run("context deadline", func(t *testing.T) {
		_, s, _ := scimSandbox(t, 0, sandbox.WithFault(slow))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := s.ServiceProviderConfig(ctx)
		assertKind(t, err, client.KindTimeout, 0)
	})
	t.Run("client timeout", func(t *testing.T) {
		sb := sandbox.New(sandbox.WithFault(slow))
		srv := httptest.NewServer(sb)
		defer srv.Close()
		s, _ := client.NewSCIM(srv.URL+sandbox.SCIMPath, client.NewSecret(sb.Credentials().SCIMToken),
			client.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}), client.WithRetries(0, time.Millisecond, time.Millisecond))
		_, err := s.ServiceProviderConfig(context.Background())
		assertKind(t, err, client.KindTimeout, 0)
	})
}

func TestConnectionRefusedIsNetwork(t *testing.T) {
	srv := httptest.NewServer(sandbox.New())
	url := srv.URL
	srv.Close()
	s, _ := client.NewSCIM(url+sandbox.SCIMPath, client.NewSecret("tok-secret-123"), client.WithRetries(1, time.Millisecond, time.Millisecond))
	_, err := s.ServiceProviderConfig(context.Background())
	assertKind(t, err, client.KindNetwork, 0)
}

func TestTLSVerificationIsAlwaysOn(t *testing.T) {
	sb := sandbox.New()
	srv := httptest.NewUnstartedServer(sb)
	srv.Config.ErrorLog = quietLog() // the refused handshakes are expected
	srv.StartTLS()                   // self-signed: must be refused
	defer srv.Close()
	s, _ := client.NewSCIM(srv.URL+sandbox.SCIMPath, client.NewSecret(sb.Credentials().SCIMToken), client.WithRetries(3, time.Millisecond, time.Millisecond))
	_, err := s.ServiceProviderConfig(context.Background())
	assertKind(t, err, client.KindNetwork, 0)
	if sb.RequestCount() != 0 {
		t.Fatal("a request reached a server with an untrusted certificate")
	}
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	if _, err := client.NewSCIM(srv.URL+sandbox.SCIMPath, client.NewSecret("x"), client.WithHTTPClient(insecure)); err == nil {
		t.Fatal("a client that skips TLS verification was accepted")
	}
	if _, err := client.NewHub(srv.URL, client.WithHTTPClient(insecure)); err == nil {
		t.Fatal("a Hub client that skips TLS verification was accepted")
	}
}

func TestUserAgentAndAccept(t *testing.T) {
	sb := sandbox.New()
	var mu sync.Mutex
	var agents, accepts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents, accepts = append(agents, r.UserAgent()), append(accepts, r.Header.Get("Accept"))
		mu.Unlock()
		sb.ServeHTTP(w, r)
	}))
	defer srv.Close()
	s, _ := client.NewSCIM(srv.URL+sandbox.SCIMPath, client.NewSecret(sb.Credentials().SCIMToken))
	if _, err := s.ServiceProviderConfig(context.Background()); err != nil {
		t.Fatal(err)
	}
	if agents[0] != "docker-scim/"+client.Version || accepts[0] != "application/scim+json" {
		t.Fatalf("User-Agent %q, Accept %q", agents[0], accepts[0])
	}
}

func TestRateLimitHeadersAreRead(t *testing.T) {
	_, s, _ := scimSandbox(t, 0, sandbox.WithRateLimit(50))
	if rl := s.RateLimit(); rl != (client.RateLimit{}) {
		t.Fatalf("rate limit before any request: %+v", rl)
	}
	if _, err := s.ServiceProviderConfig(context.Background()); err != nil {
		t.Fatal(err)
	}
	rl := s.RateLimit()
	if rl.Limit != 50 || rl.Remaining != 49 || rl.Reset.IsZero() {
		t.Fatalf("rate limit %+v, want limit 50, 49 remaining, a reset time", rl)
	}
}

func TestSlowsDownBeforeTheLimit(t *testing.T) {
	_, s, _ := scimSandbox(t, 0, sandbox.WithRateLimit(1))
	ctx := context.Background()
	if _, err := s.ServiceProviderConfig(ctx); err != nil {
		t.Fatal(err)
	}
	// The client now knows none remain and waits for the window to reset
	// instead of sending a request bound to get 429. A deadline shorter
	// than that wait is reported as the rate-limit wait it is, at once,
	// never as a network timeout.
	ctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	_, err := s.ServiceProviderConfig(ctx)
	ce := assertKind(t, err, client.KindRateLimited, 0)
	if ce.RetryAfter <= 0 || ce.RetryAfter > time.Minute || !strings.Contains(err.Error(), "not a network problem") {
		t.Fatalf("RetryAfter %v, error %q; want the wait for the window and a rate-limit message", ce.RetryAfter, err)
	}
	if ctx.Err() != nil {
		t.Fatal("the client slept until the deadline instead of reporting the wait at once")
	}
}

func TestSandboxRateLimitIsTyped(t *testing.T) {
	sb := sandbox.New(sandbox.WithRateLimit(1))
	srv := httptest.NewServer(sb)
	defer srv.Close()
	tok := client.NewSecret(sb.Credentials().SCIMToken)
	first, _ := client.NewSCIM(srv.URL+sandbox.SCIMPath, tok)
	if _, err := first.ServiceProviderConfig(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A second client has not seen the headers, so it gets Docker's 429.
	second, _ := client.NewSCIM(srv.URL+sandbox.SCIMPath, tok, client.WithRetries(3, time.Millisecond, 50*time.Millisecond))
	_, err := second.ServiceProviderConfig(context.Background())
	ce := assertKind(t, err, client.KindRateLimited, 429)
	if ce.RetryAfter <= 0 || ce.RetryAfter > time.Minute {
		t.Fatalf("RetryAfter %v, want the rest of the minute", ce.RetryAfter)
	}
	if n := sb.RequestCount(); n != 2 {
		t.Fatalf("%d requests: a wait longer than the backoff allows must not be retried", n)
	}
}

// quietLog discards the test servers' logs of refused TLS handshakes.
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// TestRedirectToPlainHTTPRefused: a loopback server (allowed over http) that
// redirects to plain http elsewhere must not get the request followed: the
// bearer token would travel unencrypted.
func TestRedirectToPlainHTTPRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://scim.example.invalid/v2/scim/2.0/ServiceProviderConfig", http.StatusFound)
	}))
	defer srv.Close()
	scim, err := client.NewSCIM(srv.URL+"/v2/scim/2.0", client.NewSecret("redirect-test-token"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = scim.ServiceProviderConfig(context.Background())
	if err == nil || !strings.Contains(err.Error(), "refusing a redirect") {
		t.Fatalf("redirect to plain http followed or misreported: %v", err)
	}
	if strings.Contains(err.Error(), "redirect-test-token") {
		t.Fatal("the error leaks the token")
	}
}
