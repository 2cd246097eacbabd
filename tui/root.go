package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// Minimum terminal size the wizard lays out for.
const (
	minWidth  = 60
	minHeight = 20
)

// screen is one step of the wizard. Screens return strings; only the root
// builds a tea.View.
type screen interface {
	Init() tea.Cmd
	Update(msg tea.Msg) (screen, tea.Cmd)
	View() string
	// step is the flow step the screen belongs to.
	step() steps.StepID
	// keys are the screen's own bindings, for the footer.
	keys() []key.Binding
}

// fullKeyer is a screen with more keys than its footer shows: the full
// help (?) lists them all.
type fullKeyer interface {
	fullKeys() []key.Binding
}

// typingScreen is a screen with a focused text input: q, ? and esc reach it
// as typed text instead of acting globally when typing reports true.
type typingScreen interface {
	typing() bool
}

// ownedMsg is a command's result for the screen that started it: it is
// delivered to that screen wherever it is on the stack (the admin may have
// gone back meanwhile), and dropped once the screen is gone.
type ownedMsg interface {
	ownerScreen() screen
}

// resumer is a screen that restarts work (polling) when it is shown again
// after the screen above it was closed.
type resumer interface {
	resume() tea.Cmd
}

// session is the run (what the admin chose and what Docker answered) and
// what only the wizard keeps.
type session struct {
	flow.Run
	// checkedSeq is the seq of the newest checkedMsg applied.
	checkedSeq int
	// secured is true once the API Token was copied to the native clipboard
	// or revealed.
	secured bool
	// sentOSC52 is true once the API Token was sent to the terminal's
	// clipboard, which the wizard cannot confirm.
	sentOSC52 bool
	// onClipboard is the token while it is on the native clipboard; it is
	// cleared from there before the wizard exits.
	onClipboard client.Secret
	// runbook is where the last runbook export went.
	runbook string
	// refreshed is true once this session refreshed a working API Token.
	refreshed bool
	// draft is what the guided Setup SCIM screen's fields held when the
	// admin went back from it, so coming forward again loses nothing
	// typed (memory only, like every secret).
	draft guidedDraft
}

// Model is the root of the wizard.
type Model struct {
	c           *common
	global      globalKeys
	help        help.Model
	stack       []screen
	session     session
	confirmQuit bool
	finishing   bool
	notice      string
	// scroll is the first line shown of a screen too tall for the window.
	scroll int
}

// New returns the wizard, starting at the SSO connection screen.
func New(cfg Config) Model {
	if cfg.ClipboardMode == "" {
		cfg.ClipboardMode = ClipboardAuto
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Env == nil {
		cfg.Env = &flow.Env{}
	}
	c := &common{cfg: cfg, width: 80, height: 24, styles: newStyles(true)}
	h := help.New()
	h.Styles = c.styles.help
	return Model{c: c, global: newGlobalKeys(), help: h, stack: []screen{firstScreen(c)}, notice: strings.Join(cfg.Warnings, " ")}
}

// ExitSummary is what the wizard leaves in the terminal after it ends (the
// full screen takes everything else with it): what was set up, where the
// runbook is, and what is left. It never holds a secret.
func (m Model) ExitSummary() []string {
	run := m.session.Run
	if run.Conn.Name == "" {
		return nil
	}
	var out []string
	top := m.top().step()
	if top != steps.StepDone {
		n, total := steps.Position(top)
		line := fmt.Sprintf("Stopped at step %d of %d (%s) on %s.", n, total, steps.Title(top), run.Conn.Name)
		if m.c.cfg.StateDir != "" {
			line += " Progress is saved: run docker-scim again to resume."
		}
		out = append(out, line)
	}
	if run.Creds.BaseURL != "" {
		out = append(out, fmt.Sprintf("SCIM on %s (%s): SCIM Base URL %s.", run.Conn.Name, m.c.cfg.Env.Org, run.Creds.BaseURL))
	}
	if run.Probe != nil {
		out = append(out, fmt.Sprintf("Verified: %s.", verdictLine(*run.Probe)))
	}
	if run.IdP != "" && top == steps.StepDone {
		sum := m.summary()
		out = append(out, fmt.Sprintf("%s checklist: %d of %d items ticked.", shortLabel(run.IdP), sum.done, sum.total))
		if len(sum.left) > 0 {
			out = append(out, fmt.Sprintf("Left to do: %s (the runbook lists them).", plural(len(sum.left), "required checklist item")))
		}
		if m.session.refreshed {
			out = append(out, "Left to do: paste the new API Token into "+shortLabel(run.IdP)+" (it was refreshed).")
		}
	}
	if m.session.runbook != "" {
		out = append(out, "Runbook: "+m.session.runbook)
	}
	return out
}

// firstScreen lists the connections where the environment can; against
// real Docker, which has no API for them, it asks for the connection.
func firstScreen(c *common) screen {
	if c.cfg.Env.ListsConnections() {
		return newConnectionsScreen(c)
	}
	return newConnectionFormScreen(c, c.cfg.Preset.Connection)
}

// Init starts the first screen and looks for saved progress.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.top().Init(), tea.RequestBackgroundColor}
	if m.c.cfg.StateDir != "" {
		cmds = append(cmds, loadStateCmd(m.c.cfg.StateDir, m.c.cfg.Now()))
	}
	if m.c.cfg.RetryNotices != nil {
		cmds = append(cmds, waitRetryNotice(m.c.cfg.RetryNotices))
	}
	return tea.Batch(cmds...)
}

// retryNoticeMsg is a retry the client is making (see Config.RetryNotices).
type retryNoticeMsg struct{ notice client.RetryNotice }

// waitRetryNotice delivers the next retry notice; nil when the channel is
// closed.
func waitRetryNotice(ch <-chan client.RetryNotice) tea.Cmd {
	return func() tea.Msg {
		n, ok := <-ch
		if !ok {
			return nil
		}
		return retryNoticeMsg{notice: n}
	}
}

func (m Model) top() screen { return m.stack[len(m.stack)-1] }

func (m Model) typing() bool {
	t, ok := m.top().(typingScreen)
	return ok && t.typing()
}

// Update handles global keys and flow messages, and passes everything else to
// the current screen.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.measure()
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		m.measure()
		return m, nil
	case tea.BackgroundColorMsg:
		m.c.styles = newStyles(msg.IsDark())
		m.help.Styles = m.c.styles.help
		return m, nil
	case retryNoticeMsg:
		m.notice = msg.notice.String()
		return m, waitRetryNotice(m.c.cfg.RetryNotices)
	case tea.KeyPressMsg:
		if m.confirmQuit {
			return m.updateConfirmQuit(msg)
		}
		if msg.String() == "ctrl+c" {
			return m.quit(tea.Interrupt)
		}
		if m.tooSmall() {
			// Nothing is shown: only quitting may act.
			if key.Matches(msg, m.global.Quit) {
				return m.quit(tea.Quit)
			}
			return m, nil
		}
		if next, ok := m.scrollBody(msg); ok {
			return next, nil
		}
		if !m.typing() {
			switch {
			case key.Matches(msg, m.global.Quit):
				return m.quit(tea.Quit)
			case key.Matches(msg, m.global.Help):
				m.help.ShowAll = !m.help.ShowAll
				return m, nil
			case key.Matches(msg, m.global.Back):
				return m.back()
			}
		}
	case stateLoadedMsg:
		return m.onStateLoaded(msg)
	case stateSavedMsg:
		if msg.err != nil && !m.finishing {
			m.notice = msg.err.Error()
		}
		return m, nil
	case stateClearedMsg:
		if m.finishing {
			return m.quit(tea.Quit)
		}
		return m, nil
	case resumeMsg:
		if msg.gone {
			m.stack = m.stack[:1]
			m.notice = msg.notice
			return m, nil
		}
		next, cmd := m.resume(msg.state)
		nm := next.(Model)
		if msg.notice != "" {
			nm.notice = msg.notice
		}
		return nm, cmd
	case startOverMsg:
		m.stack = m.stack[:1]
		return m, nil
	case tea.PasteMsg:
		if m.tooSmall() {
			return m, nil
		}
	case copiedMsg:
		// Only a native copy is known to have arrived: an OSC 52 copy may be
		// dropped by the terminal (tmux's default drops it) unseen.
		if msg.label == labelToken && msg.path == copiedNative {
			m.session.secured = true
		}
		if msg.label == labelToken && msg.path == copiedOSC52 {
			m.session.sentOSC52 = true
		}
		cmd := m.forward(msg)
		if msg.label == labelToken && msg.path == copiedNative {
			m.session.onClipboard = m.session.Creds.Token
			// Clear the token from the native clipboard after a while, if it
			// is still there (checked when the timer fires).
			cmd = tea.Batch(cmd, m.c.after(clipboardTTL, clearClipboardMsg{token: m.session.Creds.Token}))
		}
		return m, cmd
	case clearClipboardMsg:
		return m, clearClipboardCmd(m.c.cfg.Clipboard, msg.token)
	case clipboardClearedMsg:
		m.session.onClipboard = client.Secret{}
		if msg.cleared {
			m.notice = "The API Token was cleared from the clipboard after 60 s."
		}
		return m, nil
	case tokenRevealedMsg:
		m.session.secured = true
		return m, nil
	case openURLMsg:
		return m, openURLCmd(m.c.cfg.OpenURL, msg.url)
	case exportRunbookMsg:
		at := m.c.cfg.Now()
		return m, writeRunbookCmd(runbookPath(m.c.cfg.ExportDir, m.c.cfg.Env.Org, at), m.runbook(at))
	case runbookWrittenMsg:
		if msg.err != nil {
			m.notice = msg.err.Error()
		} else {
			m.notice = "Runbook written to " + msg.path + " (it never contains the API Token)."
			m.session.runbook = msg.path
		}
		return m, nil
	case checkedMsg:
		if msg.seq <= m.session.checkedSeq {
			return m, nil // an older tick that arrived late
		}
		m.session.RecordChecked(msg.checked)
		m.session.checkedSeq = msg.seq
		return m, m.persist()
	case finishMsg:
		if m.c.cfg.StateDir == "" {
			return m.quit(tea.Quit)
		}
		m.finishing = true
		return m, clearStateCmd(m.c.cfg.StateDir)
	}
	if next, cmd, ok := m.advance(msg); ok {
		return next, cmd
	}
	if om, ok := msg.(ownedMsg); ok {
		return m, m.deliver(om)
	}
	return m, m.forward(msg)
}

// deliver passes an owned message to its screen, wherever it is.
func (m Model) deliver(msg ownedMsg) tea.Cmd {
	for i, s := range m.stack {
		if s == msg.ownerScreen() {
			next, cmd := s.Update(msg)
			m.stack[i] = next
			return cmd
		}
	}
	return nil
}

// back closes the current screen; the one below resumes its work.
func (m Model) back() (tea.Model, tea.Cmd) {
	if len(m.stack) <= 1 {
		return m, nil
	}
	if _, ok := m.top().(*resumeScreen); ok {
		// "Not now": the saved progress stays until something new is chosen.
		m.stack = m.stack[:len(m.stack)-1]
		return m, nil
	}
	if g, ok := m.top().(*guidedSetupScreen); ok {
		m.session.draft = g.draft()
	}
	m.stack = m.stack[:len(m.stack)-1]
	m.notice, m.scroll = "", 0
	m.session.Back(m.top().step())
	cmd := m.persist()
	if r, ok := m.top().(resumer); ok {
		cmd = tea.Batch(cmd, r.resume())
	}
	return m, cmd
}

// forward passes msg to the current screen.
func (m Model) forward(msg tea.Msg) tea.Cmd {
	s, cmd := m.top().Update(msg)
	m.stack[len(m.stack)-1] = s
	return cmd
}

// quit leaves at once, or asks first while the API Token was neither copied
// to the native clipboard nor revealed (the identity provider needs it next).
func (m Model) quit(how tea.Cmd) (tea.Model, tea.Cmd) {
	if !m.session.Creds.Token.IsZero() && !m.session.secured {
		m.confirmQuit = true
		return m, nil
	}
	return m, m.leave(how)
}

// leave ends the program with how, first taking the API Token off the
// native clipboard when the wizard put it there and it is still there.
func (m Model) leave(how tea.Cmd) tea.Cmd {
	if m.session.onClipboard.IsZero() {
		return how
	}
	return tea.Sequence(clearClipboardCmd(m.c.cfg.Clipboard, m.session.onClipboard), how)
}

func (m Model) updateConfirmQuit(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch msg.String() {
	case "ctrl+c":
		return m, m.leave(tea.Interrupt)
	case "y", "q":
		return m, m.leave(tea.Quit)
	case "n", "esc":
		m.confirmQuit = false
	}
	return m, nil
}

func (m Model) push(s screen) (tea.Model, tea.Cmd) {
	m.stack = append(m.stack[:len(m.stack):len(m.stack)], s)
	m.notice, m.scroll = "", 0
	return m, tea.Batch(s.Init(), m.persist())
}

func (m Model) pushChecklist() (tea.Model, tea.Cmd) {
	cl, err := steps.ChecklistFor(m.session.IdP, m.connType())
	if err != nil {
		m.notice = err.Error()
		return m, nil
	}
	s := newChecklistScreen(m.c, cl, m.session.Checked, m.session.checkedSeq)
	s.creds = m.session.Creds
	if g := m.c.cfg.EntraGraph; g != nil && m.session.IdP == steps.Entra && !m.session.Creds.Token.IsZero() {
		s.entra = newEntraAction(*g, flow.EntraSettings(m.c.cfg.Env.Org, m.session.Conn, m.session.Creds, *g))
	}
	return m.push(s)
}

// persist saves the progress when a state directory is configured.
func (m Model) persist() tea.Cmd {
	if m.c.cfg.StateDir == "" {
		return nil
	}
	return saveStateCmd(m.c.cfg.StateDir, savedState{
		Version:    stateVersion,
		Step:       m.top().step(),
		Org:        m.c.cfg.Env.Org,
		Sandbox:    m.c.cfg.Env.Sandbox,
		Connection: m.session.Conn,
		BaseURL:    m.session.Creds.BaseURL,
		IdP:        m.session.IdP,
		Checked:    m.session.Checked,
		SetupAt:    m.session.SetupAt,
		JITSaid:    m.session.JITSaid,
		Findings:   m.session.Findings,
		SavedAt:    m.c.cfg.Now().UTC(),
	})
}

func (m Model) onStateLoaded(msg stateLoadedMsg) (tea.Model, tea.Cmd) {
	switch {
	case msg.err != nil:
		m.notice = msg.err.Error()
	case msg.movedAside != "":
		m.notice = "Saved progress was unreadable; it was moved to " + msg.movedAside + " and the wizard starts afresh."
	case msg.state != nil && msg.state.Org == m.c.cfg.Env.Org && msg.state.Sandbox == m.c.cfg.Env.Sandbox && msg.state.Connection.Name != "":
		m.stack = append(m.stack[:len(m.stack):len(m.stack)], newResumeScreen(m.c, *msg.state))
	}
	return m, nil
}

// resume restores the saved choices and opens the step the admin left,
// except steps that need the API Token, which is never saved: those resume
// at Setup SCIM so the token can be issued or pasted again.
func (m Model) resume(st savedState) (tea.Model, tea.Cmd) {
	m.stack = m.stack[:1]
	m.session = session{Run: flow.Run{Conn: st.Connection, IdP: st.IdP, Checked: st.Checked, SetupAt: st.SetupAt,
		Creds: client.SCIMCredentials{BaseURL: st.BaseURL}, JITSaid: st.JITSaid, Findings: st.Findings}}
	switch st.Step {
	case steps.StepIdP:
		return m.push(newIdPScreen(m.c, st.IdP, m.connType()))
	case steps.StepChecklist, steps.StepDone:
		if st.IdP != "" {
			return m.pushChecklist()
		}
	case steps.StepConnection:
		return m, nil
	}
	return m.push(m.setupScreen())
}

// View renders the header, the current screen and the help footer.
func (m Model) View() tea.View {
	v := tea.NewView(m.content())
	v.AltScreen = true
	v.WindowTitle = "docker-scim"
	return v
}

func (m Model) content() string {
	st := m.c.styles
	if m.tooSmall() {
		return st.wrap(fmt.Sprintf("Terminal too small: docker-scim needs at least %d×%d, this one is %d×%d. Make it larger, or press q to quit.",
			minWidth, minHeight, m.c.width, m.c.height), max(m.c.width, 10))
	}
	top := m.top()
	n, total := steps.Position(top.step())
	header := st.title.Render("docker-scim") + st.subtle.Render(" · "+m.c.cfg.Env.Org)
	if m.c.cfg.Env.Sandbox {
		header += st.warn.Render(" · sandbox")
	}
	header = ansi.Truncate(header, m.c.width, "…")
	stepLine := st.header.Render(fmt.Sprintf("Step %d of %d: %s", n, total, steps.Title(top.step())))
	f := m.frame()
	parts := []string{header, stepLine, "", f.body, ""}
	if f.notice != "" {
		parts = append(parts, f.notice, "")
	}
	parts = append(parts, f.footer)
	return strings.Join(parts, "\n")
}

// frameParts is the screen's part of the frame, cut to fit, with the
// notice and footer below it.
type frameParts struct {
	body, notice, footer string
	// clipped is true when the body is taller than its rows: pgup/pgdown
	// scroll it.
	clipped bool
	// top is the first body line shown.
	top int
}

// frame lays out the screen between the header and the footer. The footer
// and the notice are whole; the screen gets the rows left (screens that
// scroll themselves read them from common.bodyRows) and, when still taller,
// is cut to a scroll window.
func (m Model) frame() frameParts {
	st := m.c.styles
	var f frameParts
	if m.notice != "" {
		f.notice = indent(st.wrapIn(st.warn, m.notice, m.c.contentWidth()), "  ")
	}
	f.footer = m.footer(false)
	m.c.bodyRows = m.bodyRows(f.footer, f.notice)
	body := m.top().View()
	if m.confirmQuit {
		body = m.confirmQuitView()
	}
	lines := strings.Split(body, "\n")
	if len(lines) > m.c.bodyRows {
		f.clipped = true
		f.footer = m.footer(true)
		m.c.bodyRows = m.bodyRows(f.footer, f.notice)
	}
	f.body, f.top = scrollWindow(st, lines, m.scroll, m.c.bodyRows)
	f.body = indent(f.body, "  ")
	return f
}

// measure sets the rows the screen gets, as the next frame will lay it out,
// so that screens scrolling themselves move by what they show.
func (m Model) measure() {
	if m.tooSmall() {
		return
	}
	notice := ""
	if m.notice != "" {
		notice = indent(m.c.styles.wrapIn(m.c.styles.warn, m.notice, m.c.contentWidth()), "  ")
	}
	m.c.bodyRows = m.bodyRows(m.footer(false), notice)
}

// bodyRows is how many lines the screen gets above notice and footer.
func (m Model) bodyRows(footer, notice string) int {
	rows := m.c.height - headerLines - 1 - lineCount(footer)
	if notice != "" {
		rows -= lineCount(notice) + 1
	}
	return max(3, rows)
}

// footer is the help for the screen's keys: every key on as many lines as
// it takes, or, after ?, the full help in columns. scrolling adds the keys
// that scroll a screen too tall for the window.
func (m Model) footer(scrolling bool) string {
	if m.confirmQuit {
		return shortFooter(m.help.Styles, confirmKeys(), m.c.width)
	}
	hk := helpKeys{screen: m.top().keys(), global: m.global, canGoBack: len(m.stack) > 1, typing: m.typing(), scrolling: scrolling}
	if m.help.ShowAll {
		if f, ok := m.top().(fullKeyer); ok {
			hk.screen = f.fullKeys()
		}
		return fullFooter(m.help.Styles, hk.FullHelp(), m.c.width)
	}
	return shortFooter(m.help.Styles, hk.ShortHelp(), m.c.width)
}

// scrollBody moves the root's scroll window over a screen too tall for the
// window by the key pressed; ok is false for other keys or when the screen
// fits.
func (m Model) scrollBody(msg tea.KeyPressMsg) (Model, bool) {
	var by int
	switch {
	case key.Matches(msg, m.global.PageUp):
		by = -1
	case key.Matches(msg, m.global.PageDown):
		by = 1
	default:
		return m, false
	}
	f := m.frame()
	if !f.clipped {
		return m, false
	}
	m.scroll = max(0, f.top+by*max(1, m.c.bodyRows-3))
	return m, true
}

// tooSmall reports whether the window is below the size the wizard lays
// out for: then only a message shows and only quitting works.
func (m Model) tooSmall() bool { return m.c.width < minWidth || m.c.height < minHeight }

// confirmQuitView asks whether to quit while the API Token may be lost.
func (m Model) confirmQuitView() string {
	st := m.c.styles
	w := m.c.contentWidth()
	if m.session.sentOSC52 {
		return st.warn.Render("Did pasting the API Token work?") + "\n" +
			st.wrap("It was sent to your terminal's clipboard (OSC 52), which the wizard cannot confirm: some terminals, "+
				"and tmux by default, drop it. Paste it somewhere first. "+steps.QuitWithTokenNotice(), w)
	}
	return st.warn.Render("The API Token has not been copied or revealed yet.") + "\n" +
		st.wrap(steps.QuitWithTokenNotice(), w)
}
