package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
)

// consoleOn serves h (usually wrapping sb) and signs a Hub in to sb.
func consoleOn(t *testing.T, sb *sandbox.Server, h http.Handler, opts ...client.Option) (client.SandboxConsole, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	opts = append([]client.Option{client.WithRetries(3, time.Millisecond, 20*time.Millisecond)}, opts...)
	hub, err := client.NewHub(srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	creds := sb.Credentials()
	if err := hub.SignIn(context.Background(), creds.Org, client.NewSecret(creds.OAT)); err != nil {
		t.Fatal(err)
	}
	return client.SandboxConsole{Hub: hub}, srv.URL
}

// tokenWorks reports whether creds authenticate a SCIM read.
func tokenWorks(t *testing.T, base string, creds client.SCIMCredentials) bool {
	t.Helper()
	s, err := client.NewSCIM(base+sandbox.SCIMPath, creds.Token)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ServiceProviderConfig(context.Background())
	return err == nil
}

// TestSetupSCIMSurvivesALostAnswer: Setup SCIM is applied but its answer
// (the only copy of the token) is lost on the way. The client reads the
// connection, sees SCIM on, and shows its values with Edit SCIM (no new
// token) instead of failing with a 409 or returning nothing.
func TestSetupSCIMSurvivesALostAnswer(t *testing.T) {
	sb := sandbox.New()
	var lost atomic.Bool
	var posts, refreshes atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/scim/token") {
			refreshes.Add(1)
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/conn-okta-saml/scim") {
			posts.Add(1)
			if lost.CompareAndSwap(false, true) {
				sb.ServeHTTP(httptest.NewRecorder(), r) // applied…
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					conn.Close() // …but the answer never arrives
				}
				return
			}
		}
		sb.ServeHTTP(w, r)
	})
	console, base := consoleOn(t, sb, h)
	creds, err := console.SetupSCIM(context.Background(), sb.Credentials().Org, "conn-okta-saml")
	if err != nil {
		t.Fatalf("Setup SCIM after a lost answer: %v", err)
	}
	if !tokenWorks(t, base, creds) {
		t.Fatal("the token returned after the retry does not work")
	}
	if n := posts.Load(); n != 1 {
		t.Fatalf("Setup SCIM sent %d times; once it was applied, Edit SCIM must show its values", n)
	}
	if n := refreshes.Load(); n != 0 {
		t.Fatalf("a lost Setup SCIM answer issued %d new tokens; Edit SCIM shows the one issued", n)
	}
}

// TestSetupSCIMRetriedWhenNothingHappened: a dropped connection before the
// sandbox handled Setup SCIM, a 502 and a 429 are each followed by one more
// Setup SCIM that succeeds.
func TestSetupSCIMRetriedWhenNothingHappened(t *testing.T) {
	for _, f := range []sandbox.Fault{
		{Method: http.MethodPost, Path: "/sandbox/console/", Drop: true, Times: 1},
		{Method: http.MethodPost, Path: "/sandbox/console/", Status: 502, Times: 1},
		{Method: http.MethodPost, Path: "/sandbox/console/", Status: 429, Header: map[string]string{"Retry-After": "0"}, Times: 1},
	} {
		sb := sandbox.New()
		console, base := consoleOn(t, sb, sb)
		sb.AddFault(f)
		creds, err := console.SetupSCIM(context.Background(), sb.Credentials().Org, "conn-okta-saml")
		if err != nil {
			t.Fatalf("fault %+v: %v", f, err)
		}
		if !tokenWorks(t, base, creds) {
			t.Fatalf("fault %+v: the token does not work", f)
		}
	}
}

// TestStalledRequestRetriedWithinTheStepBudget: with the ratio of
// StepTimeout to AttemptTimeout the front-ends use, one attempt that stalls
// past its timeout leaves room for a retry that succeeds, and the front-end
// hears about the retry while it waits.
func TestStalledRequestRetriedWithinTheStepBudget(t *testing.T) {
	const attempt = 300 * time.Millisecond
	step := attempt * time.Duration(client.StepTimeout/client.AttemptTimeout)
	sb := sandbox.New()
	var mu sync.Mutex
	var notices []client.RetryNotice
	console, _ := consoleOn(t, sb, sb, client.WithHTTPClient(&http.Client{Timeout: attempt}),
		client.WithRetryNotice(func(n client.RetryNotice) { mu.Lock(); notices = append(notices, n); mu.Unlock() }))
	sb.AddFault(sandbox.Fault{Method: http.MethodGet, Path: "/sandbox/console/", Latency: time.Hour, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), step)
	defer cancel()
	if _, err := console.Connections(ctx, sb.Credentials().Org); err != nil {
		t.Fatalf("a stalled request was not retried within the step's budget (%s for %s attempts): %v", step, attempt, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(notices) != 1 || notices[0].Attempt != 2 || notices[0].Op != "list SSO connections" || notices[0].RateLimited {
		t.Fatalf("retry notices %+v, want one for attempt 2 of listing connections", notices)
	}
}

// TestRetryNoticeNamesARateLimit: a 429 retry is announced as a rate-limit
// wait, not as a failure.
func TestRetryNoticeNamesARateLimit(t *testing.T) {
	sb := sandbox.New()
	var got []client.RetryNotice
	console, _ := consoleOn(t, sb, sb, client.WithRetryNotice(func(n client.RetryNotice) { got = append(got, n) }))
	sb.AddFault(sandbox.Fault{Method: http.MethodGet, Path: "/sandbox/console/", Status: 429, Header: map[string]string{"Retry-After": "0"}, Times: 1})
	if _, err := console.Connections(context.Background(), sb.Credentials().Org); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].RateLimited || !strings.Contains(got[0].Cause, "rate limited") {
		t.Fatalf("notices %+v, want one rate-limit notice", got)
	}
}
