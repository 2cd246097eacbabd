package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docker-scim/docker-scim/client"

	"github.com/docker-scim/docker-scim/steps"
)

// restartWithSavedState starts a new wizard on dir's saved progress with the
// saved state read before the connection list has loaded, as happens when
// the disk answers before the network: the resume offer is on top when the
// list's answer arrives.
func restartWithSavedState(t *testing.T, dir string) *driver {
	t.Helper()
	d := start(t, stateConfig(t, dir), 80, 24)
	d.run(loadStateCmd(dir, testNow))
	if !strings.Contains(d.screen(), "Resume where you left off?") {
		t.Fatalf("no resume offer:\n%s", d.screen())
	}
	d.run(d.m.stack[0].Init())
	return d
}

// savedAtPreflight leaves saved progress at the preflight step in a new
// state directory.
func savedAtPreflight(t *testing.T) string {
	dir := t.TempDir()
	d := newDriver(t, stateConfig(t, dir), 80, 24)
	d.press("enter")
	if d.m.top().step() != steps.StepPreflight {
		t.Fatalf("not at preflight:\n%s", d.screen())
	}
	return dir
}

func TestStartOverShowsTheLoadedList(t *testing.T) {
	d := restartWithSavedState(t, savedAtPreflight(t))
	d.press("n")
	if s := d.screen(); strings.Contains(s, "Loading SSO connections") || !strings.Contains(s, "Okta SAML") {
		t.Fatalf("start over shows no connection list:\n%s", s)
	}
}

func TestNotNowKeepsSavedProgress(t *testing.T) {
	dir := savedAtPreflight(t)
	d := restartWithSavedState(t, dir)
	d.press("esc")
	if s := d.screen(); !strings.Contains(s, "Okta SAML") {
		t.Fatalf("esc on the resume offer shows no connection list:\n%s", s)
	}
	raw, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil || !strings.Contains(string(raw), "Okta SAML") {
		t.Fatalf("esc on the resume offer threw the saved progress away (%v):\n%s", err, raw)
	}
}

func TestBackToStartAfterResumeShowsTheList(t *testing.T) {
	d := restartWithSavedState(t, savedAtPreflight(t))
	d.press("enter")
	for d.m.top().step() != steps.StepConnection {
		d.press("esc")
	}
	if s := d.screen(); strings.Contains(s, "Loading SSO connections") || !strings.Contains(s, "Okta SAML") {
		t.Fatalf("back at step 1 after resuming, no connection list:\n%s", s)
	}
	d.press("enter")
	if d.m.top().step() != steps.StepPreflight {
		t.Fatalf("enter on the list does nothing:\n%s", d.screen())
	}
}

func TestOSC52CopyStillAsksBeforeQuitting(t *testing.T) {
	cfg := testConfig(seededConsole(), &fakeClipboard{})
	cfg.ClipboardMode = ClipboardOSC52
	d := newDriver(t, cfg, 80, 24)
	d.enterUntil(steps.StepCredentials)
	d.press("down", "c", "q")
	if d.quit {
		t.Fatal("q quit after an OSC 52 copy the wizard cannot confirm")
	}
	if s := d.screen(); !strings.Contains(s, "Did pasting the API Token work?") {
		t.Fatalf("the quit question does not ask about the OSC 52 copy:\n%s", s)
	}
	d.press("y")
	if !d.quit {
		t.Fatal("y did not quit")
	}
}

func TestNativeCopySecuresTheToken(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), &fakeClipboard{}), 80, 24)
	d.enterUntil(steps.StepCredentials)
	d.press("down", "c", "q")
	if !d.quit {
		t.Fatalf("q after a native copy asked again:\n%s", d.screen())
	}
}

func TestQuitQuestionFooterHasItsOwnKeys(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 80, 24)
	d.enterUntil(steps.StepCredentials)
	d.press("q")
	footer := lastLine(d.screen())
	if !strings.Contains(footer, "y quit") || !strings.Contains(footer, "n stay") || strings.Contains(footer, "continue") {
		t.Fatalf("quit question footer = %q", footer)
	}
}

func TestTooSmallOnlyQuits(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 50, 15)
	d.press("enter", "enter", "down", "space")
	d.paste("https://example.com")
	if got := d.m.top().step(); got != steps.StepConnection {
		t.Fatalf("keys acted on a hidden screen: now at %s", got)
	}
	d.press("q")
	if !d.quit {
		t.Fatal("q does not quit while the terminal is too small")
	}
}

// lastLine is the frame's last line (the footer).
func lastLine(frame string) string {
	lines := strings.Split(strings.TrimRight(frame, "\n"), "\n")
	return lines[len(lines)-1]
}

// requireWholeFrame fails when the frame is taller or wider than the
// window, or when a key of the screen's footer is not shown whole.
func requireWholeFrame(t *testing.T, d *driver, w, h int) {
	t.Helper()
	frame := d.screen()
	lines := strings.Split(frame, "\n")
	if len(lines) > h {
		t.Errorf("the frame has %d lines, the window %d:\n%s", len(lines), h, frame)
	}
	for _, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("a line is %d columns wide, the window %d: %q", n, w, l)
		}
	}
	hk := helpKeys{screen: d.m.top().keys(), global: d.m.global, canGoBack: len(d.m.stack) > 1, typing: d.m.typing()}
	if f, ok := d.m.top().(fullKeyer); ok && d.m.help.ShowAll {
		hk.screen = f.fullKeys()
	}
	if d.m.confirmQuit {
		return
	}
	for _, group := range hk.FullHelp() {
		for _, b := range group {
			item := regexp.QuoteMeta(b.Help().Key) + ` +` + regexp.QuoteMeta(b.Help().Desc)
			if !regexp.MustCompile(item).MatchString(frame) {
				t.Errorf("the footer does not show %q %q:\n%s", b.Help().Key, b.Help().Desc, frame)
			}
		}
	}
}

// guidedWizard runs the whole wizard on the guided path (real Docker's
// flow: the connection form, then the guided Setup SCIM screen).
func guidedWizard(t *testing.T) *driver {
	cfg := testConfig(nil, nil)
	d := newDriver(t, cfg, 80, 24)
	d.typeText("Okta SAML")
	d.press("enter")
	d.enterUntil(steps.StepSetupSCIM)
	return d
}

func TestGoingBackKeepsPastedValues(t *testing.T) {
	d := guidedWizard(t)
	d.paste(cleanURL)
	d.paste(guidedToken)
	if g := d.guided(); g.urlErr != nil || g.tokenErr != nil {
		t.Fatalf("paste not taken:\n%s", d.screen())
	}
	d.press("esc", "esc") // leave the field, then back to preflight
	if d.m.top().step() != steps.StepPreflight {
		t.Fatalf("not back at preflight:\n%s", d.screen())
	}
	d.press("enter")
	g := d.guided()
	if got := g.fields[guidedFieldURL].Value(); got != cleanURL {
		t.Errorf("going back lost the SCIM Base URL: %q", got)
	}
	if got := g.fields[guidedFieldToken].Value(); got != guidedToken {
		t.Errorf("going back lost the API Token (%d characters)", len(got))
	}
}

func TestPasteOfBothValuesFillsBothFields(t *testing.T) {
	for name, text := range map[string]string{
		"as selected in Docker's dialog": "SCIM Base URL\n" + cleanURL + "\nAPI Token\n" + guidedToken + "\n",
		"on one line":                    cleanURL + " " + guidedToken,
		"with Bearer":                    cleanURL + "\nBearer " + guidedToken,
	} {
		t.Run(name, func(t *testing.T) {
			d := driveScreen(t, Config{}, 80, 24, guided(client.SCIMCredentials{}))
			d.paste(text) // into the URL field, focused on entry
			if s := d.screen(); strings.Contains(s, guidedToken) || strings.Contains(s, "not scim") {
				t.Fatalf("the token is on screen, or the paste was garbled:\n%s", s)
			}
			g := d.guided()
			if g.fields[guidedFieldURL].Value() != cleanURL || g.token.Value() != guidedToken {
				t.Fatalf("fields hold %q and a token of %d characters:\n%s", g.fields[guidedFieldURL].Value(), len(g.token.Value()), d.screen())
			}
			d.press("enter")
			if got := d.ready(); got.BaseURL != cleanURL || got.Token.Value() != guidedToken {
				t.Fatalf("emitted %q", got.BaseURL)
			}
		})
	}
}

func TestTokenInTheURLFieldReplacesTheTokenField(t *testing.T) {
	d := driveScreen(t, Config{}, 80, 24, guided(client.SCIMCredentials{Token: client.NewSecret("abc")}))
	d.paste(guidedToken) // into the URL field, focused on entry
	g := d.guided()
	if got := g.fields[guidedFieldToken].Value(); got != guidedToken {
		t.Fatalf("the token field holds %d characters, want the pasted token alone", len(got))
	}
	if s := d.screen(); strings.Contains(s, "Fixed:") || !strings.Contains(s, "replaced what the API Token field held") {
		t.Fatalf("the note does not say what happened:\n%s", s)
	}
}

func TestResumeChecksSCIMAgainstTheServer(t *testing.T) {
	dir := t.TempDir()
	d := newDriver(t, stateConfig(t, dir), 80, 24)
	d.enterUntil(steps.StepChecklist) // SCIM set up, saved as on
	// A new built-in sandbox: the same connection, SCIM off.
	cfg := stateConfig(t, dir)
	console := cfg.Env.Console.(*fakeConsole)
	d2 := newDriver(t, cfg, 80, 24)
	d2.press("enter") // resume at the checklist
	if s := d2.screen(); !strings.Contains(s, "SCIM is no longer set up") {
		t.Fatalf("the resume does not say SCIM is off now:\n%s", s)
	}
	d2.enterUntil(steps.StepSetupSCIM)
	if s := d2.screen(); strings.Contains(s, "refresh") {
		t.Fatalf("the saved SCIM state was trusted:\n%s", s)
	}
	d2.press("enter")
	if console.setups != 1 || console.refreshes != 0 || d2.m.top().step() != steps.StepVerify {
		t.Fatalf("setups %d, refreshes %d, at %s:\n%s", console.setups, console.refreshes, d2.m.top().step(), d2.screen())
	}
}

func TestResumeOfAConnectionThatIsGone(t *testing.T) {
	dir := savedAtPreflight(t)
	cfg := stateConfig(t, dir)
	console := cfg.Env.Console.(*fakeConsole)
	console.conns = console.conns[1:] // Okta SAML is gone
	d := newDriver(t, cfg, 80, 24)
	d.press("enter")
	if s := d.screen(); d.m.top().step() != steps.StepConnection || !strings.Contains(s, "no longer exists") {
		t.Fatalf("resumed a connection that is gone:\n%s", s)
	}
}

func TestDoneDoesNotOverstate(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 120, 40)
	d.enterUntil(steps.StepDone)
	if s := d.screen(); strings.Contains(s, "✓ SCIM is set up") || !strings.Contains(s, "the identity provider's side is not finished") {
		t.Fatalf("Done claims success with no checklist item ticked:\n%s", s)
	}
}

func TestDoneAfterARefreshSaysToUpdateTheIdP(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 120, 40)
	d.press("down", "down") // Entra ID OIDC: SCIM on
	d.enterUntil(steps.StepSetupSCIM)
	d.press("r", "y")
	d.enterUntil(steps.StepDone)
	if s := d.screen(); !strings.Contains(s, "Paste the new API Token into Microsoft Entra ID") {
		t.Fatalf("Done does not say the IdP needs the refreshed token:\n%s", s)
	}
}

// TestDoneAfterEditSCIMAsksNoNewPaste: Edit SCIM shows the token the
// identity provider already holds, so Done does not say to paste a new one.
func TestDoneAfterEditSCIMAsksNoNewPaste(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 120, 40)
	d.press("down", "down") // Entra ID OIDC: SCIM on
	d.enterUntil(steps.StepDone)
	if s := d.screen(); strings.Contains(s, "Paste the new API Token") {
		t.Fatalf("Done says the token was refreshed after Edit SCIM:\n%s", s)
	}
}

func TestChecklistKeysAndCopy(t *testing.T) {
	cb := &fakeClipboard{}
	d := newDriver(t, testConfig(seededConsole(), cb), 120, 40)
	d.enterUntil(steps.StepChecklist)
	okta, _ := steps.ChecklistFor(steps.Okta, steps.SAML)
	d.press("G")
	if got := d.m.top().(*checklistScreen).cursor; got != len(okta.Items)-1 {
		t.Fatalf("G moved to item %d", got)
	}
	d.press("g")
	if got := d.m.top().(*checklistScreen).cursor; got != 0 {
		t.Fatalf("g moved to item %d", got)
	}
	d.send(tea.KeyPressMsg{Code: tea.KeyPgDown})
	if got := d.m.top().(*checklistScreen).cursor; got != checklistPage {
		t.Fatalf("pgdown moved to item %d", got)
	}
	// The item that pastes the base URL copies it with c.
	base := slices.IndexFunc(okta.Items, func(it steps.Item) bool {
		return slices.ContainsFunc(it.Paste, func(p steps.Paste) bool { return p.Value == steps.PasteBaseURL })
	})
	d.press("g")
	for range base {
		d.press("down")
	}
	d.press("c")
	if cb.text != "https://hub.docker.com/v2/scim/2.0" || !strings.Contains(d.screen(), "SCIM Base URL copied") {
		t.Fatalf("c on the base URL item copied %q:\n%s", cb.text, d.screen())
	}
}

func TestChecklistTextIsClean(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 120, 40)
	d.enterUntil(steps.StepChecklist)
	okta, _ := steps.ChecklistFor(steps.Okta, steps.SAML)
	for i := range okta.Items {
		s := d.screen()
		for _, bad := range []string{"(optional) (optional)", "`", "Docs (", "PR #"} {
			if strings.Contains(s, bad) {
				t.Fatalf("item %d shows %q:\n%s", i+1, bad, s)
			}
		}
		if strings.Count(s, "Bearer") > 1 && strings.Count(s, "adds “Bearer ” itself") > 0 && strings.Count(strings.ToLower(s), "bearer ” itself") > 1 {
			t.Fatalf("item %d says the Bearer note twice:\n%s", i+1, s)
		}
		d.press("down")
	}
}

func TestJIsDownNotJITOnTheGuidedPreflight(t *testing.T) {
	d := newDriver(t, testConfig(nil, nil), 80, 24) // the guided path
	d.typeText("Okta SAML")
	d.press("enter")
	d.enterUntil(steps.StepPreflight)
	before := d.screen()
	d.press("j")
	if d.screen() != before && strings.Contains(d.screen(), "you said it is off") {
		t.Fatal("j toggled JIT instead of moving down")
	}
	d.press("t")
	if !strings.Contains(d.screen(), "you said it is off") {
		t.Fatalf("t did not toggle JIT:\n%s", d.screen())
	}
}

func TestOpenIsNotAHiddenKeyWithoutABrowser(t *testing.T) {
	d := driveScreen(t, Config{}, 80, 24, guided(client.SCIMCredentials{BaseURL: cleanURL, Token: client.NewSecret(guidedToken)}))
	d.press("esc") // no field focused
	before := d.screen()
	d.press("o")
	if strings.Contains(d.screen(), "o open") || d.screen() != before {
		t.Fatalf("o acts or shows without a browser to open:\n%s", d.screen())
	}
}

func TestConnectionFilterKeys(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 60, 20)
	d.press("/")
	if !strings.Contains(d.screen(), "type to filter by name") {
		t.Fatalf("the filter's placeholder is cut:\n%s", d.screen())
	}
	d.typeText("saml")
	d.press("down") // moves while typing, as in fzf
	if s := d.screen(); !strings.Contains(s, "> Entra ID SAML") {
		t.Fatalf("down did not move while filtering:\n%s", s)
	}
	d.press("esc")
	if s := d.screen(); strings.Contains(s, "of 4") || !strings.Contains(s, "OneLogin SAML") || !strings.Contains(s, "Entra ID OIDC") {
		t.Fatalf("esc did not clear the filter:\n%s", s)
	}
	d.press("/")
	d.typeText("onelogin")
	d.press("enter") // chooses the match
	if d.m.top().step() != steps.StepPreflight || d.m.session.Conn.Name != "OneLogin SAML" {
		t.Fatalf("enter while filtering did not choose the match: %s", d.m.top().step())
	}
}

func TestWrapNeverBreaksURLsEmailsOrCommands(t *testing.T) {
	st := newStyles(true)
	text := "See https://docs.docker.com/security/for-admins/provisioning/just-in-time/ or mail first.last-name@moby-example.com, then run `docker-scim verify --base-url x`."
	for _, w := range []int{30, 40, 56, 76} {
		out := ansi.Strip(st.wrap(text, w))
		for _, whole := range []string{"https://docs.docker.com/security/for-admins/provisioning/just-in-time/", "first.last-name@moby-example.com,", "docker-scim verify --base-url x"} {
			if ansi.StringWidth(whole) <= w && !strings.Contains(out, whole) {
				t.Errorf("width %d broke %q:\n%s", w, whole, out)
			}
		}
		if strings.Contains(out, "`") {
			t.Errorf("backticks shown:\n%s", out)
		}
	}
}

func TestLongNamesAreCutWithAnEllipsis(t *testing.T) {
	console := seededConsole()
	console.conns[0].Name = "A very long connection name that does not fit in any column at all"
	d := newDriver(t, testConfig(console, nil), 80, 24)
	s := d.screen()
	if !strings.Contains(s, "A very long connection") || !strings.Contains(s, "…") || !strings.Contains(s, "Okta") {
		t.Fatalf("a long name is not cut with … or hides the IdP:\n%s", s)
	}
}

func TestAnotherIdPThanTheConnectionsAsksFirst(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 80, 24) // Okta SAML
	d.enterUntil(steps.StepIdP)
	d.press("down", "enter") // Entra for an Okta connection
	if d.m.top().step() != steps.StepIdP || !strings.Contains(d.screen(), "set up for Okta") {
		t.Fatalf("choosing another IdP raised no question:\n%s", d.screen())
	}
	d.press("n")
	if d.m.top().step() != steps.StepIdP || strings.Contains(d.screen(), "set up for Okta") {
		t.Fatalf("n did not take the question back:\n%s", d.screen())
	}
	d.press("enter", "y")
	if d.m.top().step() != steps.StepChecklist || d.m.session.IdP != steps.Entra {
		t.Fatalf("y did not choose Entra: at %s with %s", d.m.top().step(), d.m.session.IdP)
	}
}

func TestShortTokenIsQuestioned(t *testing.T) {
	d := driveScreen(t, Config{}, 80, 24, guided(client.SCIMCredentials{BaseURL: cleanURL, Token: client.NewSecret("abc")}))
	if s := d.screen(); strings.Contains(s, "API Token ready") || !strings.Contains(s, "shorter than an API Token") {
		t.Fatalf("a 3-character token is called ready:\n%s", s)
	}
}

func TestRunbookPathIsAbsolute(t *testing.T) {
	t.Chdir(t.TempDir())
	d := newDriver(t, testConfig(seededConsole(), nil), 120, 40)
	d.enterUntil(steps.StepChecklist)
	d.press("e")
	wd, _ := os.Getwd()
	if s := flat(d.screen()); !strings.Contains(s, "Runbook written to "+wd+string(filepath.Separator)) {
		t.Fatalf("the runbook path is not absolute:\n%s", s)
	}
}

func TestWarningsBeforeTheWizardShowInIt(t *testing.T) {
	cfg := testConfig(seededConsole(), nil)
	cfg.Warnings = []string{"No Docker Hub credentials (--hub-token-stdin, DOCKER_SCIM_HUB_TOKEN or docker login): skipping the check that moby exists."}
	d := newDriver(t, cfg, 120, 40)
	if s := flat(d.screen()); !strings.Contains(s, "No Docker Hub credentials") {
		t.Fatalf("the warning printed before the wizard is not shown in it:\n%s", d.screen())
	}
}

func TestExitSummary(t *testing.T) {
	t.Chdir(t.TempDir())
	d := newDriver(t, testConfig(seededConsole(), &fakeClipboard{}), 120, 40)
	if got := d.m.ExitSummary(); got != nil {
		t.Fatalf("a run that chose nothing leaves %q", got)
	}
	d.enterUntil(steps.StepDone)
	d.press("e")
	sum := strings.Join(d.m.ExitSummary(), "\n")
	for _, want := range []string{"SCIM on Okta SAML (moby): SCIM Base URL https://hub.docker.com/v2/scim/2.0",
		"Verified: 4 of 4 SCIM API checks passed", "Okta checklist: 0 of", "Left to do: ", "Runbook: /"} {
		if !strings.Contains(sum, want) {
			t.Errorf("the exit summary lacks %q:\n%s", want, sum)
		}
	}
	if strings.Contains(sum, fakeToken) {
		t.Fatal("the exit summary holds the token")
	}
}

func TestExitSummaryWhenStoppedEarly(t *testing.T) {
	d := newDriver(t, stateConfig(t, t.TempDir()), 80, 24)
	d.press("enter") // preflight
	sum := strings.Join(d.m.ExitSummary(), "\n")
	if !strings.Contains(sum, "Stopped at step 2 of") || !strings.Contains(sum, "run docker-scim again to resume") {
		t.Fatalf("the exit summary of a stopped run:\n%s", sum)
	}
}

func TestLongConnectionNameKeepsTypeAndIdPInTheHeading(t *testing.T) {
	console := seededConsole()
	console.conns[0].Name = "Our company's single sign-on connection for every employee and contractor"
	d := newDriver(t, testConfig(console, nil), 60, 20)
	d.press("enter") // preflight
	requireWholeFrame(t, d, 60, 20)
	if s := d.screen(); !strings.Contains(s, "… SAML · Okta") && !strings.Contains(s, "…  SAML · Okta") {
		t.Fatalf("the heading does not cut the name with … before the type and IdP:\n%s", s)
	}
}

func TestPreflightShowsThePassedChecks(t *testing.T) {
	d := newDriver(t, testConfig(seededConsole(), nil), 120, 40)
	d.press("enter")
	if s := flat(d.screen()); !strings.Contains(s, "✓ Passed: Docker Business plan, verified domain moby.example, SSO connection.") {
		t.Fatalf("the preflight shows only problems:\n%s", d.screen())
	}
}

// TestLinkIsNeverBroken: a docs URL longer than the width stays on one line
// (without its scheme, then elided in the middle) and links to the whole URL.
func TestLinkIsNeverBroken(t *testing.T) {
	const url = "https://docs.docker.com/security/provisioning/scim/provision-scim/#step-one-enable-scim"
	for _, tc := range []struct {
		width int
		want  string
	}{
		{120, url},
		{80, "docs.docker.com/security/provisioning/scim/provision-scim/#step-one-enable-scim"},
		{40, "docs.docker.com/…/#step-one-enable-scim"},
	} {
		got := link(url, tc.width)
		if !strings.Contains(got, ansi.SetHyperlink(url)) {
			t.Errorf("width %d: %q does not link to the whole URL", tc.width, got)
		}
		if text := ansi.Strip(got); text != tc.want || ansi.StringWidth(text) > tc.width {
			t.Errorf("width %d: text %q, want %q (at most %d cells)", tc.width, text, tc.want, tc.width)
		}
	}
}
