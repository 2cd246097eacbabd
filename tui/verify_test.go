package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
)

// vrSandbox is the real sandbox over HTTP, with SCIM set up on the Okta
// SAML connection and a Hub client signed in with the org access token.
type vrSandbox struct {
	sb    *sandbox.Server
	clock *vrClock
	cfg   Config
	conn  client.Connection
	creds client.SCIMCredentials
}

func newVRSandbox(t *testing.T, opts ...sandbox.Option) vrSandbox {
	t.Helper()
	clock := &vrClock{}
	cfg, sb, _ := sandboxConfig(t, append(opts, sandbox.WithClock(clock.now))...)
	ctx := context.Background()
	conns, err := cfg.Env.Console.Connections(ctx, cfg.Env.Org)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(conns, func(c client.Connection) bool { return c.ID == "conn-okta-saml" })
	if i < 0 {
		t.Fatalf("no conn-okta-saml in %+v", conns)
	}
	creds, err := cfg.Env.Console.SetupSCIM(ctx, cfg.Env.Org, conns[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	return vrSandbox{sb: sb, clock: clock, cfg: cfg, conn: conns[i], creds: creds}
}

// vrClock is the sandbox's clock: real time plus an offset that tests
// advance instead of sleeping.
type vrClock struct{ offset atomic.Int64 }

func (c *vrClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// advance moves the sandbox's clock forward by d and returns its new time.
func (c *vrClock) advance(d time.Duration) time.Time {
	c.offset.Add(int64(d))
	return c.now()
}

// advanceToMidSecond moves the clock forward by 2 to 3 s, to the middle of
// a second, and returns its new time: what is created right after lies in
// the same whole second (SCIM timestamps have no fractions).
func (c *vrClock) advanceToMidSecond() time.Time {
	return c.advance(2*time.Second + 500*time.Millisecond - time.Duration(c.now().Nanosecond()))
}

// config is the wizard's configuration for the sandbox, signed in.
func (ts vrSandbox) config() Config { return ts.cfg }

func verifyDriver(t *testing.T, cfg Config, creds client.SCIMCredentials, w, h int) *driver {
	return driveScreen(t, cfg, w, h, func(c *common) screen { return newVerifyScreen(c, creds) })
}

func TestVerifyPassesAndContinues(t *testing.T) {
	ts := newVRSandbox(t)
	d := verifyDriver(t, ts.config(), ts.creds, 80, 24)
	d.press("enter") // before the probe ran: nothing happens
	d.init()
	v := d.body()
	for _, want := range []string{"✓ " + client.CheckServiceProviderConfig, "4 of 4 checks passed", "The credentials work", "lists Docker's user extension", ts.creds.BaseURL, "3 schemas;"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	// One sentence, one full stop: the extension note ends with a ")" that
	// sentence() closes, and the count follows it.
	if strings.Contains(v, "..") || strings.Contains(v, "(s)") {
		t.Errorf("view has a doubled full stop or a (s) plural:\n%s", v)
	}
	d.press("enter")
	if len(d.flow) != 1 {
		t.Fatalf("enter emitted %v, want one verifiedMsg", d.flow)
	}
	if got := d.flow[0].(verifiedMsg); !got.result.OK() || len(got.result.Checks) != 4 {
		t.Fatalf("verifiedMsg carries %+v", got.result)
	}
}

func TestVerifyWrongTokenShowsDiagnosis(t *testing.T) {
	ts := newVRSandbox(t)
	wrong := client.SCIMCredentials{BaseURL: ts.creds.BaseURL, Token: client.NewSecret("mistyped-token")}
	d := verifyDriver(t, ts.config(), wrong, 80, 24)
	d.init()
	v := d.screen()
	for _, want := range []string{"✗ " + client.CheckServiceProviderConfig, "Docker refused the API Token (401)",
		"Copy the API Token again from Identity & auth → SSO and SCIM", "0 of 4 checks passed", "Press esc to go back"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "mistyped-token") {
		t.Fatal("the token is on screen")
	}
	d.press("enter")
	if len(d.flow) != 0 {
		t.Fatalf("enter continued after a failed test: %v", d.flow)
	}
	if v := d.screen(); !strings.Contains(v, "Press esc to go back and paste the values again") || strings.Contains(v, "enter continue") {
		t.Fatalf("a failed test does not say what to do, or offers enter:\n%s", v)
	}
}

func TestVerifyRetryAfterInjected503(t *testing.T) {
	// Retry-After beyond the client's 30 s cap makes it give up at once
	// instead of retrying, so the 503 reaches the screen.
	ts := newVRSandbox(t, sandbox.WithFault(sandbox.Fault{Path: sandbox.SCIMPath + "/ServiceProviderConfig",
		Status: 503, Header: map[string]string{"Retry-After": "3600"}, Times: 1}))
	d := verifyDriver(t, ts.config(), ts.creds, 80, 24)
	d.init()
	if v := d.body(); !strings.Contains(v, "Docker had a server error") || !strings.Contains(v, "3 of 4 checks passed") {
		t.Fatalf("503 not diagnosed:\n%s", v)
	}
	d.press("r")
	if v := d.body(); !strings.Contains(v, "4 of 4 checks passed") {
		t.Fatalf("r did not test again:\n%s", v)
	}
	d.press("enter")
	if len(d.flow) != 1 {
		t.Fatalf("enter after a passing retry emitted %v", d.flow)
	}
}

func TestVerifyIgnoresStaleProbe(t *testing.T) {
	d := verifyDriver(t, Config{}, client.SCIMCredentials{BaseURL: vrBaseURL}, 80, 24)
	other := newVerifyScreen(d.m.c, client.SCIMCredentials{})
	d.m.top().(*verifyScreen).running = true
	d.send(probeDoneMsg{owner: other, result: client.ProbeResult{Checks: []client.CheckResult{{Name: "x", OK: true}}}})
	if !d.m.top().(*verifyScreen).running {
		t.Fatal("a probe started by another verify screen was taken as this one's")
	}
}

// vrBaseURL stands in for the sandbox's random port in golden files.
const vrBaseURL = "https://hub.docker.com/v2/scim/2.0"

// vrProbe runs the real probe and fixes its timings for golden files.
func vrProbe(t *testing.T, creds client.SCIMCredentials) client.ProbeResult {
	t.Helper()
	scim, err := client.NewSCIM(creds.BaseURL, creds.Token)
	if err != nil {
		t.Fatal(err)
	}
	r := scim.Probe(context.Background())
	for i := range r.Checks {
		r.Checks[i].Latency = time.Duration(12+i*7) * time.Millisecond
	}
	r.Elapsed = 40 * time.Millisecond
	return r
}

func TestVerifyGolden(t *testing.T) {
	ts := newVRSandbox(t)
	pass := vrProbe(t, ts.creds)
	wrong := vrProbe(t, client.SCIMCredentials{BaseURL: ts.creds.BaseURL, Token: client.NewSecret("mistyped-token")})
	ts.sb.AddFault(sandbox.Fault{Path: sandbox.SCIMPath + "/Users", Status: 503, Header: map[string]string{"Retry-After": "3600"}, Times: 2})
	unavailable := vrProbe(t, ts.creds)
	cases := []struct {
		name string
		msgs func(s *verifyScreen) []tea.Msg
		keys []string
	}{
		{"running", func(*verifyScreen) []tea.Msg { return nil }, nil},
		{"pass", func(s *verifyScreen) []tea.Msg { return []tea.Msg{probeDoneMsg{owner: s, result: pass}} }, nil},
		{"wrong-token", func(s *verifyScreen) []tea.Msg { return []tea.Msg{probeDoneMsg{owner: s, result: wrong}} }, nil},
		{"wrong-token-enter", func(s *verifyScreen) []tea.Msg { return []tea.Msg{probeDoneMsg{owner: s, result: wrong}} }, []string{"enter"}},
		{"server-error", func(s *verifyScreen) []tea.Msg { return []tea.Msg{probeDoneMsg{owner: s, result: unavailable}} }, nil},
		{"bad-url", func(s *verifyScreen) []tea.Msg {
			_, err := client.NewSCIM("ftp://hub.docker.com/v2/scim/2.0", client.Secret{})
			return []tea.Msg{probeDoneMsg{owner: s, err: err}}
		}, nil},
	}
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s-%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				d := verifyDriver(t, ts.config(), client.SCIMCredentials{BaseURL: vrBaseURL}, size[0], size[1])
				s := d.m.top().(*verifyScreen)
				s.running = true // as after Init, without sending requests
				for _, m := range tc.msgs(s) {
					d.send(m)
				}
				d.press(tc.keys...)
				requireWholeFrame(t, d, size[0], size[1])
				golden.RequireEqual(t, d.screen())
			})
		}
	}
}
