package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/internal/testwait"
	"github.com/docker-scim/docker-scim/sandbox"
)

// TestMain lets testscript run this test binary as the expect-exit helper;
// the scripts run the real docker-scim binary, built once (see binary).
func TestMain(m *testing.M) {
	testscript.Main(cleanup{m}, map[string]func(){"expect-exit": expectExit})
}

// cleanup removes the built binary after the tests ran.
type cleanup struct{ m *testing.M }

func (c cleanup) Run() int {
	unsetOwnEnvironment()
	code := c.m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	return code
}

// unsetOwnEnvironment removes the DOCKER_SCIM_* variables of the shell
// that runs the tests: every flag reads one, so a developer's
// DOCKER_SCIM_ORG or DOCKER_SCIM_IDP would otherwise change what the tests
// parse and run. Tests that need one set it with t.Setenv.
func unsetOwnEnvironment() {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "DOCKER_SCIM_") {
			_ = os.Unsetenv(name)
		}
	}
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

// binary builds the real docker-scim binary (package main at the module
// root) once per test run and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "docker-scim-cli-test-")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "docker-scim")
		out, err := exec.Command("go", "build", "-o", builtBin, "..").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// expectExit runs `expect-exit CODE PROGRAM ARGS...`: it runs the program
// with this process's stdin, stdout and stderr and fails unless it exits
// with CODE, so scripts can check the documented exit codes.
func expectExit() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: expect-exit CODE PROGRAM [ARGS...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintf(os.Stderr, "expect-exit: %v\n", err)
		os.Exit(1)
	}
	if got := strconv.Itoa(cmd.ProcessState.ExitCode()); got != os.Args[1] {
		fmt.Fprintf(os.Stderr, "expect-exit: %s exited with code %s, want %s\n", os.Args[2], got, os.Args[1])
		os.Exit(1)
	}
}

// TestScripts runs the .txtar command-line tests in testdata/script.
func TestScripts(t *testing.T) {
	bin := binary(t)
	testscript.Run(t, testscript.Params{
		Dir:      "testdata/script",
		Deadline: scriptsDeadline(t),
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", filepath.Dir(bin)+string(os.PathListSeparator)+env.Getenv("PATH"))
			// No user configuration leaks in: an empty docker config, no
			// tokens, no colour forcing.
			env.Setenv("DOCKER_CONFIG", env.WorkDir+"/.docker-empty")
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("TERM", "xterm-256color")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"start-sandbox": cmdStartSandbox,
		},
	})
}

// scriptsTimeout bounds the scripts: a command still running then is
// stopped and its script fails naming it, long before go test's -timeout
// would panic.
const scriptsTimeout = 5 * time.Minute

// scriptsDeadline is scriptsTimeout from now, or go test's deadline when
// that comes first.
func scriptsDeadline(t *testing.T) time.Time {
	d := time.Now().Add(scriptsTimeout)
	if td, ok := t.Deadline(); ok && td.Before(d) {
		return td
	}
	return d
}

// cmdStartSandbox starts an in-process sandbox for the rest of the script
// and exports its address and credentials: SANDBOX_URL, SANDBOX_ORG,
// SANDBOX_USER, SANDBOX_PAT, SANDBOX_OAT, and SCIM_BASE_URL with
// SCIM_TOKEN from a fresh Setup SCIM on conn-okta-saml. With "mix" the
// sandbox is seeded with the migration mix (sandbox.WithMigrationMix).
func cmdStartSandbox(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 1 || (len(args) == 1 && args[0] != "mix") {
		ts.Fatalf("usage: start-sandbox [mix]")
	}
	var opts []sandbox.Option
	if len(args) == 1 {
		opts = append(opts, sandbox.WithMigrationMix())
	}
	sb, err := sandbox.Start("127.0.0.1:0", opts...)
	ts.Check(err)
	ts.Defer(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = sb.Shutdown(ctx)
	})
	creds := sb.Credentials()
	ctx := context.Background()
	hub, err := client.NewHub(sb.URL)
	ts.Check(err)
	ts.Check(hub.SignIn(ctx, creds.Org, client.NewSecret(creds.OAT)))
	scim, err := client.SandboxConsole{Hub: hub}.SetupSCIM(ctx, creds.Org, "conn-okta-saml")
	ts.Check(err)
	for k, v := range map[string]string{
		"SANDBOX_URL": sb.URL, "SANDBOX_ORG": creds.Org, "SANDBOX_USER": creds.User,
		"SANDBOX_PAT": creds.PAT, "SANDBOX_OAT": creds.OAT,
		"SCIM_BASE_URL": scim.BaseURL, "SCIM_TOKEN": scim.Token.Value(),
	} {
		ts.Setenv(k, v)
	}
}

// TestChooseMode pins the mode decision: the TUI needs both terminals,
// input allowed, no accessible mode and a TERM that is not dumb.
func TestChooseMode(t *testing.T) {
	for _, tc := range []struct {
		name       string
		s          IO
		accessible bool
		want       uiMode
	}{
		{"both terminals", IO{StdinTTY: true, StdoutTTY: true, Term: "xterm"}, false, modeTUI},
		{"stdin piped", IO{StdoutTTY: true, Term: "xterm"}, false, modePrompt},
		{"stdout piped", IO{StdinTTY: true, Term: "xterm"}, false, modePrompt},
		{"dumb terminal", IO{StdinTTY: true, StdoutTTY: true, Term: "dumb"}, false, modePrompt},
		{"accessible", IO{StdinTTY: true, StdoutTTY: true, Term: "xterm"}, true, modePrompt},
		{"no input wins over terminals", IO{StdinTTY: true, StdoutTTY: true, Term: "xterm", NeverPrompt: true}, false, modeNoInput},
		{"no input without terminals", IO{NeverPrompt: true}, false, modeNoInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Mode(tc.accessible); got != tc.want {
				t.Fatalf("Mode(%+v, accessible %v) = %v, want %v", tc.s, tc.accessible, got, tc.want)
			}
		})
	}
}

// TestExitCodes pins the documented exit code of each error class.
func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, exitOK},
		{"usage", usagef("--idp: bad"), exitUsage},
		{"missing input", &missingInput{items: []string{"--org"}}, exitUsage},
		{"401 from Docker", &client.Error{Kind: client.KindUnauthorized, Status: 401}, exitAuth},
		{"403 from Docker", &client.Error{Kind: client.KindForbidden, Status: 403}, exitAuth},
		{"PAT refused", &client.Error{Kind: client.KindPATNotAllowed, Status: 403}, exitAuth},
		{"404 from Docker", &client.Error{Kind: client.KindNotFound, Status: 404}, exitError},
		{"verify refused", verification{Verification: flow.Verification{Checks: []flow.Check{{}}, AuthFailed: true}}.err(), exitAuth},
		{"verify failed", verification{Verification: flow.Verification{Checks: []flow.Check{{}}}}.err(), exitError},
		{"interrupted", errInterrupted, exitInterrupted},
		{"context cancelled", context.Canceled, exitInterrupted},
		{"other", os.ErrNotExist, exitError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := exitCode(tc.err); got != tc.want {
				t.Fatalf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
			}
		})
	}
}

// TestInterruptExits130 waits for the plain mode's first question, sends
// SIGINT and expects exit code 130 with no result on stdout.
func TestInterruptExits130(t *testing.T) {
	bin := binary(t)
	cmd := exec.Command(bin, "--sandbox")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "DOCKER_CONFIG="+t.TempDir())
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var stdout strings.Builder
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	sc.Split(bufio.ScanWords)
	asked := false
	// A program that never asks is killed, which ends the read.
	killer := time.AfterFunc(testwait.Timeout, func() { _ = cmd.Process.Kill() })
	for !asked && sc.Scan() {
		asked = strings.HasPrefix(sc.Text(), "[1-")
	}
	if !asked || !killer.Stop() {
		_ = cmd.Process.Kill()
		t.Fatalf("the plain mode never asked for the connection within %s: %v", testwait.Timeout, sc.Err())
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		for sc.Scan() {
			b.WriteString(sc.Text() + " ")
		}
		rest <- b.String()
	}()
	killer = time.AfterFunc(testwait.Timeout, func() { _ = cmd.Process.Kill() })
	said := <-rest
	err = cmd.Wait()
	if !killer.Stop() {
		t.Fatalf("the plain mode did not exit within %s of SIGINT", testwait.Timeout)
	}
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("exit code %d (%v), want %d", code, err, exitInterrupted)
	}
	if stdout.Len() != 0 {
		t.Fatalf("an interrupted run printed a result: %q", stdout.String())
	}
	if strings.Contains(said, "Error:") {
		t.Fatalf("ctrl+c left an error message: %q", said)
	}
}

// TestRunbookIsPrivateEvenOverAnOldFile: the runbook can name members, so it
// is 0600 even when it replaces a file that was readable by others.
func TestRunbookIsPrivateEvenOverAnOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.md")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeRunbook(path, flow.Docker("moby", nil), &flow.Run{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("runbook mode %v, want 0600", fi.Mode().Perm())
	}
}

// TestPromptAnswers: the checklist and read-back questions take their
// answers, ask again after any other one, and treat the end of input as no.
func TestPromptAnswers(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		input string
		ask   func(Prompter) (bool, error)
		want  bool
	}{
		{"\n", func(p Prompter) (bool, error) { return readAgain(ctx, p) }, true},
		{"maybe\nd\n", func(p Prompter) (bool, error) { return readAgain(ctx, p) }, false},
		{"", func(p Prompter) (bool, error) { return readAgain(ctx, p) }, false},
		{"yes\n", func(p Prompter) (bool, error) { return confirmStep(ctx, p) }, true},
		{"what\ns\n", func(p Prompter) (bool, error) { return confirmStep(ctx, p) }, false},
	} {
		var out strings.Builder
		p := &linePrompter{in: bufio.NewReader(strings.NewReader(tc.input)), out: &out}
		got, err := tc.ask(p)
		if err != nil || got != tc.want {
			t.Errorf("input %q: %v, %v; want %v", tc.input, got, err, tc.want)
		}
		if strings.Contains(tc.input, "maybe") || strings.Contains(tc.input, "what") {
			if !strings.Contains(out.String(), "Press Enter, or type") {
				t.Errorf("input %q: no second prompt: %q", tc.input, out.String())
			}
		}
	}
}
