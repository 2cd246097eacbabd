package tui

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// sandboxConfig signs in to a fresh sandbox served over HTTP.
func sandboxConfig(tb testing.TB, opts ...sandbox.Option) (Config, *sandbox.Server, string) {
	tb.Helper()
	sb := sandbox.New(opts...)
	srv := httptest.NewServer(sb)
	tb.Cleanup(srv.Close)
	return signedInConfig(tb, srv.URL, sb.Credentials()), sb, srv.URL
}

// signedInConfig is the wizard's configuration for the sandbox served at
// url, with a Hub client signed in with the sandbox's org access token.
func signedInConfig(tb testing.TB, url string, seed sandbox.Credentials) Config {
	tb.Helper()
	hub, err := client.NewHub(url)
	if err != nil {
		tb.Fatal(err)
	}
	if err := hub.SignIn(context.Background(), seed.Org, client.NewSecret(seed.OAT)); err != nil {
		tb.Fatal(err)
	}
	return Config{Env: flow.Sandbox(seed.Org, hub)}
}

// TestPreflightOnSandboxLinksMembers: the members SCIM will link are listed
// as such (the admin marked "you"), and nobody is listed for removal.
func TestPreflightOnSandboxLinksMembers(t *testing.T) {
	cfg, _, _ := sandboxConfig(t)
	d := newDriver(t, cfg, 120, 60)
	d.press("enter") // Okta SAML: JIT on, SCIM off
	screen := d.screen()
	for _, want := range []string{"JIT provisioning is on", "will be linked to SCIM, not re-created", "SSO is not enforced"} {
		if !strings.Contains(screen, want) {
			t.Errorf("preflight lacks %q:\n%s", want, screen)
		}
	}
	for _, f := range d.m.top().(*preflightScreen).findings() {
		if strings.Contains(f.Title+f.Fix, "emove") && !strings.Contains(f.Fix, "Nobody needs to be removed") {
			t.Errorf("a finding asks to remove members: %+v", f)
		}
	}
	if strings.Contains(screen, "No verified domain") || strings.Contains(screen, "needs Docker Business") {
		t.Errorf("the seeded Business org with a verified domain was flagged:\n%s", screen)
	}
	d.press("m")
	if !strings.Contains(d.screen(), "Export members") {
		t.Errorf("m did not show the migration steps:\n%s", d.screen())
	}
	d.press("enter")
	if d.m.top().step() != steps.StepSetupSCIM {
		t.Fatalf("enter did not continue: %s", d.m.top().step())
	}
	if len(d.m.session.Findings) == 0 {
		t.Fatal("findings not kept for the runbook")
	}
}

func TestPreflightBlocksWithoutBusiness(t *testing.T) {
	console := seededConsole()
	console.org.Plan = "team"
	d := newDriver(t, testConfig(console, nil), 100, 40)
	d.press("enter", "enter")
	if d.m.top().step() != steps.StepPreflight || !strings.Contains(d.screen(), "SCIM needs Docker Business") ||
		!strings.Contains(d.screen(), "Fix the blockers above") {
		t.Fatalf("a Team plan was not blocked:\n%s", d.screen())
	}
}

// TestPreflightMembersFailureIsAWarning: a failed member listing does not
// stop the wizard (the plain mode treats it the same, both through
// flow.Preflight): the preflight warns with the cause, enter goes on, and
// r checks again.
func TestPreflightMembersFailureIsAWarning(t *testing.T) {
	cfg, sb, _ := sandboxConfig(t)
	d := newDriver(t, cfg, 100, 40)
	sb.AddFault(sandbox.Fault{Path: "/v2/orgs/moby/members", Status: 500, Times: 1})
	d.press("enter")
	if s := d.screen(); !strings.Contains(s, "Members not checked") || !strings.Contains(s, "Press enter to continue") {
		t.Fatalf("no warning, or the flow is blocked:\n%s", s)
	}
	d.press("m")
	if !strings.Contains(d.screen(), "500 Internal Server Error") {
		t.Fatalf("the cause is not shown:\n%s", d.screen())
	}
	d.press("r")
	if s := d.screen(); strings.Contains(s, "Members not checked") || !strings.Contains(s, "will be linked to SCIM, not re-created") {
		t.Fatalf("r did not re-run the checks:\n%s", s)
	}
}

// TestPreflightReusesTheOrgRead: the connection list read the org's plan and
// domains with the connections; the preflight does not read them again.
func TestPreflightReusesTheOrgRead(t *testing.T) {
	console := seededConsole()
	d := newDriver(t, testConfig(console, nil), 100, 40)
	d.press("enter")
	if d.m.top().step() != steps.StepPreflight || console.orgReads != 1 {
		t.Fatalf("org read %d times by the preflight at %s", console.orgReads, d.m.top().step())
	}
}

func TestPreflightOnRealDockerAsksForJIT(t *testing.T) {
	cfg := testConfig(nil, nil)
	d := newDriver(t, cfg, 100, 40)
	// Real Docker has no connection list; drive the preflight screen directly.
	d.send(connectionChosenMsg{conn: client.Connection{Name: "Okta prod", Type: client.SAML, IdP: "okta"}})
	if !strings.Contains(d.screen(), "JIT provisioning is on") || !strings.Contains(d.screen(), "Subscription not known") {
		t.Fatalf("real-Docker preflight:\n%s", d.screen())
	}
	if strings.Contains(d.screen(), "verified domain") {
		t.Fatalf("a domain finding although the connection implies a verified domain:\n%s", d.screen())
	}
	d.press("t")
	if !strings.Contains(d.screen(), "JIT provisioning is off") {
		t.Fatalf("j did not record JIT off:\n%s", d.screen())
	}
}

// TestPreflightFitsAndScrolls: however many findings, the frame fits the
// window, the way on stays visible, and ↑/↓ scroll the rest.
func TestPreflightFitsAndScrolls(t *testing.T) {
	cfg := testConfig(nil, nil)
	for _, size := range [][2]int{{60, 20}, {80, 24}, {100, 30}} {
		d := newDriver(t, cfg, size[0], size[1])
		d.send(connectionChosenMsg{conn: client.Connection{Name: "Okta prod", Type: client.SAML, IdP: "okta"}})
		d.press("m") // details make it longer
		screen := d.screen()
		if n := strings.Count(screen, "\n") + 1; n > size[1] {
			t.Fatalf("%dx%d: the frame has %d lines:\n%s", size[0], size[1], n, screen)
		}
		if !strings.Contains(screen, "Press enter to continue") {
			t.Fatalf("%dx%d: the way on is not visible:\n%s", size[0], size[1], screen)
		}
		if strings.Contains(screen, "more line(s)") && !strings.Contains(screen, "↑ 0 more") {
			t.Fatalf("%dx%d: scrolled before any key:\n%s", size[0], size[1], screen)
		}
		if strings.Contains(screen, "more line(s)") {
			d.press("down")
			if d.screen() == screen || !strings.Contains(d.screen(), "↑ 1 more") {
				t.Fatalf("%dx%d: down did not scroll:\n%s", size[0], size[1], d.screen())
			}
		}
	}
}

// TestJITAnswerKeptInTheRun: on real Docker, which has no API for the JIT
// setting, the admin's answer at the preflight is kept in the run with the
// facts read: a preflight shown again starts from it, the done screen
// gives no "disable JIT" advice when JIT is off, and the answer and the
// findings are saved with the progress and restored on resume.
func TestJITAnswerKeptInTheRun(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(nil, nil)
	cfg.StateDir = dir
	d := newDriver(t, cfg, 100, 40)
	d.send(connectionChosenMsg{conn: client.Connection{Name: "Okta prod", Type: client.SAML, IdP: "okta"}})
	d.press("t", "enter")
	run := d.m.session.Run
	if run.JITSaid == nil || *run.JITSaid || run.Facts == nil || run.JIT(cfg.Env) {
		t.Fatalf("after JIT off and enter: said %v, facts %v", run.JITSaid, run.Facts)
	}
	if !slices.ContainsFunc(run.Findings, func(f steps.Finding) bool { return strings.Contains(f.Title, "JIT provisioning is off") }) {
		t.Fatalf("findings do not follow the answer: %+v", run.Findings)
	}
	if again := newPreflightScreen(d.m.c, run); again.jit {
		t.Fatal("a preflight shown again forgot that JIT is off")
	}
	if advisesJITOff(d.m) {
		t.Fatal("the done screen advises turning off JIT the admin said is off")
	}
	on := newDriver(t, testConfig(nil, nil), 100, 40)
	on.send(connectionChosenMsg{conn: client.Connection{Name: "Okta prod", Type: client.SAML, IdP: "okta"}})
	on.press("enter")
	if !advisesJITOff(on.m) {
		t.Fatal("the done screen does not advise turning off JIT, which is on by Docker's default")
	}

	raw, _ := os.ReadFile(filepath.Join(dir, stateFile))
	loaded := loadStateCmd(dir, testNow)().(stateLoadedMsg)
	if st := loaded.state; st == nil || st.JITSaid == nil || *st.JITSaid || !reflect.DeepEqual(st.Findings, run.Findings) {
		t.Fatalf("saved progress lacks the JIT answer or the findings (%+v):\n%s", loaded, raw)
	}
	resumed, _ := d.m.resume(*loaded.state)
	if r := resumed.(Model).session.Run; r.JITSaid == nil || *r.JITSaid || len(r.Findings) != len(run.Findings) {
		t.Fatalf("resume did not restore the JIT answer or the findings: %v %+v", r.JITSaid, r.Findings)
	}
}

// advisesJITOff reports whether m's done screen advises turning JIT off.
func advisesJITOff(m Model) bool {
	done, _ := m.show(steps.StepDone)
	view := strings.Join(strings.Fields(ansi.Strip(done.(Model).View().Content)), " ")
	return strings.Contains(view, strings.Join(strings.Fields(steps.Plain(steps.DisableJITAdvice())), " "))
}
