package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/steps"
)

// binary is the docker-scim binary built once for all tests by TestMain.
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	if _, err := exec.LookPath("tmux"); err != nil {
		// Every test skips (or fails, see requireTmux); no binary needed.
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "docker-scim-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temporary directory for the binary:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "docker-scim")
	// go test puts its own go first on PATH.
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build of docker-scim failed: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// statSourcesOnce stats the module's files once per test process, from
// inside a test (go test records file accesses only once m.Run started).
var statSourcesOnce = sync.OnceValue(func() error { return statSources("..") })

// statSources stats every file of the module under root. go test caches a
// package's result keyed on its own build and on the files the test
// process opened or statted; the binary built here depends on the whole
// module, so without this a change elsewhere (tui/, steps/data/) would be
// answered from the cache with the result for the old binary.
func statSources(root string) error {
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			_, err = os.Stat(path)
		}
		return err
	})
}

// run is one docker-scim process in its own tmux, with a private HOME.
type run struct {
	t        *testing.T
	tm       *term
	home     string
	stateDir string
	// baseURL and token are what the credentials screen showed.
	baseURL, token string
	// connection is the SSO connection to pick; idp the provider's label.
	connection, idp string
	// walked lists the step titles the walk went through, in order.
	walked []string
	// guided is true on the real-Docker path, where given holds the values
	// the admin pastes (from a separate sandbox server).
	guided bool
	given  sandboxServer
}

// sandboxServer is a `docker-scim sandbox --json` process: what it printed.
type sandboxServer struct {
	URL     string `json:"url"`
	Org     string `json:"org"`
	OAT     string `json:"oat"`
	BaseURL string `json:"scim_base_url"`
	Token   string `json:"scim_token"`
}

// startSandboxServer runs `docker-scim sandbox --json` until the test ends.
func startSandboxServer(t *testing.T) sandboxServer {
	t.Helper()
	cmd := exec.Command(binary, "sandbox", "--json")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	// A sandbox that prints nothing is killed, which ends the read.
	killer := time.AfterFunc(waitTimeout, func() { _ = cmd.Process.Kill() })
	var sb sandboxServer
	if err := json.NewDecoder(out).Decode(&sb); err != nil {
		t.Fatalf("docker-scim sandbox --json printed no JSON line within %s: %v", waitTimeout, err)
	}
	killer.Stop()
	if sb.URL == "" || sb.Token == "" || sb.OAT == "" {
		t.Fatalf("docker-scim sandbox --json printed no url, scim_token or oat: %+v", sb)
	}
	return sb
}

// startGuided runs docker-scim against real-Docker-shaped endpoints (a
// separate sandbox server), signed in with an organization access token
// from the environment: the guided path, where the admin pastes values.
func startGuided(t *testing.T, connection, idp string) *run {
	t.Helper()
	requireTmux(t)
	sb := startSandboxServer(t)
	r := newRun(t, 100, 30, connection, idp, "DOCKER_SCIM_HUB_TOKEN="+sb.OAT)
	r.guided, r.given = true, sb
	r.tm.start(r.home, binary, "--org", sb.Org, "--hub-url", sb.URL)
	return r
}

// startSandbox runs `docker-scim --sandbox` at w×h in a fresh tmux with an
// empty HOME; copies go out as OSC 52 so tmux's buffer receives them.
func startSandbox(t *testing.T, w, h int, connection, idp string) *run {
	t.Helper()
	requireTmux(t)
	r := newRun(t, w, h, connection, idp)
	// The working directory is HOME too, so a runbook export lands where the
	// secret scan looks.
	r.tm.start(r.home, binary, "--sandbox")
	return r
}

// newRun makes a private HOME and a tmux of w×h whose environment is only
// that HOME, PATH, OSC 52 copying and extra.
func newRun(t *testing.T, w, h int, connection, idp string, extra ...string) *run {
	t.Helper()
	home := t.TempDir()
	r := &run{t: t, home: home, stateDir: filepath.Join(home, ".local", "state"), connection: connection, idp: idp}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_STATE_HOME=" + r.stateDir,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"DOCKER_CONFIG=" + filepath.Join(home, ".docker"),
		"DOCKER_SCIM_CLIPBOARD=osc52",
		"LANG=C.UTF-8",
		"TMPDIR=" + filepath.Join(home, "tmp"),
	}
	if err := os.MkdirAll(filepath.Join(home, "tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	r.tm = newTerm(t, w, h, append(env, extra...))
	return r
}

// screenFunc does what a screen asks for and returns the key that leaves
// it, without pressing it: only leave presses it, and leave waits for the
// next screen, so no walk ever acts on a screen that is already going away.
type screenFunc func(r *run, screen string) (leaveKey string)

// screens maps each step title (steps.Title) to what the walk does there.
// A new screen needs one entry here.
var screens = map[string]screenFunc{
	steps.Title(steps.StepConnection):  (*run).pickConnection,
	steps.Title(steps.StepPreflight):   (*run).pressContinue,
	steps.Title(steps.StepSetupSCIM):   (*run).runSetupSCIM,
	steps.Title(steps.StepVerify):      (*run).pressContinue,
	steps.Title(steps.StepCredentials): (*run).copyCredentials,
	steps.Title(steps.StepIdP):         (*run).chooseIdP,
	steps.Title(steps.StepChecklist):   (*run).tickChecklist,
	steps.Title(steps.StepReadBack):    (*run).readBack,
}

// walkTo walks the wizard screen by screen until the step titled until is
// on screen, and returns that screen.
func (r *run) walkTo(until steps.StepID) string {
	r.t.Helper()
	want := steps.Title(until)
	for range 20 {
		s := r.tm.waitFor("a step header", func(s string) bool { return stepTitle(s) != "" })
		title := stepTitle(s)
		if title == want {
			r.note(title)
			return s
		}
		r.act(s)
	}
	r.t.Fatalf("did not reach %q after 20 screens: walked %q", want, r.walked)
	return ""
}

// act does what the screen on display asks for, leaves it and waits for
// the next one.
func (r *run) act(screen string) {
	r.t.Helper()
	title := stepTitle(screen)
	r.note(title)
	do, ok := screens[title]
	if !ok {
		r.t.Fatalf("the e2e walk has no step for the screen %q (add one to screens in e2e/wizard_test.go); screen:\n%s", title, screen)
	}
	r.leave(title, do(r, screen))
}

// leave presses key on the screen titled title and returns once another
// step's header is on screen. A key meant for the next screen sent before
// that would reach this one (or be lost), so every walk waits here.
func (r *run) leave(title, key string) {
	r.t.Helper()
	r.tm.keys(key)
	r.tm.waitFor(fmt.Sprintf("the step after %q (after pressing %s)", title, key), func(s string) bool {
		t := stepTitle(s)
		return t != "" && t != title
	})
}

// note records title in walked unless it is the last one there.
func (r *run) note(title string) {
	if len(r.walked) == 0 || r.walked[len(r.walked)-1] != title {
		r.walked = append(r.walked, title)
	}
}

// pickConnection filters the connection list with / and chooses the first
// match, which must be r.connection. On real Docker (the guided path) the
// screen is a form instead: the name is typed, type and IdP keep their
// defaults (SAML, Okta).
func (r *run) pickConnection(string) string {
	r.t.Helper()
	if r.guided {
		r.tm.waitText("Connection name")
		r.tm.typeText(r.connection)
		r.tm.waitText(r.connection)
		return "Enter"
	}
	r.tm.waitText(r.connection)
	r.tm.keys("/")
	r.tm.typeText(strings.ToLower(r.connection))
	r.tm.waitFor("the filtered list with "+r.connection+" selected", func(s string) bool {
		return strings.Contains(s, "> "+r.connection)
	})
	return "Enter" // chooses the selected match, as in fzf or gum
}

// pressContinue waits for the screen's "enter continue" and leaves with it.
func (r *run) pressContinue(string) string {
	r.t.Helper()
	r.tm.waitText("enter continue")
	return "Enter"
}

// runSetupSCIM confirms Enable SCIM on the chosen connection; on the
// guided path it pastes the SCIM Base URL and API Token (bracketed paste,
// as a terminal does) into the form.
func (r *run) runSetupSCIM(string) string {
	r.t.Helper()
	r.tm.waitText(r.connection)
	if r.guided {
		r.tm.waitText("paste the SCIM Base URL")
		r.tm.paste(r.given.BaseURL)
		r.tm.waitText(r.given.BaseURL)
		// A valid base URL moves the focus on to the token by itself.
		r.tm.waitText("> " + steps.PasteToken)
		r.tm.paste(r.given.Token)
		r.tm.waitText("API Token ready")
		if strings.Contains(r.tm.screen(), r.given.Token) {
			r.t.Fatalf("the pasted API Token is shown before ctrl+r:\n%s", r.tm.screen())
		}
		return "Enter"
	}
	r.tm.waitText("Press enter and the sandbox does this")
	return "Enter"
}

// copyCredentials copies the SCIM Base URL and the API Token with c and
// checks each against tmux's buffer; the token is read from the screen
// after r reveals it, then hidden again.
func (r *run) copyCredentials(string) string {
	r.t.Helper()
	s := r.tm.waitText(steps.PasteBaseURL)
	r.baseURL = fieldValue(s, steps.PasteBaseURL)
	if !strings.HasPrefix(r.baseURL, "http://127.0.0.1:") || !strings.HasSuffix(r.baseURL, "/v2/scim/2.0") {
		r.t.Fatalf("SCIM Base URL %q is not the sandbox's; screen:\n%s", r.baseURL, s)
	}
	if !strings.Contains(s, "••••") {
		r.t.Fatalf("the API Token is not masked on arrival; screen:\n%s", s)
	}

	r.tm.keys("c")
	r.tm.waitText(steps.PasteBaseURL + " sent to your terminal's clipboard")
	r.tm.waitBuffer("the SCIM Base URL "+r.baseURL, func(b string) bool { return b == r.baseURL })

	r.tm.keys("Down", "c")
	r.tm.waitText(steps.PasteToken + " sent to your terminal's clipboard")
	copied := r.tm.waitBuffer("a copy after the SCIM Base URL's (the API Token)", func(b string) bool { return b != r.baseURL })

	r.tm.keys("r")
	s = r.tm.waitText("r hide token")
	r.token = fieldValue(s, steps.PasteToken)
	if len(r.token) < 20 || strings.ContainsAny(r.token, " •") {
		r.t.Fatalf("revealed API Token %q does not look like a token; screen:\n%s", r.token, s)
	}
	if copied != r.token {
		r.t.Fatalf("tmux buffer after copying the API Token = %q, want the token on screen %q", copied, r.token)
	}
	r.tm.keys("r")
	r.tm.waitGone(r.token)
	return "Enter"
}

// fieldValue is the value shown on the line under a credentials label.
func fieldValue(screen, label string) string {
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		l = strings.TrimPrefix(strings.TrimSpace(l), "> ")
		if strings.HasPrefix(l, label) && !strings.HasPrefix(l, label+" sent") && i+1 < len(lines) {
			return strings.TrimSpace(lines[i+1])
		}
	}
	return ""
}

// chooseIdP moves the cursor to r.idp one key at a time, waiting after
// each key until the cursor is on the next line, and leaves with enter.
func (r *run) chooseIdP(string) string {
	r.t.Helper()
	r.tm.waitText(r.idp)
	for range 2 * len(steps.IdPs()) {
		s := r.tm.waitFor("the identity provider list with its cursor", func(s string) bool {
			_, ok := idpCursor(s)
			return ok
		})
		key, done := idpKey(s, r.idp)
		switch {
		case done:
			return "Enter"
		case key == "":
			r.t.Fatalf("%q is not in the identity provider list; screen:\n%s", r.idp, s)
		}
		from, _ := idpCursor(s)
		r.tm.keys(key)
		r.tm.waitFor(fmt.Sprintf("the cursor to move %s from %q toward %q", key, from, r.idp), func(n string) bool {
			to, ok := idpCursor(n)
			return ok && to != from
		})
	}
	r.t.Fatalf("could not select %q; screen:\n%s", r.idp, r.tm.screen())
	return ""
}

// idpCursor is the identity provider the list's cursor ("> ") is on.
func idpCursor(screen string) (label string, ok bool) {
	for _, l := range strings.Split(screen, "\n") {
		rest, marked := strings.CutPrefix(strings.TrimSpace(l), "> ")
		if !marked {
			continue
		}
		for _, p := range steps.IdPs() {
			if strings.TrimSpace(rest) == p.Label() {
				return p.Label(), true
			}
		}
	}
	return "", false
}

// idpKey is the key that moves the list's cursor one line toward want
// ("Up" or "Down"); done is true when the cursor is on want, and key is ""
// when want or the cursor is not on screen.
func idpKey(screen, want string) (key string, done bool) {
	at, row := -1, -1
	for i, l := range strings.Split(screen, "\n") {
		text := strings.TrimSpace(l)
		rest, marked := strings.CutPrefix(text, "> ")
		if marked {
			text = strings.TrimSpace(rest)
		}
		if marked && slices.ContainsFunc(steps.IdPs(), func(p steps.IdP) bool { return p.Label() == text }) {
			at = i
		}
		if text == want {
			row = i
		}
	}
	switch {
	case at < 0 || row < 0:
		return "", false
	case row == at:
		return "", true
	case row < at:
		return "Up", false
	}
	return "Down", false
}

// doneCount is the checklist's progress, "N of M done".
var doneCount = regexp.MustCompile(`(\d+) of (\d+) done`)

// tickChecklist ticks every item with space and moves on.
func (r *run) tickChecklist(string) string {
	r.t.Helper()
	s := r.tm.waitText(r.idp)
	m := doneCount.FindStringSubmatch(s)
	if m == nil {
		r.t.Fatalf("no \"N of M done\" count on the checklist of %q; screen:\n%s", r.idp, s)
	}
	total, _ := strconv.Atoi(m[2])
	for range total {
		r.tm.keys("Space", "Down")
	}
	r.tm.waitText(fmt.Sprintf("%d of %d done", total, total))
	return "Enter"
}

// exportRunbook presses e on the done screen and checks that the runbook
// file named in the notice exists (the secret scan reads it later).
func (r *run) exportRunbook() {
	r.t.Helper()
	r.tm.keys("e")
	s := r.tm.waitFor("the runbook notice with its path", func(s string) bool { return runbookPath(s) != "" })
	path := runbookPath(s)
	if !filepath.IsAbs(path) {
		path = filepath.Join(r.home, path) // the program runs in HOME
	}
	if _, err := os.Stat(path); err != nil {
		r.t.Fatalf("the notice names %s but: %v; screen:\n%s", path, err, s)
	}
}

// runbookNotice is the notice after an export; the path may be wrapped
// over several lines (at a hyphen, with the notice's indent).
var runbookNotice = regexp.MustCompile(`Runbook written to (.+?) \(it never`)

// runbookPath is the path the runbook notice names, its wrapped pieces
// joined again, or "" when no whole notice is on screen.
func runbookPath(screen string) string {
	m := runbookNotice.FindStringSubmatch(strings.Join(strings.Fields(screen), " "))
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(m[1], " ", "")
}

// pushedLine is the read-back screen's report of the simulator's push.
var pushedLine = regexp.MustCompile(`IdP simulator pushed the user (\S+) and the group (\S+?)\.`)

// readBack asks the sandbox's IdP simulator for a push with p, waits until
// the pushed user shows in the read-back feed (polled over SCIM), and
// finishes with enter. On the guided path the push comes from outside.
func (r *run) readBack(string) string {
	r.t.Helper()
	if r.guided {
		return r.readBackGuided()
	}
	s := r.tm.waitText("p push a test user")
	if !strings.Contains(s, "None yet.") {
		r.t.Errorf("the read-back lists users before anything was pushed:\n%s", s)
	}
	r.tm.keys("p")
	s = r.tm.waitFor("the simulator's push", func(s string) bool { return pushedLine.MatchString(strings.Join(strings.Fields(s), " ")) })
	user := pushedLine.FindStringSubmatch(strings.Join(strings.Fields(s), " "))[1]
	r.tm.keys("r") // check now, instead of waiting for the next poll
	r.tm.waitText("✓ " + user)
	return "Enter"
}

// readBackGuided pushes a test user through the sandbox's IdP simulator
// from outside (docker-scim sandbox push, as an IdP would provision), and
// waits until the read-back feed shows it.
func (r *run) readBackGuided() string {
	r.t.Helper()
	r.tm.waitText("r check now")
	const user = "e2e.tester@moby.example"
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	push := exec.CommandContext(ctx, binary, "sandbox", "push", "--url", r.given.URL, "--token-stdin", "--user", user+"=E2E Tester", "--group", "moby:e2e")
	push.Stdin = strings.NewReader(r.given.Token + "\n")
	if out, err := push.CombinedOutput(); err != nil {
		r.t.Fatalf("docker-scim sandbox push (allowed %s): %v\n%s", waitTimeout, err, out)
	}
	r.tm.keys("r")
	r.tm.waitText("✓ " + user)
	return "Enter"
}

// finish presses enter on the done screen and expects exit status 0.
func (r *run) finish() {
	r.t.Helper()
	r.tm.waitText("enter finish")
	r.tm.keys("Enter")
	if status := r.tm.waitExit(); status != 0 {
		r.t.Fatalf("exit status after finishing = %d, want 0; screen:\n%s", status, r.tm.screen())
	}
}

// assertClean checks that the terminal is restored and that the API Token
// is nowhere: not on screen, not in the scrollback, not in any file under
// HOME (state directory, exports, logs), and that state files are 0600.
func (r *run) assertClean() {
	r.t.Helper()
	r.tm.assertRestored()
	if strings.Contains(r.tm.history(), r.token) {
		r.t.Errorf("the API Token is still in the pane or its scrollback after exit:\n%s", r.tm.history())
	}
	assertNoSecret(r.t, r.token, r.stateDir, r.home)
}

// TestWizardSandbox walks the whole flow once per SSO connection and
// identity provider, with real keys, and finishes.
func TestWizardSandbox(t *testing.T) {
	for _, tc := range []struct{ connection, idp string }{
		{"Okta SAML", steps.Okta.Label()},
		{"Entra ID SAML", steps.Entra.Label()},
		{"Entra ID OIDC", steps.Entra.Label()},
		{"OneLogin SAML", steps.OneLogin.Label()},
	} {
		t.Run(strings.ReplaceAll(tc.connection, " ", "_"), func(t *testing.T) {
			t.Parallel()
			r := startSandbox(t, 100, 30, tc.connection, tc.idp)
			s := r.walkTo(steps.StepDone)
			if !strings.Contains(s, "SCIM is set up") || !strings.Contains(s, tc.connection) {
				t.Fatalf("done screen does not confirm the setup of %q:\n%s", tc.connection, s)
			}
			r.exportRunbook()
			r.finish()
			r.assertClean()
			t.Logf("walked: %s", strings.Join(r.walked, " → "))
		})
	}
}

// TestGuidedPath runs docker-scim the way it runs against real Docker: the
// connection is named in a form, Setup SCIM is done "by hand" (the values
// come from a separate sandbox server) and pasted into the wizard, and the
// user arrives through the IdP simulator from outside.
func TestGuidedPath(t *testing.T) {
	t.Parallel()
	r := startGuided(t, "Okta SAML (SCIM on)", steps.Okta.Label())
	r.walkTo(steps.StepDone)
	if r.token != r.given.Token || r.baseURL != r.given.BaseURL {
		t.Fatalf("credentials screen showed %q and %q, want the pasted %q and the token the sandbox issued", r.baseURL, r.token, r.given.BaseURL)
	}
	r.finish()
	r.assertClean()
	assertNoSecret(t, r.given.OAT, r.stateDir, r.home)
	t.Logf("walked: %s", strings.Join(r.walked, " → "))
}

// TestResize shrinks the terminal to the smallest supported size (60×20)
// in the middle of the flow and back, and checks the screen follows.
func TestResize(t *testing.T) {
	t.Parallel()
	r := startSandbox(t, 100, 30, "Okta SAML", steps.Okta.Label())
	r.walkTo(steps.StepCredentials)
	wide := r.tm.waitText(steps.PasteBaseURL)
	r.baseURL = fieldValue(wide, steps.PasteBaseURL)

	r.tm.resize(60, 20)
	s := r.tm.waitFor("the screen laid out at 60×20", func(s string) bool {
		return r.tm.format("#{pane_width}x#{pane_height}") == "60x20" && s != wide &&
			strings.Contains(s, steps.Title(steps.StepCredentials)) && strings.Contains(s, r.baseURL)
	})
	if strings.Contains(s, "Terminal too small") {
		t.Fatalf("60×20 is the supported minimum but the wizard says it is too small:\n%s", s)
	}
	r.tm.resize(59, 20)
	r.tm.waitText("Terminal too small")
	r.tm.resize(100, 30)
	s = r.tm.waitFor("the screen laid out at 100×30 again", func(s string) bool {
		return strings.Contains(s, steps.Title(steps.StepCredentials)) && strings.Contains(s, steps.PasteBaseURL) && !strings.Contains(s, "Terminal too small")
	})
	r.act(s)
	r.walkTo(steps.StepDone)
	r.finish()
	r.assertClean()
}

// TestInterrupt presses ctrl+c in the middle of the flow: the CLI exits
// with 130, restores the terminal and leaves the token nowhere.
func TestInterrupt(t *testing.T) {
	t.Run("after the token was copied", func(t *testing.T) {
		t.Parallel()
		r := startSandbox(t, 100, 30, "OneLogin SAML", steps.OneLogin.Label())
		r.walkTo(steps.StepIdP)
		r.tm.keys("C-c")
		if status := r.tm.waitExit(); status != 130 {
			t.Fatalf("exit status after ctrl+c = %d, want 130; screen:\n%s", status, r.tm.screen())
		}
		r.assertClean()
	})
	t.Run("before the token was copied", func(t *testing.T) {
		t.Parallel()
		r := startSandbox(t, 100, 30, "Entra ID OIDC", steps.Entra.Label())
		r.walkTo(steps.StepCredentials)
		s := r.tm.waitText(steps.PasteBaseURL)
		r.baseURL = fieldValue(s, steps.PasteBaseURL)
		// The token was neither copied nor revealed: ctrl+c asks first, and
		// n goes back to the screen.
		r.tm.keys("C-c")
		r.tm.waitText("Quit anyway? (y/n)")
		r.tm.keys("n")
		r.tm.waitGone("Quit anyway?")
		r.tm.keys("Down", "r")
		r.token = fieldValue(r.tm.waitText("r hide token"), steps.PasteToken)
		r.tm.keys("r")
		r.tm.waitGone(r.token)
		// Revealed counts as secured: ctrl+c now leaves at once.
		r.tm.keys("C-c")
		if status := r.tm.waitExit(); status != 130 {
			t.Fatalf("exit status after ctrl+c = %d, want 130; screen:\n%s", status, r.tm.screen())
		}
		r.assertClean()
	})
}

// TestKeysWhileStarved sends keys while the program gets no CPU at all
// (stopped, as on a machine under heavy load): they wait in the terminal,
// arrive together once it runs again, and each one acts, in order, on the
// screen it was meant for.
func TestKeysWhileStarved(t *testing.T) {
	t.Parallel()
	r := startSandbox(t, 100, 30, "Okta SAML", steps.Okta.Label())
	r.walkTo(steps.StepCredentials)
	r.tm.waitText(steps.PasteBaseURL)
	thaw := r.tm.freeze()
	r.tm.keys("Down", "c", "r")
	thaw()
	s := r.tm.waitText("r hide token")
	if !strings.Contains(s, steps.PasteToken+" sent to your terminal's clipboard") {
		t.Fatalf("down, c, r sent while the program was stopped: the token was revealed but not copied; screen:\n%s", s)
	}
	token := fieldValue(s, steps.PasteToken)
	r.tm.waitBuffer("the API Token "+token, func(b string) bool { return b == token })
}

// TestLeaveWaitsForTheNextScreen: the walk's leave presses a screen's
// leaving key and returns only once the next step is on screen. The program
// is stopped when the key is sent and continued only after leave has read
// the old screen a few times, so a leave that did not wait would return
// with the credentials screen still shown (TestResize once went on to act
// on that screen a second time: its keys reached the next one).
func TestLeaveWaitsForTheNextScreen(t *testing.T) {
	t.Parallel()
	r := startSandbox(t, 100, 30, "Okta SAML", steps.Okta.Label())
	s := r.walkTo(steps.StepCredentials)
	title := stepTitle(s)
	key := r.copyCredentials(s)
	thaw := r.tm.freeze()
	before := r.tm.rejected.Load()
	go func() {
		defer thaw()
		deadline := time.Now().Add(waitTimeout)
		for r.tm.rejected.Load() < before+3 && time.Now().Before(deadline) {
			time.Sleep(pollEvery)
		}
	}()
	r.leave(title, key)
	if got := stepTitle(r.tm.screen()); got == title || got == "" {
		t.Fatalf("leave returned with %q on screen, want the next step", got)
	}
	if r.tm.rejected.Load() < before+3 {
		t.Fatalf("leave returned after reading the stopped program's screen %d times; it cannot have waited for it",
			r.tm.rejected.Load()-before)
	}
}

// TestIdPKey: chooseIdP reads the cursor from the screen and moves one line
// at a time toward the wanted provider (it used to send three ups at once
// and compare screens before they had all arrived). Pure: needs no tmux.
func TestIdPKey(t *testing.T) {
	okta, entra, onelogin := steps.Okta.Label(), steps.Entra.Label(), steps.OneLogin.Label()
	list := func(cursor string) string {
		var b strings.Builder
		b.WriteString("Step 6 of 9: Identity provider\n\n  Continue to configure SCIM for Okta, Azure AD, or OneLogin.\n\n")
		for _, l := range []string{okta, entra, onelogin} {
			if l == cursor {
				b.WriteString("  > " + l + "\n")
			} else {
				b.WriteString("    " + l + "\n")
			}
		}
		return b.String()
	}
	for _, tc := range []struct {
		cursor, want, key string
		done              bool
	}{
		{okta, onelogin, "Down", false},
		{onelogin, okta, "Up", false},
		{entra, onelogin, "Down", false},
		{entra, entra, "", true},
		{okta, "Ping Identity", "", false},
	} {
		key, done := idpKey(list(tc.cursor), tc.want)
		if key != tc.key || done != tc.done {
			t.Errorf("cursor on %q, want %q: idpKey = %q, %v; want %q, %v", tc.cursor, tc.want, key, done, tc.key, tc.done)
		}
		if got, ok := idpCursor(list(tc.cursor)); !ok || got != tc.cursor {
			t.Errorf("idpCursor = %q, %v; want %q", got, ok, tc.cursor)
		}
	}
	if _, ok := idpCursor("Step 6 of 9: Identity provider\n"); ok {
		t.Error("idpCursor found a cursor on a screen without the list")
	}
}

// TestRunbookPath: the notice's path is found whole when the notice wraps
// it (it wraps at a hyphen once the path is long, as under /tmp/Test…).
func TestRunbookPath(t *testing.T) {
	const path = "/tmp/TestWizardSandboxOkta_SAML648736115/001/docker-scim-runbook-moby-20261201-175301.md"
	for _, screen := range []string{
		"  Runbook written to " + path + " (it never contains the API Token).",
		"  Runbook written to /tmp/TestWizardSandboxOkta_SAML648736115/001/docker-scim-runbook-moby-\n  20261201-175301.md (it\n  never contains the API Token).",
	} {
		if got := runbookPath(screen); got != path {
			t.Errorf("runbookPath(%q) = %q, want %q", screen, got, path)
		}
	}
	if got := runbookPath("  Runbook written to /tmp/x/docker-scim-runbook-moby-"); got != "" {
		t.Errorf("runbookPath of a notice still being drawn = %q, want \"\"", got)
	}
}
