package tui

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
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

// readBackScreen is a live feed of the SCIM users that arrived since setup,
// the teams they are in (from their SCIM groups attribute and, when signed
// in to the Hub API, the audit log), and the audit log's events.
type readBackScreen struct {
	readBackKeys
	c       *common
	in      readBackInput
	scim    *client.SCIM
	scimErr error
	spinner spinner.Model

	// users are newest first, as the client returns them; teams is worked
	// out from users and audit once per poll, never in View.
	users     []client.User
	teams     []flow.TeamRow
	audit     []client.AuditLog
	auditErr  error
	userPoll  poller
	auditPoll poller
	pushing   bool
	pushed    *pushedMsg
	testSteps []steps.Item
}

func newReadBackScreen(c *common, in readBackInput) *readBackScreen {
	s := &readBackScreen{readBackKeys: newReadBackKeys(),
		c:       c,
		in:      in,
		spinner: spinner.New(spinner.WithSpinner(spinner.Dot)),
	}
	s.scim, s.scimErr = c.cfg.Env.SCIM(in.creds)
	if cl, err := steps.ChecklistFor(in.idp, flow.ConnectionType(in.conn.Type)); err == nil {
		s.testSteps = cl.TestItems()
	}
	return s
}

func (s *readBackScreen) step() steps.StepID { return steps.StepReadBack }

func (s *readBackScreen) keys() []key.Binding {
	ks := []key.Binding{s.pollNow}
	if s.c.cfg.Env.SimulatesPush() {
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
	return s.c.cfg.Env.ReadsHub()
}

// pollSoon resets r's backoff and polls it now, or when the 2 s spacing and
// the rate limit allow. A poll in flight is not doubled.
func (s *readBackScreen) pollSoon(r resource) tea.Cmd {
	p := s.poller(r)
	if !s.enabled(r) || s.waiting(p) {
		return nil
	}
	p.interval = flow.MinPoll
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
	p.next, p.nextAt = d, s.c.cfg.Now().Add(d)
	if d <= 0 {
		return s.start(r)
	}
	return s.c.after(d, pollMsg{owner: s, res: r, gen: p.gen})
}

func (s *readBackScreen) rateLimit(r resource) client.RateLimit {
	if r == resUsers {
		return s.scim.RateLimit()
	}
	return s.c.cfg.Env.Hub.RateLimit()
}

// start sends r's poll request.
func (s *readBackScreen) start(r resource) tea.Cmd {
	p := s.poller(r)
	p.inFlight, p.lastStart = true, s.c.cfg.Now()
	if r == resUsers {
		return pollUsers(s, s.scim, s.in.since)
	}
	return pollAudit(s, s.c.cfg.Env.Hub, s.in.org, s.in.since)
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
			if s.c.cfg.Env.SimulatesPush() && !s.pushing {
				s.pushing = true
				return s, tea.Batch(s.spinner.Tick, pushTestUser(s, s.c.cfg.Env, s.in))
			}
		case key.Matches(msg, s.members):
			return s, emit(openMembersMsg{})
		case key.Matches(msg, s.finish):
			return s, emit(readBackDoneMsg{feed: s.feed()})
		}
	}
	return s, nil
}

// feed is what the read-back has seen so far.
func (s *readBackScreen) feed() flow.Feed {
	return flow.Feed{Users: s.users, Teams: s.teams, Audit: s.audit, AuditErr: s.auditErr}
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
			s.users, fp = msg.users, flow.UsersFingerprint(msg.users)
			p.requests = msg.requests
		} else {
			s.audit, s.auditErr = msg.audit, msg.auditErr
			fp = fmt.Sprintf("audit:%d", len(msg.audit))
		}
		changed, p.fingerprint = fp != p.fingerprint, fp
		s.teams = flow.TeamsOf(s.in.org, s.users, s.audit)
	}
	p.interval = flow.NextInterval(p.interval, changed)
	return s.schedule(msg.res, s.nextDelay(p, p.interval, msg.rl, cmp.Or(msg.err, msg.auditErr)))
}

// nextDelay is pollDelay for p, noting in p whether the wait is the rate
// limit's (the status line says so).
func (s *readBackScreen) nextDelay(p *poller, interval time.Duration, rl client.RateLimit, err error) time.Duration {
	d, limited := flow.PollDelay(interval, p.lastStart, rl, max(p.requests, 1), err, s.c.cfg.Now())
	p.rateLimited = limited
	return d
}

func (s *readBackScreen) busy() bool {
	return s.pushing || s.userPoll.inFlight || s.auditPoll.inFlight
}

// someOf joins the first n names, and says how many more there are.
func someOf(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
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
	// The clock (time.Now in the wizard) gives local time already; the
	// process's time zone is not read here, so a frame depends only on the clock.
	at := p.nextAt.Format("15:04:05")
	if p.rateLimited {
		return "waiting for the rate limit: next check at " + at
	}
	return "next check at " + at
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
	if s.c.cfg.Env.ReadsHub() {
		status := "audit log: " + s.status(resAudit)
		if ansi.StringWidth(b.String())+2+ansi.StringWidth(status) > w {
			b.WriteString("\n" + st.subtle.Render(status))
		} else {
			b.WriteString(st.subtle.Render("  " + status))
		}
	}
	b.WriteString("\n")
	for i, t := range s.teams {
		if i == s.rows() {
			b.WriteString(st.subtle.Render(fmt.Sprintf("  …and %d more", len(s.teams)-s.rows())) + "\n")
			break
		}
		b.WriteString(st.wrap(fmt.Sprintf("%s %s:%s  %s", st.ok.Render("✓"), s.in.org, t.Name,
			st.subtle.Render(someOf(t.Users, 3))), w) + "\n")
	}
	if !s.c.cfg.Env.ReadsHub() {
		return b.String() + st.wrapIn(st.subtle, "To see the audit log too: "+hubSignInHow, w) + "\n"
	}
	if s.auditPoll.err != nil {
		b.WriteString(errorPanel(st, s.auditPoll.err, w) + "\n")
	}
	if line := flow.AuditSummary(s.audit, s.auditErr); line != "" {
		b.WriteString(st.wrapIn(st.subtle, line, w) + "\n")
	}
	return b.String()
}

func (s *readBackScreen) pushView(w int) string {
	st := s.c.styles
	switch {
	case s.pushing:
		return "\n" + s.spinner.View() + " Asking the IdP simulator to push a test user…"
	case s.pushed == nil:
		if s.c.cfg.Env.SimulatesPush() {
			return "\n" + st.wrap("Press **p** to have the IdP simulator push a test user and a group.", w)
		}
		return ""
	case s.pushed.err != nil:
		return "\n" + errorPanel(st, s.pushed.err, w)
	}
	return "\n" + st.wrap(fmt.Sprintf("The IdP simulator pushed the user **%s** and the group **%s**.",
		s.pushed.req.Users[0].UserName, s.pushed.req.Group), w)
}

// resource is something the read-back screen polls.
type resource int

const (
	resUsers resource = iota
	// resAudit is the audit log since setup (Hub API).
	resAudit
)

// poller is the polling state of one resource.
type poller struct {
	interval time.Duration
	next     time.Duration // the delay last scheduled
	// nextAt is when the next poll is due, for the status line (a fixed
	// time, not a countdown that would stand still between frames).
	nextAt    time.Time
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

// pollUsers reads the SCIM users created or changed since since (newest
// first; one request when nothing is new). SCIM timestamps have whole
// seconds, so since is truncated to the second: a user created in the same
// second as setup still counts.
func pollUsers(owner *readBackScreen, scim *client.SCIM, since time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		rb, err := flow.ReadUsers(ctx, scim, since)
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
		audit, auditErr := flow.ReadAudit(ctx, hub, org, since)
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

// pushTestUser has the environment's IdP simulator push a new test user
// at the connection's domain, in the group "<org>:docker-scim-test".
func pushTestUser(owner *readBackScreen, env *flow.Env, in readBackInput) tea.Cmd {
	req := flow.TestPush(in.org, in.conn)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		res, err := flow.PushTestUser(ctx, env, in.creds, req)
		return pushedMsg{owner: owner, req: req, result: res, err: err}
	}
}
