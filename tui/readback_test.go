package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

func readBackDriver(t testing.TB, cfg Config, in readBackInput, w, h int) *driver {
	return driveScreen(t, cfg, w, h, func(c *common) screen { return newReadBackScreen(c, in) })
}

func (d *driver) readBack() *readBackScreen { return d.m.top().(*readBackScreen) }

func TestReadBackShowsPushedUserAfterPollTimer(t *testing.T) {
	ts := newVRSandbox(t)
	// The seeded users are older; the pushed one is created in the same
	// whole second as since.
	since := ts.clock.advanceToMidSecond()
	in := readBackInput{org: "moby", conn: ts.conn, idp: steps.Okta, creds: ts.creds, since: since}
	d := readBackDriver(t, ts.config(), in, 100, 30)
	d.init()
	if v := d.body(); !strings.Contains(v, "SCIM users since") || !strings.Contains(v, "None yet") || !strings.Contains(v, "Provision User") {
		t.Fatalf("first poll:\n%s", d.body())
	}
	if len(d.timers) != 2 {
		t.Fatalf("timers after the first polls: %+v, want one per resource", d.timers)
	}

	d.press("p")
	s := d.readBack()
	if s.pushed == nil || s.pushed.err != nil {
		t.Fatalf("push failed: %+v", s.pushed)
	}
	user := s.pushed.req.Users[0].UserName
	if !strings.HasSuffix(user, "@moby.example") || s.pushed.req.Group != "moby:"+flow.TestTeam {
		t.Fatalf("pushed %+v", s.pushed.req)
	}
	if v := d.body(); !strings.Contains(v, "pushed the user "+user) || strings.Contains(v, "✓ "+user) {
		t.Fatalf("after p, before the poll timer fired:\n%s", v)
	}
	if s.userPoll.inFlight || s.userPoll.next != flow.MinPoll {
		t.Fatalf("push must poll again 2 s after the last poll started, got next=%v inFlight=%v", s.userPoll.next, s.userPoll.inFlight)
	}

	requests := ts.sb.RequestCount()
	d.fire() // the superseded timers are ignored, the new ones poll
	v := d.body()
	if !strings.Contains(v, "✓ "+user) || !strings.Contains(v, "moby:"+flow.TestTeam) {
		t.Fatalf("pushed user or team not in the feed:\n%s", v)
	}
	// The audit log since setup is the Docker-side evidence of the push.
	if !strings.Contains(v, "Audit log since setup") || !strings.Contains(v, "member.add ×1") {
		t.Fatalf("no audit evidence of the push:\n%s", v)
	}
	// One request for the users (their teams come with them, in the SCIM
	// groups attribute) and one for the audit log: no member list is read,
	// and no superseded timer polled twice.
	if got := ts.sb.RequestCount() - requests; got != 2 {
		t.Fatalf("%d requests for one poll of each resource, want 2", got)
	}

	d.press("enter")
	if len(d.flow) != 1 {
		t.Fatalf("enter emitted %v", d.flow)
	}
	done := d.flow[0].(readBackDoneMsg).feed
	// The user also joined the connection's default team, "company".
	hasTeam := slices.ContainsFunc(done.Teams, func(t flow.TeamRow) bool { return t.Name == flow.TestTeam })
	if len(done.Users) != 1 || done.Users[0].UserName != user || !hasTeam {
		t.Fatalf("readBackDoneMsg = %+v", done)
	}
}

func TestReadBackErrorKeepsPollingWithBackoff(t *testing.T) {
	ts := newVRSandbox(t)
	cfg := ts.config()
	cfg.Env.Hub = nil
	bad := client.SCIMCredentials{BaseURL: ts.creds.BaseURL, Token: client.NewSecret("refreshed-token")}
	d := readBackDriver(t, cfg, readBackInput{org: "moby", conn: ts.conn, idp: steps.Entra, creds: bad, since: time.Now()}, 100, 30)
	d.init()
	v := d.screen()
	if !strings.Contains(v, "401 Unauthorized") || !strings.Contains(v, "r check now") || !strings.Contains(v, "Provision on demand") {
		t.Fatalf("error panel or Entra test step missing:\n%s", v)
	}
	if !strings.Contains(v, "DOCKER_SCIM_HUB_TOKEN") {
		t.Fatalf("no hint about teams without Hub sign-in:\n%s", v)
	}
	var waits []time.Duration
	for range 4 {
		if len(d.timers) != 1 {
			t.Fatalf("timers = %+v, want one (users only)", d.timers)
		}
		waits = append(waits, d.timers[0].after)
		d.fire()
	}
	if want := []time.Duration{4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second}; fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Fatalf("waits after failing polls = %v, want %v", waits, want)
	}
	d.now = d.now.Add(5 * time.Second)
	d.press("r") // polls at once: the last poll started over 2 s ago
	if got := d.timers[len(d.timers)-1].after; got != 4*time.Second {
		t.Fatalf("r did not reset the backoff: next wait %v", got)
	}
}

// fakeReadBack is a read-back screen on fixed data that sends no request.
func fakeReadBack(t testing.TB, hub bool, w, h int) *driver {
	cfg := Config{Env: &flow.Env{Org: "moby", Sandbox: true}}
	if hub {
		h, err := client.NewHub("https://hub.docker.com")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Env = flow.Sandbox("moby", h)
	}
	in := readBackInput{org: "moby", idp: steps.Okta, since: testNow,
		conn:  client.Connection{Name: "Okta SAML", Type: client.SAML, IdP: "okta", Domains: []string{"moby.example"}},
		creds: client.SCIMCredentials{BaseURL: vrBaseURL, Token: client.NewSecret("t")}}
	return readBackDriver(t, cfg, in, w, h)
}

// answer delivers a poll's answer the way a finished request does.
func (d *driver) answer(m polledMsg) {
	s := d.readBack()
	m.owner = s
	s.poller(m.res).inFlight, s.poller(m.res).lastStart = true, d.now
	s2, _ := s.Update(m) // the next poll's request is not sent
	d.setTop(s2)
}

var (
	vrUser = client.User{ID: "u1", UserName: "ada@moby.example", GivenName: "Ada", FamilyName: "Lovelace", Active: true,
		Created: testNow.Add(time.Minute), LastModified: testNow.Add(time.Minute), Groups: []string{"moby:developers"}}
	vrGone = client.User{ID: "u2", UserName: "bob@moby.example", DisplayName: "bob", Active: false,
		Created: testNow.Add(-time.Hour), LastModified: testNow.Add(time.Minute)}
)

func TestReadBackGolden(t *testing.T) {
	unavailable := &client.Error{Op: "read back the SCIM users", Kind: client.KindServer, Status: 503, Message: "injected fault: 503 Service Unavailable"}
	cases := []struct {
		name string
		hub  bool
		msgs []polledMsg
		push *pushedMsg
	}{
		{"waiting", true, []polledMsg{{res: resUsers}, {res: resAudit}}, nil},
		{"feed", true, []polledMsg{{res: resUsers, users: []client.User{vrUser}}, {res: resAudit}},
			&pushedMsg{req: client.PushRequest{Users: []client.PushUser{{UserName: "docker-scim-test-0a1b2c@moby.example"}}, Group: "moby:" + flow.TestTeam}}},
		{"error", true, []polledMsg{{res: resUsers, err: unavailable}, {res: resAudit}}, nil},
		{"no-hub", false, []polledMsg{{res: resUsers, users: []client.User{vrUser, vrGone}}}, nil},
		{"many", true, []polledMsg{{res: resUsers, users: manyUsers(12)}, {res: resAudit}}, nil},
	}
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s-%dx%d", tc.name, size[0], size[1]), func(t *testing.T) {
				d := fakeReadBack(t, tc.hub, size[0], size[1])
				if tc.push != nil {
					tc.push.owner = d.readBack()
					d.readBack().pushed = tc.push
				}
				for _, m := range tc.msgs {
					d.answer(m)
				}
				requireWholeFrame(t, d, size[0], size[1])
				golden.RequireEqual(t, d.screen())
			})
		}
	}
}

func TestReadBackBackoffGrowsAndResets(t *testing.T) {
	d := fakeReadBack(t, false, 80, 24)
	var waits []time.Duration
	for _, users := range [][]client.User{nil, nil, nil, nil, nil, nil, {vrUser}, {vrUser}} {
		d.answer(polledMsg{res: resUsers, users: users})
		waits = append(waits, d.timers[len(d.timers)-1].after)
		d.now = d.now.Add(waits[len(waits)-1])
	}
	want := []time.Duration{2, 4, 8, 16, 30, 30, 2, 4}
	for i := range want {
		want[i] *= time.Second
	}
	if fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Fatalf("waits = %v, want %v", waits, want)
	}
}

func TestReadBackSlowsDownWhenRateLimitIsLow(t *testing.T) {
	d := fakeReadBack(t, false, 80, 24)
	reset := testNow.Add(45 * time.Second)
	d.answer(polledMsg{res: resUsers, rl: client.RateLimit{Limit: 100, Remaining: 9, Reset: reset}})
	if got := d.timers[len(d.timers)-1].after; got != 45*time.Second {
		t.Fatalf("wait with 9 of 100 left = %v, want until the reset (45 s)", got)
	}
	d.answer(polledMsg{res: resUsers, rl: client.RateLimit{Limit: 100, Remaining: 10, Reset: reset}})
	if got := d.timers[len(d.timers)-1].after; got != 4*time.Second {
		t.Fatalf("wait with 10 of 100 left = %v, want the backoff (4 s)", got)
	}
}

func TestReadBackNeverDoublesAPollInFlight(t *testing.T) {
	d := fakeReadBack(t, false, 80, 24)
	s := d.readBack()
	s.userPoll.inFlight, s.userPoll.lastStart = true, d.now
	if _, cmd := s.Update(pollMsg{owner: s, res: resUsers, gen: s.userPoll.gen}); cmd != nil {
		t.Fatal("a timer started a second poll while one was in flight")
	}
	if _, cmd := s.Update(keyPress("r")); cmd != nil {
		if msgs := batchLen(cmd); msgs > 1 { // only the spinner tick
			t.Fatal("r started a second poll while one was in flight")
		}
	}
	s.userPoll.inFlight = false
	stale := pollMsg{owner: s, res: resUsers, gen: s.userPoll.gen - 1}
	if _, cmd := s.Update(stale); cmd != nil {
		t.Fatal("a superseded timer started a poll")
	}
	other := newReadBackScreen(d.m.c, s.in)
	if _, cmd := s.Update(pollMsg{owner: other, res: resUsers, gen: s.userPoll.gen}); cmd != nil {
		t.Fatal("another read-back screen's timer started a poll")
	}
}

// batchLen counts the commands in cmd's batch that produce a message.
func batchLen(cmd tea.Cmd) int {
	batch, ok := cmd().(tea.BatchMsg)
	if !ok {
		return 1
	}
	n := 0
	for _, c := range batch {
		if c != nil {
			n++
		}
	}
	return n
}

func TestReadBackRecoversAPollAnsweredToAnotherScreen(t *testing.T) {
	d := fakeReadBack(t, false, 80, 24)
	s := d.readBack()
	s.userPoll.inFlight, s.userPoll.lastStart = true, d.now
	d.now = d.now.Add(lostAfter - time.Second)
	if cmd := s.pollSoon(resUsers); cmd != nil {
		t.Fatal("polled again while the answer could still arrive")
	}
	d.now = d.now.Add(time.Second)
	if cmd := s.pollSoon(resUsers); cmd == nil || !s.userPoll.inFlight || !s.userPoll.lastStart.Equal(d.now) {
		t.Fatal("r did not poll again once the lost answer timed out")
	}
}

// manyUsers returns n active users, user0@moby.example and on, each in the
// team of the same number (team0 and on).
func manyUsers(n int) []client.User {
	var out []client.User
	for i := range n {
		u := vrUser
		u.ID, u.UserName = fmt.Sprint("u", i), fmt.Sprintf("user%d@moby.example", i)
		u.Groups = []string{fmt.Sprintf("moby:team%02d", i)}
		out = append(out, u)
	}
	return out
}

// TestReadBackSaysWhenItWaitsForTheRateLimit: a rate-limit wait is shown
// as one, with the poll scheduled after the wait, not as a failed network.
func TestReadBackSaysWhenItWaitsForTheRateLimit(t *testing.T) {
	d := fakeReadBack(t, false, 100, 30)
	wait := &client.Error{Op: "read back the SCIM users", Kind: client.KindRateLimited, RetryAfter: 42 * time.Second,
		Hint: "Docker's rate limit is nearly spent: the next request can go in 42s (a wait for the rate limit, not a network problem)"}
	d.answer(polledMsg{res: resUsers, err: wait})
	if got := d.timers[len(d.timers)-1].after; got != 42*time.Second {
		t.Fatalf("next poll in %v, want after the rate-limit wait (42 s)", got)
	}
	if v := d.body(); !strings.Contains(v, "waiting for the rate limit: next check at "+d.now.Add(42*time.Second).Format("15:04:05")) ||
		strings.Contains(v, "check the network") {
		t.Fatalf("status does not say it waits for the rate limit:\n%s", v)
	}
}

// readBackWith10kUsers is the read-back screen at 120×40 after a poll that
// returned 10,000 users, each in one of 50 teams.
func readBackWith10kUsers(t testing.TB) *readBackScreen {
	d := fakeReadBack(t, true, 120, 40)
	users := make([]client.User, 10_000)
	for i := range users {
		at := testNow.Add(time.Duration(len(users)-i) * time.Second) // newest first, as the client returns them
		users[i] = client.User{ID: fmt.Sprint("u", i), UserName: fmt.Sprintf("user%05d@moby.example", i), DisplayName: fmt.Sprintf("user%05d", i),
			GivenName: "User", FamilyName: fmt.Sprint(i), Active: true, Created: at, LastModified: at, Groups: []string{fmt.Sprintf("moby:team%02d", i%50)}}
	}
	d.answer(polledMsg{res: resUsers, users: users, requests: 50})
	return d.readBack()
}

// BenchmarkReadBackView10kUsers renders the read-back screen holding
// 10,000 users: View works on what the poll prepared, it sorts nothing.
func BenchmarkReadBackView10kUsers(b *testing.B) {
	s := readBackWith10kUsers(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.View()
	}
}

// TestReadBackPushHintFollowsCapability: the "press p" line is there when
// the environment simulates IdP pushes, whatever it is called, and not
// because it is the sandbox.
func TestReadBackPushHintFollowsCapability(t *testing.T) {
	in := readBackInput{org: "moby", idp: steps.Okta, since: testNow,
		conn:  client.Connection{Name: "Okta SAML", Type: client.SAML, IdP: "okta"},
		creds: client.SCIMCredentials{BaseURL: vrBaseURL, Token: client.NewSecret("t")}}
	for _, tc := range []struct {
		name string
		env  *flow.Env
		want bool
	}{
		{"simulator, not sandbox", &flow.Env{Org: "moby", Simulator: client.SandboxConsole{}}, true},
		{"sandbox, no simulator", &flow.Env{Org: "moby", Sandbox: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := readBackDriver(t, Config{Env: tc.env}, in, 100, 30)
			if got := strings.Contains(d.body(), "Press p to have the IdP simulator push"); got != tc.want {
				t.Fatalf("push hint shown = %v, want %v:\n%s", got, tc.want, d.body())
			}
		})
	}
}

// TestReadBackTimesFollowTheClockNotTheZone: the status line shows the
// clock's own wall time, as "SCIM users since" does, whatever the
// process's time zone (the golden frames once changed with $TZ).
func TestReadBackTimesFollowTheClockNotTheZone(t *testing.T) {
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	time.Local = time.FixedZone("UTC-5", -5*60*60)
	d := fakeReadBack(t, true, 120, 40)
	d.answer(polledMsg{res: resUsers, users: []client.User{vrUser}})
	want := d.readBack().userPoll.nextAt.Format("15:04:05")
	if s := d.screen(); !strings.Contains(s, "next check at "+want) {
		t.Fatalf("the status line does not show the clock's time %s:\n%s", want, s)
	}
}
