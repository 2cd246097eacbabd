package tui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// membersDriver runs the members screen alone against a sandbox seeded
// with the migration mix, on conn-okta-saml with SCIM just set up.
func membersDriver(t *testing.T, w, h int) (*driver, vrSandbox) {
	t.Helper()
	ts := newVRSandbox(t, sandbox.WithMigrationMix())
	ts.conn.SCIMEnabled = true
	in := membersInput{conn: ts.conn, idp: steps.Okta, creds: ts.creds}
	return driveScreen(t, ts.config(), w, h, func(c *common) screen { return newMembersScreen(c, in) }), ts
}

func (d *driver) members() *membersScreen { return d.m.top().(*membersScreen) }

func TestMembersScreenShowsTheMix(t *testing.T) {
	d, _ := membersDriver(t, 100, 40)
	d.init()
	v := d.body()
	for _, want := range []string{
		"5 of 7 members not yet linked",
		"Will link 4 · mismatch 1 · guests 1 · linked 2 · SCIM only 1 · filter: all · next check in 2s",
		"alexkim  alex.kim@moby.example  looks like akim@moby.example (same name)",
		"patjones  pat.jones@partner.example  guest",
		"gracehopper  grace.hopper@moby.example  linked as Grace Hopper",
		"tom.frost@moby.example  SCIM user, deactivated",
		"Keep JIT on until the members left to link are linked",
		"p has the IdP simulator push the selected member",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("the report lacks %q:\n%s", want, v)
		}
	}
	// The first row is selected and explained with Okta's wording.
	if !strings.Contains(v, "▸ ○ mobyadmin") || !strings.Contains(v, "Will link: Their domain is verified") || !strings.Contains(v, "Provision User") {
		t.Errorf("the selected will-link row is not explained for Okta:\n%s", v)
	}
	// JIT cannot be turned off yet: t does nothing.
	d.press("t")
	if d.members().jitBusy || d.members().conn.JIT != true {
		t.Error("t turned JIT off with members left to link")
	}
	// The refresh is scheduled, not slept on.
	if len(d.timers) != 1 || d.timers[0].after != flow.MinPoll {
		t.Fatalf("timers %+v, want one refresh after %v", d.timers, flow.MinPoll)
	}
}

func TestMembersScreenFiltersAndMoves(t *testing.T) {
	d, _ := membersDriver(t, 100, 40)
	d.init()
	d.press("f") // left to link
	if got := len(d.members().rows()); got != 5 {
		t.Fatalf("left to link: %d rows, want 5:\n%s", got, d.body())
	}
	if v := d.body(); !strings.Contains(v, "filter: left to link") || strings.Contains(v, "gracehopper") {
		t.Errorf("filtered view:\n%s", v)
	}
	d.press("down", "down", "down", "down", "down", "down") // stops at the last row
	if d.members().cursor != 4 {
		t.Errorf("cursor %d, want 4 (the last row)", d.members().cursor)
	}
	if v := d.body(); !strings.Contains(v, "▸ ! alexkim") || !strings.Contains(v, "Email mismatch suspected: The IdP pushed a user") {
		t.Errorf("the mismatch row is not selected and explained:\n%s", v)
	}
	for range membersFilters[1:] {
		d.press("f")
	}
	if d.members().filter != 0 {
		t.Errorf("the filter does not come back to all: %d", d.members().filter)
	}
}

func TestMembersScreenRefreshesWhenTheIdPPushes(t *testing.T) {
	d, ts := membersDriver(t, 100, 40)
	d.init()
	// The IdP (here the simulator, outside the wizard) pushes a new user.
	scimCreds := client.SCIMCredentials{BaseURL: ts.creds.BaseURL, Token: ts.creds.Token}
	if _, err := (client.SandboxConsole{Hub: ts.cfg.Env.Hub}).SimulatePush(t.Context(), scimCreds,
		client.PushRequest{Users: []client.PushUser{{UserName: "new.hire@moby.example", GivenName: "New", FamilyName: "Hire"}}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(d.body(), "new.hire") {
		t.Fatal("the push showed before the refresh")
	}
	d.fire()
	if v := d.body(); !strings.Contains(v, "newhire  new.hire@moby.example  linked as New Hire") {
		t.Errorf("the refresh did not show the pushed user:\n%s", v)
	}
}

func TestMembersScreenExportsWithoutSecrets(t *testing.T) {
	d, ts := membersDriver(t, 100, 40)
	dir := t.TempDir()
	d.m.c.cfg.ExportDir = dir
	d.init()
	d.press("e")
	d.press("e") // a second export never overwrites the first
	files, _ := filepath.Glob(filepath.Join(dir, "docker-scim-members-moby-*"))
	if len(files) != 4 {
		t.Fatalf("exported %v, want two .md and two .json", files)
	}
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v, want 0600", f, info.Mode().Perm())
		}
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), ts.creds.Token.Value()) || !strings.Contains(string(b), "alexkim") {
			t.Errorf("%s holds the token or lacks the report", f)
		}
	}
	if v := d.body(); !strings.Contains(v, "Report written to "+dir) {
		t.Errorf("no confirmation:\n%s", v)
	}
}

func TestMembersScreenWithoutHub(t *testing.T) {
	cfg := Config{Env: &flow.Env{Org: "moby", Console: seededConsole(), Sandbox: true}}
	d := driveScreen(t, cfg, 80, 24, func(c *common) screen {
		return newMembersScreen(c, membersInput{idp: steps.Okta, creds: client.SCIMCredentials{BaseURL: "http://127.0.0.1:1" + client.SCIMPath, Token: client.NewSecret("x")}})
	})
	d.init()
	if v := d.body(); !strings.Contains(v, "sign in to the Hub API") {
		t.Errorf("no explanation without a Hub sign-in:\n%s", v)
	}
	if !errors.Is(d.members().err, flow.ErrNoMembers) {
		t.Errorf("error %v", d.members().err)
	}
}

// goldenMembers is a fixed report: the mix, plus enough linked members to
// fill a list.
func goldenMembers(allLinked bool) flow.LinkReport {
	members := []client.Member{
		{Username: "mobyadmin", FullName: "Moby Admin", Email: "admin@moby.example", Role: "Owner"},
		{Username: "janedoe", FullName: "Jane Doe", Email: "jane.doe@moby.example", Role: "Member"},
		{Username: "alexkim", FullName: "Alex Kim", Email: "alex.kim@moby.example", Role: "Member"},
		{Username: "akim", FullName: "Alex Kim", Email: "akim@moby.example", Role: "Member"},
		{Username: "patjones", FullName: "Pat Jones", Email: "pat.jones@partner.example", Role: "Member", IsGuest: true},
	}
	users := []client.User{
		{ID: "1", UserName: "akim@moby.example", GivenName: "Alex", FamilyName: "Kim", Active: !allLinked},
		{ID: "2", UserName: "tom.frost@moby.example", GivenName: "Tom", FamilyName: "Frost"},
	}
	for i := range 8 {
		email := fmt.Sprintf("user%d@moby.example", i)
		members = append(members, client.Member{Username: fmt.Sprint("user", i), FullName: fmt.Sprint("User ", i), Email: email, Role: "Member"})
		users = append(users, client.User{ID: fmt.Sprint("u", i), UserName: email, GivenName: "User", FamilyName: fmt.Sprint(i), Active: true})
	}
	if allLinked {
		for _, m := range members[:3] {
			first, last, _ := strings.Cut(m.FullName, " ")
			users = append(users, client.User{ID: m.Username, UserName: m.Email, GivenName: first, FamilyName: last, Active: true})
		}
	}
	return flow.ComputeLinkReport("moby", steps.Okta, members, users)
}

func TestMembersGolden(t *testing.T) {
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		for _, tc := range []struct {
			name      string
			allLinked bool
			jit       bool
		}{{"left", false, true}, {"ready", true, true}, {"jit-off", true, false}} {
			t.Run(fmt.Sprintf("%s-%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				conn := client.Connection{ID: "conn-okta-saml", Name: "Okta SAML", JIT: tc.jit, SCIMEnabled: true}
				cfg := Config{Env: &flow.Env{Org: "moby", Console: client.SandboxConsole{}, Simulator: client.SandboxConsole{}, Sandbox: true}}
				d := driveScreen(t, cfg, size[0], size[1], func(c *common) screen {
					return newMembersScreen(c, membersInput{conn: conn, idp: steps.Okta})
				})
				s := d.members()
				d.send(linksReadMsg{owner: s, report: goldenMembers(tc.allLinked)})
				golden.RequireEqual(t, d.screen())
			})
		}
	}
}

// TestMembersFromReadBackAndDone opens the report from the read-back and
// from Done; leaving it lands on one Done screen, not a pile of them.
func TestMembersFromReadBackAndDone(t *testing.T) {
	cfg, _, _ := sandboxConfig(t, sandbox.WithMigrationMix())
	cfg.Clipboard = &fakeClipboard{}
	d := newDriver(t, cfg, 100, 40)
	d.enterUntil(steps.StepCredentials)
	d.press("down", "c") // copy the token, so that leaving is allowed
	d.enterUntil(steps.StepReadBack)
	d.press("m")
	if _, ok := d.m.top().(*membersScreen); !ok {
		t.Fatalf("m on the read-back did not open the members screen:\n%s", d.screen())
	}
	if v := d.screen(); !strings.Contains(v, "5 of 7 members not yet linked") {
		t.Fatalf("members screen:\n%s", v)
	}
	d.press("enter")
	if _, ok := d.m.top().(*doneScreen); !ok {
		t.Fatalf("enter on the members screen did not go to Done:\n%s", d.screen())
	}
	// The read-back ran before the members screen: Done says what it saw.
	if v := d.screen(); strings.Contains(v, "not run") || !strings.Contains(v, "provisioned since setup") {
		t.Fatalf("Done after the read-back and the members screen:\n%s", v)
	}
	depth := len(d.m.stack)
	d.press("m")
	if _, ok := d.m.top().(*membersScreen); !ok {
		t.Fatalf("m on Done did not open the members screen:\n%s", d.screen())
	}
	d.press("enter")
	if _, ok := d.m.top().(*doneScreen); !ok || len(d.m.stack) != depth {
		t.Fatalf("back on Done with %d screens, want %d:\n%s", len(d.m.stack), depth, d.screen())
	}
}

// TestMembersScreenWalksToJITOff is the migration's end on the sandbox:
// from five members left to link to all linked, then JIT off.
func TestMembersScreenWalksToJITOff(t *testing.T) {
	d, ts := membersDriver(t, 100, 40)
	d.init()
	if v := d.body(); !strings.Contains(v, "5 of 7 members not yet linked") || strings.Contains(v, "press t") {
		t.Fatalf("start:\n%s", v)
	}
	d.press("a")
	v := d.body()
	if !strings.Contains(v, "✓ All 6 members that SCIM can manage are linked") || !strings.Contains(v, "The IdP simulator pushed admin@moby.example") {
		t.Fatalf("after a:\n%s", v)
	}
	if !strings.Contains(v, "you can turn JIT off now") {
		t.Fatalf("the last step is not offered:\n%s", v)
	}
	d.press("t")
	if v := d.body(); !strings.Contains(v, "✓ JIT provisioning is off") {
		t.Fatalf("after t:\n%s", v)
	}
	conns, err := ts.cfg.Env.Console.Connections(t.Context(), "moby")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		if c.ID == ts.conn.ID && c.JIT {
			t.Errorf("the sandbox still has JIT on for %s", c.ID)
		}
	}
	d.press("enter")
	if _, ok := d.m.top().(*doneScreen); !ok || d.m.session.Conn.JIT {
		t.Fatalf("enter: Done with the connection's JIT off expected:\n%s", d.screen())
	}
}

// TestMembersRefreshIsPaced checks the refresh never asks more than about
// one request a second, and waits for the rate limit when it is short.
func TestMembersRefreshIsPaced(t *testing.T) {
	cfg := Config{Env: &flow.Env{Org: "moby", Console: client.SandboxConsole{}, Sandbox: true}}
	d := driveScreen(t, cfg, 100, 40, func(c *common) screen { return newMembersScreen(c, membersInput{idp: steps.Okta}) })
	s := d.members()
	var members []client.Member
	for i := range 1000 {
		members = append(members, client.Member{Username: fmt.Sprint("m", i), Email: fmt.Sprintf("m%d@moby.example", i)})
	}
	big := flow.ComputeLinkReport("moby", steps.Okta, members, nil)
	if got := big.ReadRequests(); got != 11 {
		t.Fatalf("a 1,000-member report takes %d requests to read, want 11", got)
	}
	d.send(linksReadMsg{owner: s, report: big})
	if n := len(d.timers); n != 1 || d.timers[0].after != 11*time.Second {
		t.Fatalf("timers %+v, want one refresh after 11 s", d.timers)
	}
	limited := &client.Error{Op: "list the members of moby", Kind: client.KindRateLimited, Status: 429, RetryAfter: 45 * time.Second}
	d.send(linksReadMsg{owner: s, err: limited})
	if last := d.timers[len(d.timers)-1]; last.after != 45*time.Second || !strings.Contains(strings.Join(strings.Fields(d.body()), " "), "waiting for the rate limit: next check in 45s") {
		t.Errorf("after a 429: refresh in %v:\n%s", last.after, d.body())
	}
}
