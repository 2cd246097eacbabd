// Package tui is the wizard's terminal interface: one small Bubble Tea model
// per screen, composed by the root Model, which alone returns a tea.View.
// Every side effect (HTTP, clipboard) runs in a tea.Cmd; Update is pure.
package tui

import (
	"regexp"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// Clipboard is the native clipboard (github.com/atotto/clipboard in the
// binary, a fake in tests).
type Clipboard interface {
	WriteAll(text string) error
	ReadAll() (string, error)
}

// ClipboardMode chooses how `c` copies.
type ClipboardMode string

// Clipboard modes: native first then OSC 52, native only, or OSC 52 only.
const (
	ClipboardAuto   ClipboardMode = "auto"
	ClipboardNative ClipboardMode = "native"
	ClipboardOSC52  ClipboardMode = "osc52"
)

// Config is what the wizard needs from main.
type Config struct {
	// Env is where the run happens (the organization, real Docker or the
	// sandbox); the screens offer what its capabilities allow.
	Env *flow.Env
	// Clipboard is the native clipboard; nil means none.
	Clipboard Clipboard
	// ClipboardMode chooses the copy path; empty means auto.
	ClipboardMode ClipboardMode
	// OpenURL opens a link in the browser; nil (under SSH, or with no
	// browser) means the wizard shows the URL instead.
	OpenURL func(url string) error
	// Preset holds values given on the command line; the wizard fills them
	// in and still lets the admin change them.
	Preset Preset
	// InTmux is true when the terminal is tmux (for the OSC 52 hint).
	InTmux bool
	// StateDir is where progress is saved after every change (0600);
	// empty disables saving and resuming. See DefaultStateDir.
	StateDir string
	// ExportDir is where `e` writes the runbook; empty means the current
	// directory.
	ExportDir string
	// EntraGraph, when set, offers "Configure Entra for me" on the Entra
	// checklist: the items are done through Microsoft Graph.
	EntraGraph *flow.EntraGraph
	// Warnings are what the command line said before the wizard started
	// (no Docker Hub credentials, a sign-in problem…): the first screen
	// shows them, since the full screen hides what was printed before it.
	Warnings []string
	// RetryNotices carries the clients' retry notices (client.WithRetryNotice):
	// each one is shown as the screen's notice, so a long wait (a stall, a
	// 503, a rate limit) is never silent. Nil means none.
	RetryNotices <-chan client.RetryNotice
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// After delivers msg after d; nil means tea.Tick. Tests replace it to
	// fire timers by hand instead of sleeping.
	After func(d time.Duration, msg tea.Msg) tea.Cmd
}

// after delivers msg after d through the configured scheduler.
func (c *common) after(d time.Duration, msg tea.Msg) tea.Cmd {
	if c.cfg.After != nil {
		return c.cfg.After(d, msg)
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// Preset is what the command line already answered.
type Preset struct {
	// Connection names the SSO connection (its name on real Docker, its
	// name or id on the sandbox), with its type and IdP when known.
	Connection client.Connection
	// IdP is the identity provider, when given.
	IdP steps.IdP
	// Credentials are a SCIM Base URL and API Token given on the command
	// line (token from stdin or the environment only).
	Credentials client.SCIMCredentials
}

// hubSignInHow says how to give the wizard a Docker Hub sign-in, which it
// reads only at start.
const hubSignInHow = "quit, then start again with an organization access token in DOCKER_SCIM_HUB_TOKEN " +
	"(or piped with --hub-token-stdin), or after `docker login`."

// common is shared by every screen: the configuration, the window size and
// the styles.
type common struct {
	cfg    Config
	width  int
	height int
	// bodyRows is how many lines the current screen may take: the root
	// sets it from the window, its footer and its notice before every
	// Update and View.
	bodyRows int
	styles   styles
}

// progressColor fills progress bars; it reads on light and dark backgrounds.
var progressColor = lipgloss.Color("#2496ED")

// styles are the wizard's lipgloss styles.
type styles struct {
	title, header, subtle, bold, selected, ok, warn, err, box lipgloss.Style
	help                                                      help.Styles
}

func newStyles(isDark bool) styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#0B5FD6"), lipgloss.Color("#4FA3FF"))
	return styles{
		title:    lipgloss.NewStyle().Bold(true).Foreground(accent),
		header:   lipgloss.NewStyle().Bold(true),
		subtle:   lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9A9A9A"))),
		bold:     lipgloss.NewStyle().Bold(true),
		selected: lipgloss.NewStyle().Bold(true).Foreground(accent),
		ok:       lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#3FB950"))),
		warn:     lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#9A6700"), lipgloss.Color("#D29922"))),
		err:      lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#CF222E"), lipgloss.Color("#F85149"))),
		box:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1),
		help:     helpStyles(ld),
	}
}

// helpStyles are the footer's styles: keys and descriptions with enough
// contrast on dark and light backgrounds (bubbles' defaults are dim).
func helpStyles(ld lipgloss.LightDarkFunc) help.Styles {
	key := lipgloss.NewStyle().Bold(true).Foreground(ld(lipgloss.Color("#1F1F1F"), lipgloss.Color("#E6E6E6")))
	desc := lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#4A4A4A"), lipgloss.Color("#B8B8B8")))
	sep := lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#8A8A8A"), lipgloss.Color("#7A7A7A")))
	return help.Styles{ShortKey: key, ShortDesc: desc, ShortSeparator: sep, Ellipsis: sep,
		FullKey: key, FullDesc: desc, FullSeparator: sep}
}

// rich renders text whose UI labels are marked **bold**.
func (s styles) rich(text string) string {
	return steps.RenderBold(text, func(t string) string { return s.bold.Render(t) })
}

// wrap renders rich text wrapped to width. URLs, email addresses and
// `commands` are never broken at a hyphen or a space (only a URL longer
// than the whole width is cut, at the width); commands lose their
// backticks.
func (s styles) wrap(text string, width int) string {
	return unprotect(ansi.Wrap(s.rich(protect(text)), width, ""))
}

// Stand-ins that ansi.Wrap does not break at, for the hyphens and spaces of
// text that must stay whole.
const (
	keptHyphen = '\u2011' // non-breaking hyphen
	keptSpace  = '\u00a0' // no-break space
)

var (
	wholeRun = regexp.MustCompile(`\S*://\S+|[^\s@]+@[^\s@]+\.[^\s@]+`)
)

// protect marks the hyphens and spaces of URLs, emails and `commands` so
// that wrapping keeps them whole.
func protect(text string) string {
	keep := func(s string) string {
		return strings.NewReplacer("-", string(keptHyphen), " ", string(keptSpace)).Replace(s)
	}
	text = steps.RenderCode(text, keep)
	return wholeRun.ReplaceAllStringFunc(text, keep)
}

// unprotect restores what protect marked.
func unprotect(text string) string {
	return strings.NewReplacer(string(keptHyphen), "-", string(keptSpace), " ").Replace(text)
}

// wrapIn wraps rich text to width and paints each line with style (a
// multi-line Render would pad every line with trailing spaces).
func (s styles) wrapIn(style lipgloss.Style, text string, width int) string {
	lines := strings.Split(s.wrap(text, width), "\n")
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return strings.Join(lines, "\n")
}

// contentWidth is the usable width for screen bodies.
func (c *common) contentWidth() int {
	w := c.width - 4
	if w < 20 {
		w = 20
	}
	if w > 100 {
		w = 100
	}
	return w
}

// tickSpinner advances sp on a tick while active is true. An inactive
// spinner drops the tick and returns no command, which ends its tick loop.
func tickSpinner(sp *spinner.Model, active bool, msg spinner.TickMsg) tea.Cmd {
	if !active {
		return nil
	}
	var cmd tea.Cmd
	*sp, cmd = sp.Update(msg)
	return cmd
}
