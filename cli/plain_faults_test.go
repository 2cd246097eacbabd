package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/sandbox"
)

// answering makes p read its answers from lines, as typed at a prompt.
func answering(p *plainMode, lines ...string) {
	p.ask = &linePrompter{in: bufio.NewReader(strings.NewReader(strings.Join(lines, "\n") + "\n")), out: p.ui.out}
}

// setUp runs the connection and Setup SCIM steps of p on the sandbox.
func setUp(t *testing.T, p *plainMode) {
	t.Helper()
	ctx := context.Background()
	if err := p.connection(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.setupSCIM(ctx); err != nil {
		t.Fatal(err)
	}
	p.run.SetupAt = time.Now().Add(-time.Second)
}

// TestPlainReadBackGoesOnAfterAnError: a 500 or a 403 during the read-back
// is shown, and Enter reads again; only the admin ends the step.
func TestPlainReadBackGoesOnAfterAnError(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusForbidden} {
		env, sb := sandboxEnv(t)
		env.SCIMOptions = []client.Option{client.WithRetries(0, time.Millisecond, time.Millisecond)}
		p, out := plainOn(env, &WizardOptions{connection: "conn-okta-saml"})
		setUp(t, p)
		answering(p, "", "", "d") // no push, then read again after the error
		sb.AddFault(sandbox.Fault{Method: http.MethodGet, Path: sandbox.SCIMPath + "/Users", Status: status, Times: 1})
		if err := p.readBack(context.Background()); err != nil {
			t.Fatalf("%d: the read-back ended on the error: %v", status, err)
		}
		for _, want := range []string{"Could not read Docker this time", "Press Enter to check again", "SCIM users provisioned since setup: 0"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%d: output lacks %q:\n%s", status, want, out.String())
			}
		}
	}
}

// TestPlainReadBackErrorDoesNotFailANoInputRun: with --no-input the
// read-back reads once; a failed read is shown, the run goes on.
func TestPlainReadBackErrorDoesNotFailANoInputRun(t *testing.T) {
	env, sb := sandboxEnv(t)
	env.SCIMOptions = []client.Option{client.WithRetries(0, time.Millisecond, time.Millisecond)}
	p, out := plainOn(env, &WizardOptions{connection: "conn-okta-saml"})
	setUp(t, p)
	sb.AddFault(sandbox.Fault{Method: http.MethodGet, Path: sandbox.SCIMPath + "/Users", Status: http.StatusServiceUnavailable})
	if err := p.readBack(context.Background()); err != nil {
		t.Fatalf("a read-back error failed the run: %v", err)
	}
	if !strings.Contains(out.String(), "Could not read Docker this time") {
		t.Fatalf("the error is not shown:\n%s", out.String())
	}
}

// TestPlainVerifyOffersToCheckAgain: a 503 during verify does not end a
// prompt-mode run: Enter checks again with the values already given.
func TestPlainVerifyOffersToCheckAgain(t *testing.T) {
	env, sb := sandboxEnv(t)
	env.SCIMOptions = []client.Option{client.WithRetries(0, time.Millisecond, time.Millisecond)}
	p, out := plainOn(env, &WizardOptions{connection: "conn-okta-saml"})
	setUp(t, p)
	answering(p, "")
	sb.AddFault(sandbox.Fault{Method: http.MethodGet, Path: sandbox.SCIMPath + "/ServiceProviderConfig", Status: http.StatusServiceUnavailable, Times: 1})
	if err := p.verify(context.Background()); err != nil {
		t.Fatalf("verify after checking again: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Press Enter to check again with the same SCIM Base URL and API Token") {
		t.Fatalf("no offer to check again:\n%s", out.String())
	}
}

// TestPlainSaysWhenItRetries: a retry during verify prints a line, so a
// long wait is not silent.
func TestPlainSaysWhenItRetries(t *testing.T) {
	env, sb := sandboxEnv(t)
	p, out := plainOn(env, &WizardOptions{connection: "conn-okta-saml"})
	env.SCIMOptions = []client.Option{client.WithRetries(2, time.Millisecond, 5*time.Millisecond), p.ui.retryNotices()}
	setUp(t, p)
	sb.AddFault(sandbox.Fault{Method: http.MethodGet, Path: sandbox.SCIMPath + "/ServiceProviderConfig", Status: http.StatusServiceUnavailable, Times: 1})
	sb.AddFault(sandbox.Fault{Method: http.MethodGet, Path: sandbox.SCIMPath + "/Schemas", Status: http.StatusTooManyRequests, Header: map[string]string{"Retry-After": "0"}, Times: 1})
	if err := p.verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Still working: trying again to read the SCIM ServiceProviderConfig (attempt 2) after 503 Service Unavailable from the server.",
		"Waiting for Docker's rate limit, then trying again to read the SCIM Schemas (attempt 2)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestPlainReadBackPrintsNoEscapes: a hostile server puts escape sequences
// (a window title, a clipboard write, blinking red) in the users' names and
// groups; the plain mode's output and its --json result get printable text
// only.
func TestPlainReadBackPrintsNoEscapes(t *testing.T) {
	sb := sandbox.New()
	hostile := strings.NewReplacer(`"moby:research"`, `"moby:re\u001b]0;pwned\u0007search"`,
		`"ada@moby.example"`, `"ada\u001b[5;31m@moby.example"`,
		`"Lovelace"`, `"\u001b]52;c;Y3VybCBldmlsIHwgc2g=\u0007Lovelace"`)
	env := envOn(t, sb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, sandbox.SCIMPath+"/Users") {
			sb.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write([]byte(hostile.Replace(rec.Body.String())))
	}))
	p, out := plainOn(env, &WizardOptions{connection: "conn-okta-saml"})
	setUp(t, p)
	req := client.PushRequest{Users: []client.PushUser{{UserName: "ada@moby.example", GivenName: "Ada", FamilyName: "Lovelace"}}, Group: "moby:research"}
	if _, err := flow.PushTestUser(context.Background(), env, p.run.Creds, req); err != nil {
		t.Fatal(err)
	}
	if err := p.readBack(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(out.String(), "\x1b\x07") {
		t.Fatalf("escape sequences reached the output: %q", out.String())
	}
	if !strings.Contains(out.String(), "moby:research") || !strings.Contains(out.String(), "ada@moby.example") {
		t.Fatalf("the user and team are not listed, cleaned:\n%s", out.String())
	}
	res := flow.NewResult(env, &p.run, false)
	b, _ := json.Marshal(res)
	if strings.Contains(string(b), `\u001b`) || strings.Contains(string(b), `\u0007`) {
		t.Fatalf("escape sequences reached the --json result: %s", b)
	}
}
