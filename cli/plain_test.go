package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// sandboxEnv serves a fresh sandbox over HTTP and returns its environment.
func sandboxEnv(t *testing.T) (*flow.Env, *sandbox.Server) {
	t.Helper()
	sb := sandbox.New()
	return envOn(t, sb, sb), sb
}

// envOn serves h (the sandbox sb, or a handler around it) over HTTP and
// returns the environment signed in to sb's organization.
func envOn(t *testing.T, sb *sandbox.Server, h http.Handler) *flow.Env {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	creds := sb.Credentials()
	hub, err := client.NewHub(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.SignIn(context.Background(), creds.Org, client.NewSecret(creds.OAT)); err != nil {
		t.Fatal(err)
	}
	return flow.Sandbox(creds.Org, hub)
}

// plainOn is the plain mode on env without input; its messages go to the
// returned buffer.
func plainOn(env *flow.Env, o *WizardOptions) (*plainMode, *bytes.Buffer) {
	var out bytes.Buffer
	if o.global == nil {
		o.global = &globalOptions{noInput: true}
	}
	ui := &plainUI{out: &out}
	return &plainMode{opts: o, ui: ui, stdout: io.Discard, ask: noInputPrompter{}, env: env}, &out
}

// TestPlainSetupEditsAfterAConcurrentSetup: the connection list said SCIM
// was off, but it was set up meanwhile, so Docker answers 409; the plain
// mode shows the values with Edit SCIM as the wizard does, instead of
// failing.
func TestPlainSetupEditsAfterAConcurrentSetup(t *testing.T) {
	env, _ := sandboxEnv(t)
	ctx := context.Background()
	p, _ := plainOn(env, &WizardOptions{connection: "conn-okta-saml"})
	if err := p.connection(ctx); err != nil {
		t.Fatal(err)
	}
	if p.run.Conn.SCIMEnabled {
		t.Fatal("seed changed: conn-okta-saml already has SCIM")
	}
	if _, err := env.Console.SetupSCIM(ctx, env.Org, p.run.Conn.ID); err != nil { // someone else, meanwhile
		t.Fatal(err)
	}
	if err := p.setupSCIM(ctx); err != nil {
		t.Fatalf("Setup SCIM after a concurrent setup: %v", err)
	}
	if err := p.verify(ctx); err != nil {
		t.Fatalf("the token Edit SCIM showed does not verify: %v", err)
	}
}

// TestPlainReadBackShowsTeamsAndAuditLog: the plain mode's read-back lists
// the user the IdP provisioned after setup, the org:team it joined, and
// the audit log, as the wizard's read-back does.
func TestPlainReadBackShowsTeamsAndAuditLog(t *testing.T) {
	env, _ := sandboxEnv(t)
	ctx := context.Background()
	p, out := plainOn(env, &WizardOptions{connection: "conn-okta-saml"})
	if err := p.connection(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.setupSCIM(ctx); err != nil {
		t.Fatal(err)
	}
	p.run.SetupAt = time.Now().Add(-time.Second)
	req := client.PushRequest{Users: []client.PushUser{{UserName: "ada@moby.example"}}, Group: "moby:research"}
	if _, err := flow.PushTestUser(ctx, env, p.run.Creds, req); err != nil {
		t.Fatal(err)
	}
	if err := p.readBack(ctx); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SCIM users provisioned since setup: 1", "  ada@moby.example", "  moby:research", "Audit log since setup:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("read-back lacks %q:\n%s", want, out.String())
		}
	}
	res := flow.NewResult(env, &p.run, false)
	b, _ := json.Marshal(res.ReadBack)
	if !strings.Contains(string(b), `"moby:research"`) || !strings.Contains(string(b), `"audit":"Audit log since setup`) {
		t.Fatalf("read_back in the result: %s", b)
	}
}

// TestWizardKeepsTheTokenWithoutABaseURL: DOCKER_SCIM_TOKEN given without
// --base-url reaches the wizard's guided Setup SCIM (it was read, then
// dropped).
func TestWizardKeepsTheTokenWithoutABaseURL(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv(envToken, "dckr_scim_test_token_value")
	f := &Factory{IO: &IO{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}}
	o := &WizardOptions{global: &globalOptions{}, org: "moby", hubURL: "https://hub.docker.com", clipboard: "auto"}
	p, err := o.validate()
	if err != nil {
		t.Fatal(err)
	}
	cfg, stop, err := tuiConfig(context.Background(), f, o, p)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if got := cfg.Preset.Credentials.Token.Value(); got != "dckr_scim_test_token_value" {
		t.Fatalf("preset token %q: the token given without --base-url was dropped", got)
	}
	if cfg.Env.IssuesSCIM() || cfg.Env.Org != "moby" {
		t.Fatalf("environment %+v", cfg.Env)
	}
}

// TestExtraIdPIsOneFile: an IdP added as one YAML file (testdata) shows in
// the plain mode's list, `checklist --idp`, the --idp completion and help.
func TestExtraIdPIsOneFile(t *testing.T) {
	b, err := os.ReadFile("../steps/testdata/extra-idp/pingid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	restore, err := steps.AddData(map[string][]byte{"pingid.yaml": b})
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	run := func(stdin string, args ...string) (string, string, int) {
		var out, errOut bytes.Buffer
		s := &IO{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}
		code := Run(context.Background(), args, s, "test")
		return out.String(), errOut.String(), code
	}
	out, errOut, code := run("", "checklist", "--idp", "ping", "--format", "md")
	if code != 0 || !strings.Contains(out, "PingID") || !strings.Contains(out, "Provisioning tab") {
		t.Fatalf("checklist --idp ping: %d\n%s\n%s", code, out, errOut)
	}
	out, _, _ = run("", "__complete", "checklist", "--idp", "")
	if !strings.Contains(out, "pingid\n") || !strings.Contains(out, "okta\n") {
		t.Fatalf("completion lacks the new IdP:\n%s", out)
	}
	out, _, _ = run("", "--help")
	if !strings.Contains(out, "identity provider: okta, entra, onelogin or pingid [") {
		t.Fatalf("--idp help lacks the new IdP:\n%s", out)
	}
	_, errOut, code = run("", "--no-input", "--org", "moby", "--connection-type", "saml")
	if code != exitUsage || !strings.Contains(errOut, "okta, entra, onelogin or pingid") {
		t.Fatalf("the missing-input message lacks the new IdP: %d\n%s", code, errOut)
	}
	// The plain mode offers it and runs its checklist.
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv(envToken, "")
	_, errOut, _ = run("2\n4\n", "--sandbox", "--connection", "conn-okta-saml", "--idp", "pingid", "--json")
	if !strings.Contains(errOut, "Identity provider: PingID") || !strings.Contains(errOut, "Provisioning tab") {
		t.Fatalf("the plain mode did not run the new IdP's checklist:\n%s", errOut)
	}
}

// TestRunbookJSONIsTheJSONResult: --runbook FILE.json and --json describe
// a run in one shape (the runbook without the token).
func TestRunbookJSONIsTheJSONResult(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	path := t.TempDir() + "/run.json"
	var out bytes.Buffer
	s := &IO{In: strings.NewReader(""), Out: &out, ErrOut: io.Discard}
	args := []string{"--sandbox", "--no-input", "--connection", "conn-entra-oidc", "--runbook", path, "--json"}
	if code := Run(context.Background(), args, s, "test"); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON, fromFile map[string]any
	if err := json.Unmarshal(out.Bytes(), &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(file, &fromFile); err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(fromJSON)
	b, _ := json.Marshal(fromFile)
	if string(a) != string(b) {
		t.Fatalf("two shapes for one run:\n--json:    %s\n--runbook: %s", a, b)
	}
	if _, ok := fromFile["scim_token"]; ok || fromFile["generated_at"] != "2026-01-01T00:00:00Z" {
		t.Fatalf("runbook JSON: token or generated_at wrong: %s", b)
	}
}
