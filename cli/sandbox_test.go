package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/internal/testwait"
	"github.com/docker-scim/docker-scim/sandbox"
)

// runningSandbox is `docker-scim sandbox --json` started as a process.
type runningSandbox struct {
	cmd  *exec.Cmd
	line sandboxLine
	sc   *bufio.Scanner
}

func startSandbox(t *testing.T, bin string, args ...string) *runningSandbox {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"sandbox", "--addr", "127.0.0.1:0", "--json"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	rs := &runningSandbox{cmd: cmd, sc: bufio.NewScanner(stdout)}
	// A sandbox that never prints is killed, which ends the read.
	killer := time.AfterFunc(testwait.Timeout, func() { _ = cmd.Process.Kill() })
	if !rs.sc.Scan() {
		t.Fatalf("no JSON line within %s: %v", testwait.Timeout, rs.sc.Err())
	}
	killer.Stop()
	if err := json.Unmarshal(rs.sc.Bytes(), &rs.line); err != nil {
		t.Fatalf("not JSON: %q: %v", rs.sc.Text(), err)
	}
	return rs
}

// stop sends SIGTERM and waits for a clean exit.
func (rs *runningSandbox) stop(t *testing.T) {
	t.Helper()
	_ = rs.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() {
		// Read to EOF (the process closes stdout when it exits), then reap it.
		for rs.sc.Scan() {
		}
		done <- rs.cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sandbox did not exit cleanly: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox still running 10 s after SIGTERM")
	}
}

func get(t *testing.T, url, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := testwait.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

func hubJWT(t *testing.T, base, org, oat string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"identifier": org, "secret": oat})
	res, err := testwait.HTTP.Post(base+"/v2/auth/token", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.AccessToken == "" {
		t.Fatalf("sign in: %d %v", res.StatusCode, err)
	}
	return out.AccessToken
}

// TestSandboxCommandSCIMPushAndState covers the --json line's SCIM fields,
// `sandbox push`, and --state surviving a restart.
func TestSandboxCommandSCIMPushAndState(t *testing.T) {
	bin := binary(t)
	state := filepath.Join(t.TempDir(), "sandbox.json")
	first := startSandbox(t, bin, "--state", state)
	l := first.line
	if l.SCIMBaseURL != l.URL+sandbox.SCIMPath || l.SCIMToken == "" {
		t.Fatalf("no SCIM fields in the line: %+v", l)
	}
	if status, _ := get(t, l.SCIMBaseURL+"/ServiceProviderConfig", l.SCIMToken); status != 200 {
		t.Fatalf("scim_token does not authenticate: %d", status)
	}

	ctx, cancel := context.WithTimeout(context.Background(), testwait.Timeout)
	defer cancel()
	push := exec.CommandContext(ctx, bin, "sandbox", "push", "--url", l.URL, "--token-stdin",
		"--user", "ada.lovelace@moby.example", "--user", "alan@moby.example=Alan Turing", "--group", "moby:research")
	push.Stdin = strings.NewReader(l.SCIMToken + "\n")
	out, err := push.CombinedOutput()
	if err != nil {
		t.Fatalf("push: %v\n%s", err, out)
	}
	for _, want := range []string{"created      ada.lovelace@moby.example", "created      alan@moby.example", "pushed group moby:research"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("push output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), l.SCIMToken) {
		t.Fatal("push printed the token")
	}
	first.stop(t)

	second := startSandbox(t, bin, "--state", state)
	defer second.stop(t)
	if second.line.SCIMToken == l.SCIMToken || second.line.OAT == l.OAT {
		t.Fatal("a restart must mint fresh tokens (the state keeps hashes only)")
	}
	jwt := hubJWT(t, second.line.URL, second.line.Org, second.line.OAT)
	status, body := get(t, second.line.URL+"/v2/orgs/moby/groups/research/members", jwt)
	if status != 200 || body["count"].(float64) != 2 {
		t.Fatalf("pushed team lost across restart: %d %v", status, body)
	}
	if status, body := get(t, second.line.SCIMBaseURL+"/Users?filter=userName+eq+%22alan@moby.example%22", second.line.SCIMToken); status != 200 ||
		body["Resources"].([]any)[0].(map[string]any)["name"].(map[string]any)["familyName"] != "Turing" {
		t.Fatalf("pushed user: %d %v", status, body)
	}
}

func TestSandboxCommandFaultAndRateLimitFlags(t *testing.T) {
	bin := binary(t)
	rs := startSandbox(t, bin, "--rate-limit", "5", "--fault", `{"path":"/v2/scim/2.0/Users","status":503,"times":1}`)
	defer rs.stop(t)
	status, _ := get(t, rs.line.SCIMBaseURL+"/Users", rs.line.SCIMToken)
	if status != 503 {
		t.Fatalf("fault flag not applied: %d", status)
	}
	req, _ := http.NewRequest("GET", rs.line.SCIMBaseURL+"/Users", nil)
	req.Header.Set("Authorization", "Bearer "+rs.line.SCIMToken)
	res, err := testwait.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("X-RateLimit-Limit") != "5" {
		t.Fatalf("rate-limit flag: %d %v", res.StatusCode, res.Header)
	}
}

func TestSandboxCommandBadFlags(t *testing.T) {
	runOptionsCases(t, NewCmdSandbox, []optionsCase[SandboxOptions]{
		{name: "bad fault", args: `--fault {"latency":"soon"}`, wantErr: "--fault"},
		{name: "negative rate limit", args: "--rate-limit -1", wantErr: "--rate-limit"},
		{name: "options", args: `--rate-limit 5 --state s.json --json --fault {"status":503}`, check: func(o *SandboxOptions) string {
			// The migration mix, the state, the rate limit and the fault.
			return want(len(o.sandbox) == 4 && o.json && o.addr == "127.0.0.1:0", "%d sandbox options from %+v", len(o.sandbox), *o)
		}},
	})
	o := &SandboxOptions{factory: optionsFactory(), addr: "0.0.0.0:0"}
	if err := sandboxServeRun(context.Background(), o); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("a sandbox on 0.0.0.0: %v, want an error about loopback", err)
	}
}

func TestParsePushUser(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want sandbox.SimUser
	}{
		{"ada.lovelace@moby.example", sandbox.SimUser{UserName: "ada.lovelace@moby.example", GivenName: "Ada", FamilyName: "Lovelace"}},
		{"ada@moby.example", sandbox.SimUser{UserName: "ada@moby.example", GivenName: "Ada"}},
		{"x@moby.example=Grace Brewster Hopper", sandbox.SimUser{UserName: "x@moby.example", GivenName: "Grace", FamilyName: "Brewster Hopper"}},
		{"mary_ann-lee@moby.example", sandbox.SimUser{UserName: "mary_ann-lee@moby.example", GivenName: "Mary", FamilyName: "Ann Lee"}},
	} {
		if got := parsePushUser(tc.raw); got != tc.want {
			t.Errorf("%q: %+v, want %+v", tc.raw, got, tc.want)
		}
	}
}

func TestRunPushErrors(t *testing.T) {
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	defer srv.Close()
	for _, tc := range []struct {
		name  string
		args  string
		stdin string
		want  string
		usage bool // exit code 2
	}{
		{"no url", "--token-stdin --user a@moby.example", "t\n", "--url is required", true},
		{"bad url", "--url ftp://x --token-stdin", "t\n", "--url", true},
		// The token would cross the network in the clear: refused before any request.
		{"plain http off loopback", "--url http://example.com --token-stdin --user a@moby.example", "t\n", "only https is allowed", true},
		{"no token flag", "--url " + srv.URL + " --user a@moby.example", "", "--token-stdin is required", true},
		{"empty stdin", "--url " + srv.URL + " --token-stdin --user a@moby.example", "", "stdin is empty", true},
		{"nothing", "--url " + srv.URL + " --token-stdin", "t\n", "nothing to push", true},
		{"wrong token", "--url " + srv.URL + " --token-stdin --user a@moby.example", "wrong-token\n", "401", false},
		{"scim error", "--url " + srv.URL + " --token-stdin --group acme:x", sb.Credentials().SCIMToken + "\n", "POST /Groups answered 400", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := parse(t, NewCmdSandboxPush(testFactory(tc.stdin, io.Discard), nil), tc.args)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
			var ue *usageError
			if errors.As(err, &ue) != tc.usage {
				t.Fatalf("usage error (exit 2) = %v, want %v: %v", !tc.usage, tc.usage, err)
			}
			if strings.Contains(err.Error(), sb.Credentials().SCIMToken) || strings.Contains(err.Error(), "wrong-token") {
				t.Fatal("the token leaked into the error")
			}
		})
	}
	var out bytes.Buffer
	err := parse(t, NewCmdSandboxPush(testFactory(sb.Credentials().SCIMToken, &out), nil),
		"--url "+srv.URL+" --token-stdin --user ada@moby.example --json")
	if err != nil || !json.Valid(out.Bytes()) || !strings.Contains(out.String(), `"created":[{"id"`) {
		t.Fatalf("--json: %v %s", err, out.String())
	}
}

// testFactory is a Factory whose stdin is the text stdin (not a terminal)
// and whose stdout is out.
func testFactory(stdin string, out io.Writer) *Factory {
	return &Factory{IO: &IO{In: strings.NewReader(stdin), Out: out, ErrOut: io.Discard}, Version: "test"}
}

// TestSandboxCommandSaysWhatToRunNext: the standalone sandbox prints the
// command that runs the wizard against it.
func TestSandboxCommandSaysWhatToRunNext(t *testing.T) {
	cmd := exec.Command(binary(t), "sandbox", "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	killer := time.AfterFunc(testwait.Timeout, func() { _ = cmd.Process.Kill() })
	defer killer.Stop()
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "Next, in another terminal: ") {
			if !strings.Contains(line, "docker-scim --org moby --hub-url http://127.0.0.1:") || !strings.Contains(line, "DOCKER_SCIM_HUB_TOKEN=dckr_oat_") {
				t.Fatalf("the next command is not runnable: %q", line)
			}
			return
		}
	}
	t.Fatal("the sandbox never said what to run next")
}
