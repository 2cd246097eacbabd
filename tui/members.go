package tui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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

// membersInput is what the members screen needs from the flow.
type membersInput struct {
	conn  client.Connection
	idp   steps.IdP
	creds client.SCIMCredentials
}

// membersScreen is the migration's last step: a live link report, member
// by member, refreshed as the IdP pushes, ending with JIT turned off.
type membersScreen struct {
	c       *common
	env     *flow.Env
	run     flow.Run
	conn    client.Connection
	km      membersKeys
	spinner spinner.Model

	report  *flow.LinkReport
	err     error
	loading bool
	// gen identifies the latest refresh timer; older ones are ignored.
	gen       int
	interval  time.Duration
	next      time.Duration
	lastStart time.Time
	// rateLimited says the next refresh waits for the rate limit.
	rateLimited bool

	// filter indexes membersFilters: which states the list shows.
	filter int
	cursor int

	pushing  bool
	pushNote string
	pushErr  error
	jitBusy  bool
	jitErr   error
	exported string
}

// membersFilters are the list's filters: everything, what is left to
// link, then one per state.
var membersFilters = append([][]flow.LinkState{nil, {flow.MemberWillLink, flow.MemberEmailMismatch}},
	func() [][]flow.LinkState {
		var out [][]flow.LinkState
		for _, s := range flow.LinkStates() {
			out = append(out, []flow.LinkState{s})
		}
		return out
	}()...)

func newMembersScreen(c *common, in membersInput) *membersScreen {
	env := c.cfg.Env
	return &membersScreen{
		c: c, env: env, run: flow.Run{Conn: in.conn, IdP: in.idp, Creds: in.creds}, conn: in.conn,
		km: newMembersKeys(), spinner: spinner.New(spinner.WithSpinner(spinner.Dot)),
	}
}

func (s *membersScreen) step() steps.StepID { return steps.StepReadBack }

func (s *membersScreen) keys() []key.Binding {
	k := s.km
	out := []key.Binding{k.up, k.down, k.filter, k.refresh}
	if s.env.SimulatesPush() && s.report != nil && !s.report.AllLinked() {
		out = append(out, k.push, k.pushAll)
	}
	if s.jitReady() && s.env.SetsJIT() {
		out = append(out, k.jitOff)
	}
	if s.report != nil {
		out = append(out, k.export)
	}
	return append(out, k.done)
}

// jitReady reports whether the report says JIT can be turned off now.
func (s *membersScreen) jitReady() bool {
	return s.report != nil && flow.AdviseJIT(*s.report, s.conn).Ready
}

func (s *membersScreen) Init() tea.Cmd { return s.refreshNow() }

// resume reads the report again when the screen is shown again.
func (s *membersScreen) resume() tea.Cmd { return s.refreshNow() }

// nextRefresh is the wait before the next read: 2 s after a change,
// doubling up to 30 s while nothing changes, never more than about one
// request a second on average (a 10,000-member report takes 151), and
// longer when the Hub's rate limit cannot pay for a read.
func (s *membersScreen) nextRefresh(changed bool, err error) (time.Duration, bool) {
	need := 2
	if s.report != nil {
		need = s.report.ReadRequests()
	}
	s.interval = max(flow.NextInterval(s.interval, changed), time.Duration(need)*time.Second)
	var rl client.RateLimit
	if s.env.ReadsHub() {
		rl = s.env.Hub.RateLimit()
	}
	return flow.PollDelay(s.interval, s.lastStart, rl, need, err, s.c.cfg.Now())
}

// refreshNow reads the report at once unless a read is in flight.
func (s *membersScreen) refreshNow() tea.Cmd {
	s.gen++
	if s.loading {
		return nil
	}
	s.loading, s.lastStart = true, s.c.cfg.Now()
	return tea.Batch(s.spinner.Tick, readLinksCmd(s, s.env, s.run))
}

// Messages of the members screen; each names its screen.
type (
	linksReadMsg struct {
		owner  *membersScreen
		report flow.LinkReport
		err    error
	}
	linksTickMsg struct {
		owner *membersScreen
		gen   int
	}
	linksPushedMsg struct {
		owner *membersScreen
		who   []string
		err   error
	}
	jitTurnedOffMsg struct {
		owner *membersScreen
		conn  client.Connection
		err   error
	}
	reportExportedMsg struct {
		owner *membersScreen
		path  string
		err   error
	}
	// membersDoneMsg: the admin leaves the members screen; conn is the
	// connection as it is now (JIT may be off).
	membersDoneMsg struct{ conn client.Connection }
	// openMembersMsg asks the root for the members screen.
	openMembersMsg struct{}
)

// advanceMembers moves the flow on for the members screen's messages: it
// opens the screen, and on leaving it goes to Done with the connection as
// it is now (back to the Done screen it was opened from, refreshed).
func (m Model) advanceMembers(msg tea.Msg) (tea.Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case openMembersMsg:
		next, cmd := m.push(newMembersScreen(m.c, membersInput{conn: m.session.Conn, idp: m.session.IdP, creds: m.session.Creds}))
		return next, cmd, true
	case membersDoneMsg:
		m.session.Conn = msg.conn
		if n := len(m.stack); n >= 2 {
			switch below := m.stack[n-2].(type) {
			case *doneScreen:
				m.stack = m.stack[: n-2 : n-2]
			case *readBackScreen:
				// Done straight from the members screen: the read-back
				// ran, and what it saw counts as if it had been finished.
				m.session.Run.RecordFeed(below.feed())
			}
		}
		next, cmd := m.push(newDoneScreen(m.c, m.summary()))
		return next, cmd, true
	}
	return m, nil, false
}

func (m linksReadMsg) ownerScreen() screen      { return m.owner }
func (m linksTickMsg) ownerScreen() screen      { return m.owner }
func (m linksPushedMsg) ownerScreen() screen    { return m.owner }
func (m jitTurnedOffMsg) ownerScreen() screen   { return m.owner }
func (m reportExportedMsg) ownerScreen() screen { return m.owner }

func (s *membersScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case linksReadMsg:
		s.loading = false
		changed := msg.err == nil && (s.report == nil || s.report.Counts != msg.report.Counts)
		if msg.err != nil {
			s.err = msg.err
		} else {
			s.err, s.report = nil, &msg.report
			s.cursor = min(s.cursor, max(len(s.rows())-1, 0))
		}
		s.next, s.rateLimited = s.nextRefresh(changed, msg.err)
		s.gen++
		return s, s.c.after(s.next, linksTickMsg{owner: s, gen: s.gen})
	case linksTickMsg:
		if msg.gen != s.gen {
			return s, nil
		}
		return s, s.refreshNow()
	case linksPushedMsg:
		s.pushing, s.pushErr = false, msg.err
		if msg.err == nil {
			s.pushNote = "The IdP simulator pushed " + someOf(msg.who, 3) + "."
			s.interval = 0
			return s, s.refreshNow()
		}
		return s, nil
	case jitTurnedOffMsg:
		s.jitBusy, s.jitErr = false, msg.err
		if msg.err == nil {
			s.conn = msg.conn
		}
		return s, nil
	case reportExportedMsg:
		if msg.err != nil {
			s.exported = msg.err.Error()
		} else {
			s.exported = "Report written to " + msg.path + " (.md and .json; no token in them)."
		}
		return s, nil
	case spinner.TickMsg:
		return s, tickSpinner(&s.spinner, s.loading || s.pushing || s.jitBusy, msg)
	case tea.KeyPressMsg:
		return s, s.onKey(msg)
	}
	return s, nil
}

func (s *membersScreen) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := s.km
	rows := s.rows()
	switch {
	case key.Matches(msg, k.up):
		s.cursor = max(s.cursor-1, 0)
	case key.Matches(msg, k.down):
		s.cursor = min(s.cursor+1, max(len(rows)-1, 0))
	case key.Matches(msg, k.filter):
		s.filter = (s.filter + 1) % len(membersFilters)
		s.cursor = 0
	case key.Matches(msg, k.refresh):
		s.interval = 0
		return s.refreshNow()
	case key.Matches(msg, k.push):
		if s.cursor < len(rows) && rows[s.cursor].member != nil {
			return s.pushCmd(*rows[s.cursor].member)
		}
	case key.Matches(msg, k.pushAll):
		if s.report != nil {
			return s.pushCmd(s.report.Only(flow.MemberWillLink, flow.MemberEmailMismatch).Members...)
		}
	case key.Matches(msg, k.jitOff):
		if s.jitReady() && s.env.SetsJIT() && !s.jitBusy {
			s.jitBusy, s.jitErr = true, nil
			return tea.Batch(s.spinner.Tick, turnOffJITCmd(s, s.env, *s.report, s.conn))
		}
	case key.Matches(msg, k.export):
		if s.report != nil {
			return exportReportCmd(s, membersReportPath(s.c.cfg.ExportDir, s.c.cfg.Env.Org, s.c.cfg.Now()), *s.report)
		}
	case key.Matches(msg, k.done):
		return emit(membersDoneMsg{conn: s.conn})
	}
	return nil
}

// pushCmd has the IdP simulator push members (those left to link).
func (s *membersScreen) pushCmd(members ...flow.MemberLink) tea.Cmd {
	if !s.env.SimulatesPush() || s.pushing {
		return nil
	}
	var who []string
	for _, m := range members {
		if _, ok := flow.RehearsalPush(m); ok {
			who = append(who, m.Email)
		}
	}
	if len(who) == 0 {
		s.pushNote, s.pushErr = "Nothing to push: that member is linked or outside SCIM.", nil
		return nil
	}
	s.pushing, s.pushNote, s.pushErr = true, "", nil
	env, creds := s.env, s.run.Creds
	return tea.Batch(s.spinner.Tick, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		_, err := flow.PushToLink(ctx, env, creds, members...)
		return linksPushedMsg{owner: s, who: who, err: err}
	})
}

func readLinksCmd(owner *membersScreen, env *flow.Env, run flow.Run) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		r, err := flow.ReadLinks(ctx, env, &run)
		return linksReadMsg{owner: owner, report: r, err: err}
	}
}

func turnOffJITCmd(owner *membersScreen, env *flow.Env, report flow.LinkReport, conn client.Connection) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		c, err := flow.TurnOffJIT(ctx, env, report, conn)
		return jitTurnedOffMsg{owner: owner, conn: c, err: err}
	}
}

// membersReportPath is the export's file name (without extension) in dir.
func membersReportPath(dir, org string, at time.Time) string {
	return filepath.Join(dir, fmt.Sprintf("docker-scim-members-%s-%s", unsafeName.ReplaceAllString(org, "_"), at.UTC().Format("20060102-150405")))
}

// exportReportCmd writes the report as base.md and base.json (0600, never
// over an existing file: base-2… when taken).
func exportReportCmd(owner *membersScreen, base string, r flow.LinkReport) tea.Cmd {
	return func() tea.Msg {
		js, err := r.JSON()
		if err != nil {
			return reportExportedMsg{owner: owner, err: err}
		}
		name := base
		for n := 2; n < 100; n++ {
			if !exists(name+".md") && !exists(name+".json") {
				break
			}
			name = fmt.Sprintf("%s-%d", base, n)
		}
		for _, f := range []struct {
			ext  string
			data []byte
		}{{".md", []byte(r.Markdown())}, {".json", js}} {
			if err := writeNew(name+f.ext, f.data); err != nil {
				return reportExportedMsg{owner: owner, err: fmt.Errorf("export the link report: %w", err)}
			}
		}
		return reportExportedMsg{owner: owner, path: name}
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// memberRow is one line of the list: a member or a SCIM user.
type memberRow struct {
	state  flow.LinkState
	member *flow.MemberLink
	scim   *flow.SCIMUserLink
}

// rows are the report's lines under the current filter.
func (s *membersScreen) rows() []memberRow {
	if s.report == nil {
		return nil
	}
	r := *s.report
	if f := membersFilters[s.filter]; f != nil {
		r = r.Only(f...)
	}
	out := make([]memberRow, 0, len(r.Members)+len(r.SCIMOnly))
	for i := range r.Members {
		out = append(out, memberRow{state: r.Members[i].State, member: &r.Members[i]})
	}
	for i := range r.SCIMOnly {
		out = append(out, memberRow{state: r.SCIMOnly[i].State, scim: &r.SCIMOnly[i]})
	}
	return out
}

// filterLabel names the current filter.
func (s *membersScreen) filterLabel() string {
	switch f := membersFilters[s.filter]; len(f) {
	case 0:
		return "all"
	case 1:
		return f[0].Label()
	}
	return "left to link"
}

// stateMark is the list's mark for a state.
func (s *membersScreen) stateMark(st flow.LinkState) string {
	sty := s.c.styles
	switch st {
	case flow.MemberLinked:
		return sty.ok.Render("✓")
	case flow.MemberWillLink:
		return sty.warn.Render("○")
	case flow.MemberEmailMismatch:
		return sty.err.Render("!")
	case flow.SCIMUserDeactivated:
		return sty.subtle.Render("×")
	}
	return sty.subtle.Render("–")
}

// rowText is a row without its mark and cursor.
func rowText(r memberRow) string {
	if m := r.member; m != nil {
		switch m.State {
		case flow.MemberLinked:
			return fmt.Sprintf("%s  %s  linked as %s", m.Username, m.Email, m.SCIMUser.Name)
		case flow.MemberEmailMismatch:
			var names []string
			for _, l := range m.LookAlikes {
				names = append(names, l.UserName+" ("+l.Match+")")
			}
			return fmt.Sprintf("%s  %s  looks like %s", m.Username, m.Email, strings.Join(names, ", "))
		case flow.MemberOutsideSCIM:
			return fmt.Sprintf("%s  %s  guest", m.Username, m.Email)
		}
		return fmt.Sprintf("%s  %s  will link", m.Username, m.Email)
	}
	state := "SCIM user, not a member"
	if r.state == flow.SCIMUserDeactivated {
		state = "SCIM user, deactivated"
	}
	return fmt.Sprintf("%s  %s", r.scim.UserName, state)
}

func (s *membersScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	status := fmt.Sprintf("next check in %s", s.next.Round(time.Second))
	if s.rateLimited {
		status = "waiting for the rate limit: " + status
	}
	if s.loading {
		status = s.spinner.View() + " checking…"
	}
	if s.report == nil {
		if s.err != nil {
			return st.header.Render("Members linked to SCIM") + "\n" + errorPanel(st, s.err, w)
		}
		return st.header.Render("Members linked to SCIM") + "\n" + st.subtle.Render(status)
	}
	r := *s.report
	head := st.wrapIn(st.warn, r.Headline(), w)
	if r.AllLinked() {
		head = st.wrapIn(st.ok, "✓ "+r.Headline(), w)
	}
	c := r.Counts
	top := head + "\n" + st.wrapIn(st.subtle, fmt.Sprintf("Will link %d · mismatch %d · guests %d · linked %d · SCIM only %d · filter: %s · %s",
		c.WillLink, c.EmailMismatch, c.OutsideSCIM, c.Linked, c.Pending+c.Deactivated, s.filterLabel(), status), w) + "\n"
	if s.err != nil {
		top += st.wrapIn(st.err, "Last check failed: "+s.err.Error(), w) + "\n"
	}
	// The list gets the rows the rest leaves; on a short window the
	// explanation of the selected row and the sandbox hint go first.
	detail, next := s.detailView(w), s.nextStepView(w, true)
	rows := func() int { return s.c.bodyRows - lineCount(top) - lineCount(detail) - lineCount(next) }
	if rows() < 3 {
		detail = ""
	}
	if rows() < 3 {
		next = s.nextStepView(w, false)
	}
	return strings.TrimRight(top+"\n"+s.listView(w, max(rows(), 3))+detail+next, "\n")
}

// listView is the rows under the filter, n lines at most, scrolled to
// show the cursor.
func (s *membersScreen) listView(w, n int) string {
	st := s.c.styles
	rows := s.rows()
	if len(rows) == 0 {
		return st.subtle.Render("  Nothing in this state.") + "\n"
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		cur, line := "  ", ansi.Truncate(rowText(r), w-4, "…")
		if i == s.cursor {
			cur, line = st.selected.Render("▸ "), st.selected.Render(line)
		}
		lines[i] = cur + s.stateMark(r.state) + " " + line
	}
	view, _ := scrollWindow(st, lines, scrollTo(0, s.cursor, s.cursor+1, n, len(lines)), n)
	return view + "\n"
}

// detailView explains the selected row's state.
func (s *membersScreen) detailView(w int) string {
	rows := s.rows()
	if s.cursor >= len(rows) {
		return ""
	}
	st := s.c.styles
	state := rows[s.cursor].state
	text := state.Label() + ": " + state.Meaning(s.run.IdP)
	if state == flow.MemberWillLink && s.report.Assign.Text != "" {
		text += " " + s.report.Assign.Text
	}
	return "\n" + st.wrap(text, w) + "\n"
}

// nextStepView is the migration's last step, and (full) the sandbox's
// actions and the export's outcome.
func (s *membersScreen) nextStepView(w int, full bool) string {
	st := s.c.styles
	var b strings.Builder
	advice := flow.AdviseJIT(*s.report, s.conn)
	b.WriteString("\n")
	switch {
	case s.jitBusy:
		b.WriteString(s.spinner.View() + " Turning JIT provisioning off…\n")
	case advice.Done:
		b.WriteString(st.ok.Render("✓ ") + st.wrap(advice.Text, w-2) + "\n")
	case advice.Ready && s.env.SetsJIT():
		b.WriteString(st.wrap(advice.Text+" Press **t** to do it now through the console API.", w) + "\n")
	default:
		b.WriteString(st.wrap(advice.Text, w) + "\n")
	}
	if s.jitErr != nil {
		b.WriteString(errorPanel(st, s.jitErr, w) + "\n")
	}
	if !full {
		return b.String()
	}
	switch {
	case s.pushing:
		b.WriteString(s.spinner.View() + " The IdP simulator is pushing…\n")
	case s.pushErr != nil:
		b.WriteString(errorPanel(st, s.pushErr, w) + "\n")
	case s.pushNote != "":
		b.WriteString(st.wrapIn(st.subtle, s.pushNote, w) + "\n")
	case s.env.SimulatesPush() && !s.report.AllLinked():
		b.WriteString(st.wrapIn(st.subtle, "**p** has the IdP simulator push the selected member as the IdP would once you fix it there; **a** pushes all left to link.", w) + "\n")
	}
	if s.exported != "" {
		b.WriteString(st.wrapIn(st.subtle, s.exported, w) + "\n")
	}
	return b.String()
}
