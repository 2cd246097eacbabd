package entra_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/entra"
	"github.com/docker-scim/docker-scim/internal/sandboxtest"
	"github.com/docker-scim/docker-scim/internal/testwait"
	"github.com/docker-scim/docker-scim/sandbox"
)

// env is a sandbox (Docker and its Graph stand-in) over real HTTP.
type env struct {
	sb    *sandbox.Server
	srv   *httptest.Server
	scim  string
	token client.Secret
}

func newEnv(t *testing.T, wrap func(http.Handler) http.Handler) env {
	t.Helper()
	sb, srv := sandboxtest.Serve(t, wrap)
	return env{sb: sb, srv: srv, scim: srv.URL + sandbox.SCIMPath, token: client.NewSecret(sb.Credentials().SCIMToken)}
}

func (e env) graph(t *testing.T, scopes []string, admin bool, opts ...entra.Option) *entra.Client {
	t.Helper()
	c, err := entra.New(e.srv.URL+sandbox.GraphPrefix, client.NewSecret(e.sb.IssueGraphToken(scopes, admin)), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e env) settings() entra.Settings {
	return entra.Settings{AppName: "Docker", SCIMBaseURL: e.scim, SCIMToken: e.token, Org: "moby", TestUser: "ada.lovelace@moby.example"}
}

// scimUser looks userName up in Docker's SCIM API.
func (e env) scimUser(t *testing.T, userName string) (id string, found bool) {
	t.Helper()
	var list struct {
		Resources []struct {
			ID string `json:"id"`
		} `json:"Resources"`
	}
	e.scimGet(t, "/Users?"+url.Values{"filter": {`userName eq "` + userName + `"`}}.Encode(), &list)
	if len(list.Resources) == 0 {
		return "", false
	}
	return list.Resources[0].ID, true
}

func (e env) scimGet(t *testing.T, path string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.scim+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.token.Value())
	resp, err := testwait.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func collect(p *[]entra.Progress) func(entra.Progress) {
	return func(pr entra.Progress) { *p = append(*p, pr) }
}

func details(ps []entra.Progress) map[entra.StepID]string {
	out := map[entra.StepID]string{}
	for _, p := range ps {
		if p.State == entra.Done {
			out[p.Step] = p.Detail
		}
	}
	return out
}

func TestConfigureProvisionsTheTestUserAndGroups(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	if _, found := e.scimUser(t, "ada.lovelace@moby.example"); found {
		t.Fatal("the test user is in Docker before anything ran")
	}
	var progress []entra.Progress
	out, err := entra.Configure(ctx, e.graph(t, nil, true), e.settings(), collect(&progress))
	if err != nil {
		t.Fatalf("Configure: %v", err)
	}
	var order []entra.StepID
	for _, p := range progress {
		if p.State == entra.Done {
			order = append(order, p.Step)
		}
	}
	if got, want := order, e.settings().Steps(); strings.Join(ids(got), ",") != strings.Join(ids(want), ",") {
		t.Fatalf("steps done %v, want %v", got, want)
	}
	if _, found := e.scimUser(t, "ada.lovelace@moby.example"); !found {
		t.Fatal("the test user is not in Docker after Configure")
	}
	if out.OnDemand == nil || out.OnDemand.Result == "" {
		t.Fatalf("no on-demand result: %+v", out)
	}
	if out.Job.Status.Code != "Active" {
		t.Errorf("job status %q, want Active (%+v)", out.Job.Status.Code, out.Job.Status.Quarantine)
	}
	if len(out.Assigned) != 2 {
		t.Errorf("assigned %v, want the two moby:* groups", out.Assigned)
	}
	var groups struct {
		Resources []struct {
			DisplayName string `json:"displayName"`
			Members     []struct {
				Value string `json:"value"`
			} `json:"members"`
		} `json:"Resources"`
	}
	e.scimGet(t, "/Groups?"+url.Values{"filter": {`displayName eq "moby:developers"`}}.Encode(), &groups)
	// Ada and Alan were pushed; Jane, in the team since JIT and now linked to
	// SCIM, stays in it: Entra's group update only adds the members it has.
	if len(groups.Resources) != 1 || len(groups.Resources[0].Members) != 3 {
		t.Fatalf("moby:developers in Docker = %+v, want Ada and Alan added beside linked Jane", groups.Resources)
	}
	if len(out.Logs) == 0 {
		t.Error("no provisioning log entries")
	}
	// Jane joined Docker by JIT before SCIM: her domain is verified on the
	// connection, so Docker links her account and no entry fails.
	failed := map[string]bool{}
	for _, l := range out.Logs {
		if l.StatusInfo.Status != "success" {
			failed[l.SourceIdentity.DisplayName] = true
		}
	}
	if len(failed) != 0 {
		t.Errorf("failed log entries for %v, want none (Jane is linked)", failed)
	}
	if d := details(progress)[entra.StepLogs]; !strings.Contains(d, ", 0 failed") {
		t.Errorf("logs step says %q, want no failure", d)
	}

	// A second run resumes: it reuses and skips what is done.
	progress = nil
	if _, err := entra.Configure(ctx, e.graph(t, nil, true), e.settings(), collect(&progress)); err != nil {
		t.Fatalf("second Configure: %v", err)
	}
	d := details(progress)
	for step, want := range map[entra.StepID]string{
		entra.StepJob: "reused job", entra.StepGroupMapping: "already enabled", entra.StepAssign: "0 assigned, 2 already assigned",
		entra.StepStart: "already on", entra.StepOnDemand: "Skipped",
	} {
		if !strings.Contains(d[step], want) {
			t.Errorf("second run, step %s: %q, want it to say %q", step, d[step], want)
		}
	}
}

func ids(s []entra.StepID) []string {
	out := make([]string, len(s))
	for i, id := range s {
		out[i] = string(id)
	}
	return out
}

func TestConfigureCreatesAnAppForOIDC(t *testing.T) {
	e := newEnv(t, nil)
	s := e.settings()
	s.AppName, s.CreateApp = "Docker SCIM (OIDC)", true
	c := e.graph(t, nil, true)
	var progress []entra.Progress
	out, err := entra.Configure(context.Background(), c, s, collect(&progress))
	if err != nil {
		t.Fatal(err)
	}
	if d := details(progress)[entra.StepNewApp]; d != "created Docker SCIM (OIDC)" {
		t.Errorf("first step: %q", d)
	}
	found, err := c.FindServicePrincipals(context.Background(), s.AppName)
	if err != nil || len(found) != 1 || found[0].ID != out.ServicePrincipal.ID {
		t.Fatalf("the created app is not found by name: %v %+v", err, found)
	}

	// Without CreateApp an unknown name is a not-found error with a fix.
	s.AppName, s.CreateApp = "No Such App", false
	_, err = entra.Configure(context.Background(), c, s, nil)
	var ge *entra.Error
	if !errors.As(err, &ge) || ge.Kind != entra.KindNotFound || !strings.Contains(ge.Hint, "--create-app") {
		t.Fatalf("unknown app: %v", err)
	}
}

func TestMissingPermissionAndRoleNameTheFix(t *testing.T) {
	e := newEnv(t, nil)
	for _, tc := range []struct {
		name   string
		scopes []string
		admin  bool
		want   []string
	}{
		{"no Synchronization.ReadWrite.All", []string{entra.PermApplicationRead}, true, []string{"Synchronization.ReadWrite.All", entra.AdminRoles}},
		{"no admin role", nil, false, []string{entra.AdminRoles}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var progress []entra.Progress
			_, err := entra.Configure(context.Background(), e.graph(t, tc.scopes, tc.admin), e.settings(), collect(&progress))
			var ge *entra.Error
			if !errors.As(err, &ge) || ge.Kind != entra.KindPermission || ge.Code != "Authorization_RequestDenied" {
				t.Fatalf("err = %v, want a permission error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			last := progress[len(progress)-1]
			if last.State != entra.Failed || last.Err != err {
				t.Errorf("last progress %+v, want the failed step", last)
			}
		})
	}
}

func TestWrongSecretTokenFailsTestConnection(t *testing.T) {
	e := newEnv(t, nil)
	s := e.settings()
	s.SCIMToken = client.NewSecret("dsa_wrongwrongwrongwrongwrongwrong0123456789")
	var progress []entra.Progress
	_, err := entra.Configure(context.Background(), e.graph(t, nil, true), s, collect(&progress))
	var ge *entra.Error
	if !errors.As(err, &ge) || ge.Kind != entra.KindBadRequest || !strings.Contains(ge.Hint, "API Token") {
		t.Fatalf("err = %v, want Test Connection refused with a fix", err)
	}
	if last := progress[len(progress)-1]; last.Step != entra.StepTest || last.State != entra.Failed {
		t.Fatalf("failed at %+v, want %s", last, entra.StepTest)
	}
	if strings.Contains(err.Error(), s.SCIMToken.Value()) {
		t.Fatal("the error shows the Secret Token")
	}
}

func TestThrottlingReportsRetryAfter(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.graph(t, nil, true, entra.WithRetries(0, time.Second))
	out, err := entra.Configure(ctx, c, e.settings(), nil)
	if err != nil {
		t.Fatal(err)
	}
	rule := "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8"
	u, err := c.UserByPrincipalName(ctx, "alan.turing@moby.example")
	if err != nil {
		t.Fatal(err)
	}
	// Configure made one on-demand call; Graph allows five per ten seconds.
	var last error
	for range 5 {
		if _, last = c.ProvisionOnDemand(ctx, out.ServicePrincipal.ID, out.Job.ID, rule, u.ID); last != nil {
			break
		}
	}
	var ge *entra.Error
	if !errors.As(last, &ge) || ge.Kind != entra.KindThrottled || ge.RetryAfter <= 0 || !strings.Contains(ge.Hint, "wait") {
		t.Fatalf("err = %v, want throttling with Retry-After", last)
	}
}

func TestThrottledGetIsRetriedAfterRetryAfter(t *testing.T) {
	e := newEnv(t, nil)
	e.sb.AddFault(sandbox.Fault{Method: http.MethodGet, Path: sandbox.GraphPrefix + "/servicePrincipals", Status: http.StatusTooManyRequests,
		Header: map[string]string{"Retry-After": "0"}, Times: 2})
	found, err := e.graph(t, nil, true).FindServicePrincipals(context.Background(), "Docker")
	if err != nil || len(found) != 1 {
		t.Fatalf("after two 429s: %v %v", found, err)
	}
	e.sb.AddFault(sandbox.Fault{Method: http.MethodGet, Path: sandbox.GraphPrefix + "/servicePrincipals", Status: http.StatusServiceUnavailable, Times: 5})
	_, err = e.graph(t, nil, true, entra.WithRetries(1, time.Millisecond)).FindServicePrincipals(context.Background(), "Docker")
	var ge *entra.Error
	if !errors.As(err, &ge) || ge.Kind != entra.KindServer || ge.Code != "ServiceUnavailable" {
		t.Fatalf("err = %v, want Graph's 503 after the retries", err)
	}
}

func TestHostileGraphIsRedactedAndSanitized(t *testing.T) {
	secret := "dsa_0123456789abcdefghij0123456789abcdef"
	graphToken := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":{"code":"Bad\u001b[31m","message":"token ` + secret + ` and ` + graphToken + ` rejected \u001b]0;pwned\u0007"}}`))
	}))
	defer srv.Close()
	c, err := entra.New(srv.URL, client.NewSecret(graphToken))
	if err != nil {
		t.Fatal(err)
	}
	err = c.ValidateCredentials(context.Background(), "sp", "job", "https://example.test/scim", client.NewSecret(secret))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, leak := range []string{secret, graphToken, "\x1b", "\a"} {
		if strings.Contains(msg, leak) {
			t.Errorf("error %q holds %q", msg, leak)
		}
	}
}

func TestNewRefusesCleartextAndEmptyToken(t *testing.T) {
	if _, err := entra.New("http://graph.example.com/v1.0", client.NewSecret("t")); err == nil {
		t.Error("http to a remote host was accepted")
	}
	if _, err := entra.New(entra.GraphURL, client.Secret{}); err == nil {
		t.Error("an empty token was accepted")
	}
	if _, err := entra.New("http://127.0.0.1:1/graph/v1.0", client.NewSecret("t")); err != nil {
		t.Errorf("loopback http refused: %v", err)
	}
}

func TestDeviceCodeSignInGetsAWorkingToken(t *testing.T) {
	e := newEnv(t, nil)
	var shown entra.DeviceCodePrompt
	tok, err := entra.DeviceCodeSignIn(context.Background(), nil, e.srv.URL+sandbox.LoginPrefix, e.sb.GraphTenantID(), "my-app-registration",
		func(p entra.DeviceCodePrompt) { shown = p })
	if err != nil {
		t.Fatal(err)
	}
	if shown.UserCode == "" || !strings.HasPrefix(shown.VerificationURI, e.srv.URL) {
		t.Errorf("prompt %+v", shown)
	}
	c, err := entra.New(e.srv.URL+sandbox.GraphPrefix, tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.FindServicePrincipals(context.Background(), "Docker"); err != nil {
		t.Fatalf("the device-code token does not work: %v", err)
	}
	if _, err := entra.DeviceCodeSignIn(context.Background(), nil, e.srv.URL+sandbox.LoginPrefix, "t", "", nil); err == nil ||
		!strings.Contains(err.Error(), "--client-id") {
		t.Errorf("no client id: %v", err)
	}
}

// TestGraphTextIsCleaned: names Graph sends reach the caller without escape
// sequences (a window title, a clipboard write), so the command line and
// the wizard print only text.
func TestGraphTextIsCleaned(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"value":[{"id":"g1","displayName":"moby:eng\u001b]0;pwned\u0007\u001b]52;c;Y3VybCBldmls\u0007ineers"}]}`))
	}))
	defer srv.Close()
	c, err := entra.New(srv.URL, client.NewSecret("graph-token"))
	if err != nil {
		t.Fatal(err)
	}
	groups, err := c.GroupsWithPrefix(context.Background(), "moby:")
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].DisplayName != "moby:engineers" {
		t.Fatalf("groups %+v, want the name without escape sequences", groups)
	}
}

// TestGraphRedirectElsewhereRefused: a redirect to another host (here
// 127.0.0.1 to localhost) never gets the request and its token.
func TestGraphRedirectElsewhereRefused(t *testing.T) {
	var reached atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		_, _ = w.Write([]byte(`{"value":[]}`))
	}))
	defer other.Close()
	elsewhere := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c, err := entra.New(srv.URL, client.NewSecret("graph-token"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GroupsWithPrefix(context.Background(), "moby:"); err == nil || reached.Load() != 0 {
		t.Fatalf("redirect to another host followed (%d requests there): %v", reached.Load(), err)
	}
}

func TestListsFollowNextLinkAndAssignEveryGroup(t *testing.T) {
	e := newEnv(t, nil)
	var want []string
	for i := range 150 {
		name := fmt.Sprintf("moby:team%03d", i)
		e.sb.AddGraphGroup(name, "alan.turing@moby.example")
		want = append(want, name)
	}
	c := e.graph(t, nil, true)
	groups, err := c.GroupsWithPrefix(context.Background(), "moby:team")
	if err != nil || len(groups) != 150 {
		t.Fatalf("groups over two pages: %d, %v", len(groups), err)
	}
	s := e.settings()
	s.Groups, s.TestUser = want, ""
	var progress []entra.Progress
	if _, err := entra.Configure(context.Background(), c, s, collect(&progress)); err != nil {
		t.Fatal(err)
	}
	// A second run must see all 150 assignments (two pages) and add none.
	progress = nil
	if _, err := entra.Configure(context.Background(), c, s, collect(&progress)); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if d := details(progress)[entra.StepAssign]; d != "0 assigned, 150 already assigned" {
		t.Errorf("second run assigned: %q", d)
	}
}

func TestNextLinkOffTheGraphEndpointIsRefused(t *testing.T) {
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Store(true)
		}
		_, _ = w.Write([]byte(`{"value":[]}`))
	}))
	defer other.Close()
	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"value":[{"id":"g1","displayName":"moby:a"}],"@odata.nextLink":"` + other.URL + `/v1.0/groups?$skiptoken=1"}`))
	}))
	defer graph.Close()
	c, err := entra.New(graph.URL+"/v1.0", client.NewSecret("a-graph-token"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GroupsWithPrefix(context.Background(), "moby:")
	if err == nil || !strings.Contains(err.Error(), "leaves the Graph endpoint") || leaked.Load() {
		t.Fatalf("err = %v, token sent elsewhere: %v", err, leaked.Load())
	}
}
