package tui

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// readBackInput is what the read-back screen needs from the flow.
type readBackInput struct {
	org   string
	conn  client.Connection
	idp   steps.IdP
	creds client.SCIMCredentials
	// since is when SCIM was set up: users and teams older than that are
	// not part of the feed.
	since time.Time
}

// testTeam is the team the sandbox's simulated push creates (as the group
// "<org>:docker-scim-test").
const testTeam = "docker-scim-test"

// readBackScreen is a live feed of the SCIM users that arrived since setup,
// the teams they are in (from their SCIM groups attribute and, when signed
// in to the Hub API, the audit log), and the audit log's events.
type readBackScreen struct {
	c       *common
	in      readBackInput
	scim    *client.SCIM
	scimErr error
	spinner spinner.Model
	pollNow key.Binding
	push    key.Binding
	members key.Binding
	finish  key.Binding

	// users are newest first, as the client returns them; teams is worked
	// out from users and audit once per poll, never in View.
	users     []client.User
	teams     []teamRow
	audit     []client.AuditLog
	auditErr  error
	userPoll  poller
	auditPoll poller
	pushing   bool
	pushed    *pushedMsg
	testSteps []steps.Item
}

func newReadBackScreen(c *common, in readBackInput) *readBackScreen {
	s := &readBackScreen{
		c:       c,
		in:      in,
		spinner: spinner.New(spinner.WithSpinner(spinner.Dot)),
		pollNow: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "check now")),
		push:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "push a test user")),
		members: membersKey(),
		finish:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "finish")),
	}
	s.scim, s.scimErr = client.NewSCIM(in.creds.BaseURL, in.creds.Token, c.cfg.SCIMOptions...)
	if cl, err := steps.ChecklistFor(in.idp, connectionType(in.conn.Type)); err == nil {
		for _, it := range cl.Items {
			if it.Section == "Test" {
				s.testSteps = append(s.testSteps, it)
			}
		}
	}
	return s
}

func (s *readBackScreen) step() steps.StepID { return steps.StepReadBack }

// sandboxConsole returns the sandbox console, which can simulate the IdP.
func (s *readBackScreen) sandboxConsole() (client.SandboxConsole, bool) {
	sc, ok := s.c.cfg.Console.(client.SandboxConsole)
	return sc, ok && s.c.cfg.Sandbox
}

func (s *readBackScreen) keys() []key.Binding {
	ks := []key.Binding{s.pollNow}
	if _, ok := s.sandboxConsole(); ok {
		ks = append(ks, s.push)
	}
	return append(ks, s.members, s.finish)
}

// Init starts polling every resource at once (or as soon as the 2 s
// spacing allows, when the screen is shown again).
func (s *readBackScreen) Init() tea.Cmd {
	return tea.Batch(s.spinner.Tick, s.pollSoon(resUsers), s.pollSoon(resAudit))
}

func (s *readBackScreen) poller(r resource) *poller {
	if r == resUsers {
		return &s.userPoll
	}
	return &s.auditPoll
}

// enabled reports whether r can be polled at all.
func (s *readBackScreen) enabled(r resource) bool {
	if r == resUsers {
		return s.scim != nil
	}
	return s.c.cfg.Hub != nil
}

// pollSoon resets r's backoff and polls it now, or when the 2 s spacing and
// the rate limit allow. A poll in flight is not doubled.
func (s *readBackScreen) pollSoon(r resource) tea.Cmd {
	p := s.poller(r)
	if !s.enabled(r) || s.waiting(p) {
		return nil
	}
	p.interval = minPoll
	return s.schedule(r, s.nextDelay(p, 0, s.rateLimit(r), nil))
}

// lostAfter is when a poll's answer can no longer come (its context timed
// out): it went to another screen while this one was covered.
const lostAfter = requestTimeout + 5*time.Second

// waiting reports whether p's poll is in flight and its answer can still
// arrive.
func (s *readBackScreen) waiting(p *poller) bool {
	return p.inFlight && s.c.cfg.Now().Sub(p.lastStart) < lostAfter
}

// schedule polls r after d (at once when d is 0); timers set earlier for r
// are superseded.
func (s *readBackScreen) schedule(r resource, d time.Duration) tea.Cmd {
	p := s.poller(r)
	p.gen++
	p.next = d
	if d <= 0 {
		return s.start(r)
	}
	return s.c.after(d, pollMsg{owner: s, res: r, gen: p.gen})
}

func (s *readBackScreen) rateLimit(r resource) client.RateLimit {
	if r == resUsers {
		return s.scim.RateLimit()
	}
	return s.c.cfg.Hub.RateLimit()
}

// start sends r's poll request.
func (s *readBackScreen) start(r resource) tea.Cmd {
	p := s.poller(r)
	p.inFlight, p.lastStart = true, s.c.cfg.Now()
	if r == resUsers {
		return pollUsers(s, s.scim, s.in.since)
	}
	return pollAudit(s, s.c.cfg.Hub, s.in.org, s.in.since)
}

func (s *readBackScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case pollMsg:
		p := s.poller(msg.res)
		if msg.owner != s || msg.gen != p.gen || s.waiting(p) {
			return s, nil
		}
		return s, s.start(msg.res)
	case polledMsg:
		if msg.owner != s {
			return s, nil
		}
		return s, s.onPolled(msg)
	case pushedMsg:
		if msg.owner != s {
			return s, nil
		}
		s.pushing, s.pushed = false, &msg
		if msg.err != nil {
			return s, nil
		}
		return s, tea.Batch(s.pollSoon(resUsers), s.pollSoon(resAudit))
	case spinner.TickMsg:
		return s, tickSpinner(&s.spinner, s.busy(), msg)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, s.pollNow):
			return s, tea.Batch(s.spinner.Tick, s.pollSoon(resUsers), s.pollSoon(resAudit))
		case key.Matches(msg, s.push):
			if console, ok := s.sandboxConsole(); ok && !s.pushing {
				s.pushing = true
				return s, tea.Batch(s.spinner.Tick, pushTestUser(s, console, s.in))
			}
		case key.Matches(msg, s.members):
			return s, emit(openMembersMsg{})
		case key.Matches(msg, s.finish):
			return s, emit(readBackDoneMsg{users: s.users, teams: s.teamsWithNewUsers()})
		}
	}
	return s, nil
}

// onPolled records a poll's answer and schedules the next poll: sooner when
// something changed, later while nothing does, and after the rate-limit
// window when the budget left is less than a poll needs. Errors keep the
// last answer on screen. The teams and the fingerprint are worked out here,
// once per poll.
func (s *readBackScreen) onPolled(msg polledMsg) tea.Cmd {
	p := s.poller(msg.res)
	p.inFlight, p.err = false, msg.err
	changed := false
	if msg.err == nil {
		var fp string
		if msg.res == resUsers {
			s.users, fp = msg.users, usersFingerprint(msg.users)
			p.requests = msg.requests
		} else {
			s.audit, s.auditErr = msg.audit, msg.auditErr
			fp = fmt.Sprintf("audit:%d", len(msg.audit))
		}
		changed, p.fingerprint = fp != p.fingerprint, fp
		s.teams = teamsOfUsers(s.in.org, s.users, s.audit)
	}
	p.interval = nextInterval(p.interval, changed)
	return s.schedule(msg.res, s.nextDelay(p, p.interval, msg.rl, cmp.Or(msg.err, msg.auditErr)))
}

// nextDelay is pollDelay for p, noting in p whether the wait is the rate
// limit's (the status line says so).
func (s *readBackScreen) nextDelay(p *poller, interval time.Duration, rl client.RateLimit, err error) time.Duration {
	d, limited := pollDelay(interval, p.lastStart, rl, max(p.requests, 1), err, s.c.cfg.Now())
	p.rateLimited = limited
	return d
}

func (s *readBackScreen) busy() bool {
	return s.pushing || s.userPoll.inFlight || s.auditPoll.inFlight
}

// teamsWithNewUsers returns the teams that have at least one user of the
// feed as a member.
func (s *readBackScreen) teamsWithNewUsers() []client.Team {
	var out []client.Team
	for _, t := range s.teams {
		out = append(out, client.Team{Name: t.name})
	}
	return out
}

// someOf joins the first n names, and says how many more there are.
func someOf(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// teamRow is a team and the users of the feed in it.
type teamRow struct {
	name  string
	users []string
}

// teamsOfUsers lists the teams of org that the users are in, by name, with
// the users (userName) of each: from each user's SCIM groups attribute,
// and from the audit log's team.member.add events naming the user's Docker
// ID (its SCIM displayName). No member list is read.
func teamsOfUsers(org string, users []client.User, audit []client.AuditLog) []teamRow {
	members := map[string][]string{}
	add := func(team, userName string) {
		if !slices.Contains(members[team], userName) {
			members[team] = append(members[team], userName)
		}
	}
	byDockerID := make(map[string]string, len(users))
	for _, u := range users {
		for _, team := range u.Teams(org) {
			add(team, u.UserName)
		}
		if u.DisplayName != "" {
			byDockerID[strings.ToLower(u.DisplayName)] = u.UserName
		}
	}
	for _, e := range audit {
		team, _ := e.Data["team"].(string)
		member, _ := e.Data["member"].(string)
		if userName, ok := byDockerID[strings.ToLower(member)]; ok && e.Action == "team.member.add" && team != "" {
			add(team, userName)
		}
	}
	rows := make([]teamRow, 0, len(members))
	for team, us := range members {
		rows = append(rows, teamRow{name: team, users: us})
	}
	slices.SortFunc(rows, func(a, b teamRow) int { return strings.Compare(a.name, b.name) })
	return rows
}

func (s *readBackScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	var b strings.Builder
	idp := "the identity provider"
	if s.in.idp != "" {
		idp = s.in.idp.Label()
	}
	b.WriteString(st.wrap("Provision a test user from "+idp+"; this feed polls Docker and shows it when it arrives.", w) + "\n")
	for _, it := range s.testSteps {
		b.WriteString(bullet(st.wrap(it.Text, w-2)) + "\n")
		if it.Detail != "" && s.c.height >= 30 {
			b.WriteString(indent(st.wrapIn(st.subtle, it.Detail, w-2), "  ") + "\n")
		}
	}
	if len(s.testSteps) == 0 {
		b.WriteString(st.wrap("Provision a test user from the identity provider, then watch for it here.", w) + "\n")
	}
	b.WriteString("\n" + s.usersView(w) + "\n")
	b.WriteString(s.teamsView(w))
	b.WriteString(s.pushView(w))
	return strings.TrimRight(b.String(), "\n")
}

// status says whether r is being checked, or when it will be next.
func (s *readBackScreen) status(r resource) string {
	p := s.poller(r)
	if p.inFlight {
		return s.spinner.View() + " checking…"
	}
	if p.rateLimited {
		return fmt.Sprintf("waiting for the rate limit: next check in %s", p.next.Round(time.Second))
	}
	return fmt.Sprintf("next check in %s", p.next.Round(time.Second))
}

// rows is how many users, and how many teams, fit in the window.
func (s *readBackScreen) rows() int { return max(2, (s.c.height-20)/2) }

func (s *readBackScreen) usersView(w int) string {
	st := s.c.styles
	var b strings.Builder
	if s.scimErr != nil {
		return errorPanel(st, s.scimErr, w) + "\n"
	}
	b.WriteString(st.header.Render(fmt.Sprintf("SCIM users since %s: %d", s.in.since.Format("15:04"), len(s.users))) +
		st.subtle.Render("  "+s.status(resUsers)) + "\n")
	shown := s.rows()
	// Newest first (the client's order), so what was just provisioned is
	// never cut off.
	for i, u := range s.users {
		if i == shown {
			b.WriteString(st.subtle.Render(fmt.Sprintf("  …and %d more", len(s.users)-shown)) + "\n")
			break
		}
		state := st.ok.Render("✓")
		name := strings.TrimSpace(u.GivenName + " " + u.FamilyName)
		if name == "" {
			name = u.DisplayName
		}
		if !u.Active {
			state, name = st.warn.Render("○"), name+" (deactivated)"
		}
		b.WriteString(fmt.Sprintf("%s %s  %s\n", state, u.UserName, st.subtle.Render(name)))
	}
	if len(s.users) == 0 && s.userPoll.err == nil {
		b.WriteString(st.subtle.Render("  None yet.") + "\n")
	}
	if s.userPoll.err != nil {
		b.WriteString(errorPanel(st, s.userPoll.err, w) + "\n")
	}
	return b.String()
}

func (s *readBackScreen) teamsView(w int) string {
	st := s.c.styles
	var b strings.Builder
	b.WriteString(st.header.Render(fmt.Sprintf("Teams with these users: %d", len(s.teams))))
	if s.c.cfg.Hub != nil {
		b.WriteString(st.subtle.Render("  audit log: " + s.status(resAudit)))
	}
	b.WriteString("\n")
	for i, t := range s.teams {
		if i == s.rows() {
			b.WriteString(st.subtle.Render(fmt.Sprintf("  …and %d more", len(s.teams)-s.rows())) + "\n")
			break
		}
		b.WriteString(st.wrap(fmt.Sprintf("%s %s:%s  %s", st.ok.Render("✓"), s.in.org, t.name,
			st.subtle.Render(someOf(t.users, 3))), w) + "\n")
	}
	if s.c.cfg.Hub == nil {
		return b.String() + st.wrapIn(st.subtle, "Sign in to the Hub API (org and access token) to see the audit log too.", w) + "\n"
	}
	if s.auditPoll.err != nil {
		b.WriteString(errorPanel(st, s.auditPoll.err, w) + "\n")
	}
	if line := s.auditLine(); line != "" {
		b.WriteString(st.wrapIn(st.subtle, line, w) + "\n")
	}
	return b.String()
}

// auditLine sums up the audit log since setup: how many events of each
// action, or why it could not be read.
func (s *readBackScreen) auditLine() string {
	if s.auditErr != nil {
		var ce *client.Error
		if errors.As(s.auditErr, &ce) && (ce.Kind == client.KindForbidden || ce.Kind == client.KindPATNotAllowed) {
			return "Audit log: not readable with this token (it needs the scope-activity-read scope)."
		}
		return "Audit log: could not be read (" + s.auditErr.Error() + ")."
	}
	if len(s.audit) == 0 {
		return ""
	}
	counts := map[string]int{}
	var actions []string
	for _, e := range s.audit {
		if counts[e.Action] == 0 {
			actions = append(actions, e.Action)
		}
		counts[e.Action]++
	}
	slices.Sort(actions)
	parts := make([]string, len(actions))
	for i, a := range actions {
		parts[i] = fmt.Sprintf("%s ×%d", a, counts[a])
	}
	return fmt.Sprintf("Audit log since setup: %d event(s): %s.", len(s.audit), strings.Join(parts, ", "))
}

func (s *readBackScreen) pushView(w int) string {
	st := s.c.styles
	switch {
	case s.pushing:
		return "\n" + s.spinner.View() + " Asking the IdP simulator to push a test user…"
	case s.pushed == nil:
		if _, ok := s.sandboxConsole(); ok {
			return "\n" + st.wrap("Sandbox: press **p** to have the IdP simulator push a test user and a group.", w)
		}
		return ""
	case s.pushed.err != nil:
		return "\n" + errorPanel(st, s.pushed.err, w)
	}
	return "\n" + st.wrap(fmt.Sprintf("Sandbox: the IdP simulator pushed the user **%s** and the group **%s**.",
		s.pushed.req.Users[0].UserName, s.pushed.req.Group), w)
}

// resource is something the read-back screen polls.
type resource int

const (
	resUsers resource = iota
	// resAudit is the audit log since setup (Hub API).
	resAudit
)

// Poll pacing: never more than one request per resource every minPoll,
// doubling while nothing changes, up to maxPoll.
const (
	minPoll = 2 * time.Second
	maxPoll = 30 * time.Second
)

// poller is the polling state of one resource.
type poller struct {
	interval  time.Duration
	next      time.Duration // the delay last scheduled, for the status line
	lastStart time.Time
	inFlight  bool
	// gen identifies the latest timer; older timers are ignored.
	gen         int
	fingerprint string
	err         error
	// requests is how many requests the last poll took: the rate-limit
	// budget the next one needs.
	requests int
	// rateLimited says the scheduled wait is the rate limit's.
	rateLimited bool
}

// pollMsg is the timer that starts the next poll of res.
type pollMsg struct {
	owner *readBackScreen
	res   resource
	gen   int
}

// polledMsg is a poll's answer, with the rate limit the server reported.
type polledMsg struct {
	owner *readBackScreen
	res   resource
	users []client.User
	// requests is how many requests the poll sent.
	requests int
	// audit and auditErr are the audit log read (resAudit).
	audit    []client.AuditLog
	auditErr error
	rl       client.RateLimit
	err      error
}

func (m polledMsg) ownerScreen() screen { return m.owner }

func (m pushedMsg) ownerScreen() screen { return m.owner }

// resume polls again at once when the screen is shown again: its timers
// were dropped while another screen was on top.
func (s *readBackScreen) resume() tea.Cmd {
	return tea.Batch(s.pollSoon(resUsers), s.pollSoon(resAudit))
}

// nextInterval is the wait before the next poll: minPoll after a change
// (or the first time), else twice the last wait, up to maxPoll.
func nextInterval(prev time.Duration, changed bool) time.Duration {
	if changed || prev < minPoll {
		return minPoll
	}
	return min(prev*2, maxPoll)
}

// rateLimitWait is how long to hold off because the server's rate limit
// cannot pay for the next poll (fewer requests left than it needs, or under
// 10 % of the budget): until the window resets.
func rateLimitWait(rl client.RateLimit, need int, now time.Time) time.Duration {
	if rl.Limit <= 0 || (rl.Remaining >= need && rl.Remaining*10 >= rl.Limit) || !rl.Reset.After(now) {
		return 0
	}
	return rl.Reset.Sub(now)
}

// pollDelay is how long to wait before the next poll: interval, but at
// least minPoll after the last poll started, and longer when the rate limit
// asks for it (its budget, or a rate-limit error's RetryAfter); limited
// says the rate limit set the wait.
func pollDelay(interval time.Duration, lastStart time.Time, rl client.RateLimit, need int, err error, now time.Time) (d time.Duration, limited bool) {
	d = interval
	if !lastStart.IsZero() {
		d = max(d, minPoll-now.Sub(lastStart))
	}
	wait := rateLimitWait(rl, need, now)
	var ce *client.Error
	if errors.As(err, &ce) && ce.Kind == client.KindRateLimited {
		wait = max(wait, ce.RetryAfter)
	}
	if wait > d {
		return wait, true
	}
	return max(d, 0), false
}

func usersFingerprint(users []client.User) string {
	var b strings.Builder
	for _, u := range users {
		fmt.Fprintf(&b, "%s|%s|%t|%d\n", u.ID, u.LastModified.Format(time.RFC3339Nano), u.Active, len(u.Groups))
	}
	return b.String()
}

// pollUsers reads the SCIM users created or changed since since (newest
// first; one request when nothing is new). SCIM timestamps have whole
// seconds, so since is truncated to the second: a user created in the same
// second as setup still counts.
func pollUsers(owner *readBackScreen, scim *client.SCIM, since time.Time) tea.Cmd {
	since = since.Truncate(time.Second)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		rb, err := scim.ReadUsersSince(ctx, since)
		return polledMsg{owner: owner, res: resUsers, users: rb.Users, requests: rb.Requests, rl: scim.RateLimit(), err: err}
	}
}

// pollAudit reads the audit log since setup (member.add, team.member.add,
// sso.connection.scim_toggle…): evidence that provisioning reached Docker,
// and the teams new users joined. An audit log the token may not read is
// reported, not fatal.
func pollAudit(owner *readBackScreen, hub *client.Hub, org string, since time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		audit, auditErr := hub.AuditLogs(ctx, org, client.AuditLogOptions{From: since.Truncate(time.Second)})
		return polledMsg{owner: owner, res: resAudit, audit: audit, auditErr: auditErr, rl: hub.RateLimit()}
	}
}

// pushedMsg is the outcome of a simulated IdP push.
type pushedMsg struct {
	owner  *readBackScreen
	req    client.PushRequest
	result client.PushResult
	err    error
}

// pushTestUser asks the sandbox's IdP simulator to push a new test user at
// the connection's domain, in the group "<org>:docker-scim-test".
func pushTestUser(owner *readBackScreen, console client.SandboxConsole, in readBackInput) tea.Cmd {
	domain := "example.com"
	if len(in.conn.Domains) > 0 {
		domain = in.conn.Domains[0]
	}
	return func() tea.Msg {
		id := make([]byte, 3)
		_, _ = rand.Read(id)
		req := client.PushRequest{
			Users: []client.PushUser{{UserName: "docker-scim-test-" + hex.EncodeToString(id) + "@" + domain, GivenName: "Test", FamilyName: "User"}},
			Group: in.org + ":" + testTeam,
		}
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		res, err := console.SimulatePush(ctx, in.creds, req)
		return pushedMsg{owner: owner, req: req, result: res, err: err}
	}
}
