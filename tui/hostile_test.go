package tui

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// hostileNames serves h and puts terminal escape sequences into the names
// it answers with: an OSC 0 (window title), an OSC 52 (clipboard write), a
// screen clear and 8-bit C1 controls, JSON-escaped as a server would send
// them. rewrites counts the answers it changed.
func hostileNames(h http.Handler, rewrites *atomic.Int64) http.Handler {
	r := strings.NewReplacer(
		`"Okta SAML"`, `"Okta\u001b]0;pwned\u0007 SAML\u009b2J"`,
		`"Jane"`, `"Ja\u001b[2Jne\u001b]52;c;cHduZWQ=\u0007"`,
		`"Doe"`, `"D\u0090evil\u009coe\u009d0;title\u009c"`,
		`"jane.doe@moby.example"`, `"jane\u001b]0;pwned\u0007.doe@moby\u001b[8m.example"`,
	)
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.String()
		if out := r.Replace(body); out != body {
			rewrites.Add(1)
			body = out
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write([]byte(body))
	})
}

// mustBeInert fails when frame holds anything a terminal would run other
// than the wizard's own colours (CSI … m): an OSC, a screen clear, a BEL, a
// DCS or any 8-bit C1 control.
func mustBeInert(t *testing.T, where, frame string) {
	t.Helper()
	for _, bad := range []string{"\x1b]", "\x07", "\x1b[2J", "\x1bP", "\u0090", "\u009b", "\u009c", "\u009d", "pwned", "cHduZWQ="} {
		if strings.Contains(frame, bad) {
			t.Fatalf("%s: the server's %q reached the screen:\n%q", where, bad, frame)
		}
	}
}

// TestHostileServerTextNeverReachesTheWizard runs the wizard against a
// sandbox whose answers carry escape sequences in the connection's name, the
// members' names and an error message: each frame holds the cleaned names
// and nothing a terminal would act on.
func TestHostileServerTextNeverReachesTheWizard(t *testing.T) {
	sb := sandbox.New()
	var rewrites atomic.Int64
	srv := httptest.NewServer(hostileNames(sb, &rewrites))
	t.Cleanup(srv.Close)
	cfg := signedInConfig(t, srv.URL, sb.Credentials())
	d := newDriver(t, cfg, 120, 40)

	frame := d.m.View().Content
	mustBeInert(t, "connection list", frame)
	if !strings.Contains(d.screen(), "Okta SAML") {
		t.Fatalf("the cleaned connection name is not listed:\n%s", d.screen())
	}

	// The preflight lists the members by email; its details show a failed
	// call's message, here a hostile one.
	d.press("enter")
	if d.m.top().step() != steps.StepPreflight {
		t.Fatalf("enter did not open the preflight: %s\n%s", d.m.top().step(), d.screen())
	}
	d.press("m")
	mustBeInert(t, "preflight details", d.m.View().Content)
	if !strings.Contains(d.screen(), "jane.doe@moby.example") {
		t.Fatalf("the cleaned member email is not shown:\n%s", d.screen())
	}
	sb.AddFault(sandbox.Fault{Path: "/v2/orgs/moby/members", Status: 500, Times: 1,
		Body: `{"message":"members unavailable\u001b]0;pwned\u0007 \u009b31mnow\u001b[2J"}`})
	d.press("r")
	frame = d.m.View().Content
	mustBeInert(t, "preflight with a hostile error", frame)
	if s := d.screen(); !strings.Contains(strings.Join(strings.Fields(s), " "), `("members unavailable`) {
		t.Fatalf("the cleaned error message is not shown:\n%s", s)
	}
	if rewrites.Load() == 0 {
		t.Fatal("the hostile server never changed an answer: the test checked nothing")
	}
}
