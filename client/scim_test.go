package client_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
)

func TestProbeHealthy(t *testing.T) {
	_, s, _ := scimSandbox(t, 0)
	res := s.Probe(context.Background())
	if !res.OK() || len(res.Checks) != 4 {
		t.Fatalf("probe failed: %+v", res)
	}
	if !res.DockerExtension || res.TotalUsers != 1 {
		t.Fatalf("extension %v, users %d; want true, 1 (the seeded SCIM user)", res.DockerExtension, res.TotalUsers)
	}
	for _, c := range res.Checks {
		if c.Latency <= 0 || c.Detail == "" || c.Diagnosis != "" {
			t.Errorf("check %+v", c)
		}
	}
}

// TestProbeWithoutExtensionSchema: Docker's published /Schemas example
// lists only the core User schema, so its absence is reported as seen, not
// as "cannot be mapped" (role mapping uses the extension URN either way).
func TestProbeWithoutExtensionSchema(t *testing.T) {
	published := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,` +
		`"resources":[{"id":"urn:ietf:params:scim:schemas:core:2.0:User","name":"User"}]}`
	_, s, _ := scimSandbox(t, 0, sandbox.WithFault(sandbox.Fault{Path: sandbox.SCIMPath + "/Schemas", Status: 200, Body: published}))
	res := s.Probe(context.Background())
	if !res.OK() || res.DockerExtension {
		t.Fatalf("probe: OK %v, extension %v; want a pass without the extension", res.OK(), res.DockerExtension)
	}
	note := res.ExtensionNote()
	for _, c := range res.Checks {
		if c.Name == client.CheckSchemas && !strings.Contains(c.Detail, note) {
			t.Errorf("Schemas detail %q does not carry the note %q", c.Detail, note)
		}
	}
	for _, want := range []string{"lists no Docker user extension", "published example", client.DockerUserExtension} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q lacks %q", note, want)
		}
	}
	if strings.Contains(note, "cannot") || strings.Contains(note, "not offered") {
		t.Errorf("note %q claims role mapping cannot work", note)
	}
	res.DockerExtension = true
	if n := res.ExtensionNote(); !strings.Contains(n, "lists Docker's user extension") {
		t.Errorf("note with the extension: %q", n)
	}
}

func TestProbeVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     sandbox.Fault
		failing   []string
		diagnosis string
	}{
		{"filter answers 404", sandbox.Fault{Path: sandbox.SCIMPath + "/Users", Status: 404}, []string{client.CheckUserFilter, client.CheckUserCount}, "404"},
		{"schemas broken", sandbox.Fault{Path: sandbox.SCIMPath + "/Schemas", Status: 500}, []string{client.CheckSchemas}, "server error"},
		{"filter ignored", sandbox.Fault{Path: sandbox.SCIMPath + "/Users", Status: 200,
			Body: `{"totalResults":3,"Resources":[{"id":"1","userName":"x@y.example"}]}`}, []string{client.CheckUserFilter}, "not a SCIM response"},
		{"slow server", sandbox.Fault{Path: sandbox.SCIMPath, Latency: 5 * time.Second}, []string{client.CheckServiceProviderConfig, client.CheckUserFilter, client.CheckUserCount, client.CheckSchemas}, "in time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, s, _ := scimSandbox(t, 0, sandbox.WithFault(tc.fault))
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			res := s.Probe(ctx)
			if res.OK() {
				t.Fatal("probe passed")
			}
			for _, c := range res.Checks {
				want := strings.Contains(strings.Join(tc.failing, "|"), c.Name)
				if c.OK == want {
					t.Errorf("%s: OK=%v", c.Name, c.OK)
				}
				if !c.OK && (!strings.Contains(c.Diagnosis, tc.diagnosis) || c.Fix == "" || c.Err == nil) {
					t.Errorf("%s: diagnosis %q fix %q err %v; want it to mention %q", c.Name, c.Diagnosis, c.Fix, c.Err, tc.diagnosis)
				}
			}
		})
	}
}

func TestProbeDiagnoses(t *testing.T) {
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	defer srv.Close()
	tok := client.NewSecret(sb.Credentials().SCIMToken)
	tlsSrv := httptest.NewUnstartedServer(sb)
	tlsSrv.Config.ErrorLog = quietLog()
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	closed := httptest.NewServer(sb)
	closed.Close()
	for _, tc := range []struct {
		name, base string
		token      client.Secret
		diagnosis  string
	}{
		{"wrong token", srv.URL + sandbox.SCIMPath, client.NewSecret("wrong-token-value"), "Docker refused the API Token (401)"},
		{"wrong path", srv.URL + "/v2/scim", tok, "wrong path"},
		{"TLS", tlsSrv.URL + sandbox.SCIMPath, tok, "TLS certificate"},
		{"DNS", "https://no-such-host.invalid" + sandbox.SCIMPath, tok, "does not resolve"},
		{"refused", closed.URL + sandbox.SCIMPath, tok, "connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := client.NewSCIM(tc.base, tc.token, client.WithRetries(0, time.Millisecond, time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			res := s.Probe(context.Background())
			for _, c := range res.Checks {
				if c.OK || !strings.Contains(c.Diagnosis, tc.diagnosis) {
					t.Errorf("%s: OK=%v diagnosis %q, want %q", c.Name, c.OK, c.Diagnosis, tc.diagnosis)
				}
				if strings.Contains(c.Diagnosis+c.Fix+c.Detail+fmt.Sprint(c.Err), tc.token.Value()) {
					t.Errorf("%s leaks the token", c.Name)
				}
			}
		})
	}
}

func TestReadBackSincePagesThroughEverything(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	sb := sandbox.New(sandbox.WithClock(clk.now))
	srv := httptest.NewServer(sb)
	defer srv.Close()
	ctx := context.Background()
	hub, _ := client.NewHub(srv.URL, client.WithClock(clk.now))
	if err := hub.SignIn(ctx, sb.Credentials().Org, client.NewSecret(sb.Credentials().OAT)); err != nil {
		t.Fatal(err)
	}
	creds := client.SCIMCredentials{BaseURL: srv.URL + sandbox.SCIMPath, Token: client.NewSecret(sb.Credentials().SCIMToken)}
	clk.advance(time.Hour)
	since := clk.now()
	const n = 230 // more than one page of 200
	req := client.PushRequest{Group: "moby:developers"}
	for i := range n {
		req.Users = append(req.Users, client.PushUser{UserName: fmt.Sprintf("user%03d@moby.example", i), GivenName: "U", FamilyName: fmt.Sprint(i)})
	}
	res, err := client.SandboxConsole{Hub: hub}.SimulatePush(ctx, creds, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != n || res.Group.DisplayName != "moby:developers" {
		t.Fatalf("push created %d users, group %+v", len(res.Created), res.Group)
	}
	s, _ := client.NewSCIM(creds.BaseURL, creds.Token)
	users, err := s.UsersSince(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != n {
		t.Fatalf("UsersSince returned %d users, want the %d pushed (not the seeded one)", len(users), n)
	}
	if users[0].UserName == "" || users[0].ID == "" || !users[0].Active || users[0].Created.Before(since) {
		t.Fatalf("user decoded as %+v", users[0])
	}
	everyone, err := s.UsersSince(ctx, time.Time{})
	if err != nil || len(everyone) != n+1 {
		t.Fatalf("UsersSince(zero) = %d users, %v; want %d", len(everyone), err, n+1)
	}
	// developers got the pushed users; company got them too (Docker's
	// default team).
	for _, name := range []string{"developers", "company"} {
		team, err := hub.TeamMembers(ctx, "moby", name)
		if err != nil || len(team) < n {
			t.Fatalf("team %s has %d members (%v), want at least %d", name, len(team), err, n)
		}
	}
}

func TestConsoleSteps(t *testing.T) {
	sb, hub := hubSandbox(t, nil)
	ctx := context.Background()
	console := client.SandboxConsole{Hub: hub}
	org, err := console.Org(ctx, "moby")
	if err != nil || org.Name != "moby" || org.Plan == "" || len(org.Domains) == 0 || !org.Domains[0].Verified {
		t.Fatalf("Org = %+v, %v", org, err)
	}
	if len(org.Connections) == 0 || org.Connections[0].ID != "conn-okta-saml" || org.Connections[0].Type != client.SAML {
		t.Fatalf("Org connections = %+v", org.Connections)
	}
	// Docker turns JIT off only while SCIM is on: the refusal says so.
	_, err = console.SetJIT(ctx, "moby", "conn-okta-saml", false)
	if ce := assertKind(t, err, client.KindConflict, 409); !strings.Contains(ce.Error(), "only while SCIM is on") {
		t.Fatalf("SetJIT without SCIM: %v", err)
	}
	conn, err := console.SetJIT(ctx, "moby", sandbox.SeededSCIMConnection, false)
	if err != nil || conn.JIT || conn.ID != sandbox.SeededSCIMConnection {
		t.Fatalf("SetJIT = %+v, %v", conn, err)
	}
	// ... and disables SCIM only while JIT is on.
	if err := console.DisableSCIM(ctx, "moby", sandbox.SeededSCIMConnection); err == nil || !strings.Contains(err.Error(), "only while JIT provisioning is on") {
		t.Fatalf("DisableSCIM with JIT off: %v", err)
	}
	if _, err := console.SetJIT(ctx, "moby", sandbox.SeededSCIMConnection, true); err != nil {
		t.Fatal(err)
	}
	if err := console.DisableSCIM(ctx, "moby", sandbox.SeededSCIMConnection); err != nil {
		t.Fatal(err)
	}
	s, _ := client.NewSCIM(hub.BaseURL()+sandbox.SCIMPath, client.NewSecret(sb.Credentials().SCIMToken))
	_, err = s.ServiceProviderConfig(ctx)
	assertKind(t, err, client.KindUnauthorized, 401)
	err = console.DisableSCIM(ctx, "moby", sandbox.SeededSCIMConnection)
	assertKind(t, err, client.KindConflict, 409)
	_, err = console.SetJIT(ctx, "moby", "nope", true)
	assertKind(t, err, client.KindNotFound, 404)

	var docker client.Console = client.DockerConsole{}
	if _, err := docker.Org(ctx, "moby"); err == nil || !strings.Contains(err.Error(), "Identity & auth") {
		t.Fatalf("DockerConsole.Org: %v", err)
	}
	if err := docker.DisableSCIM(ctx, "moby", "x"); err == nil {
		t.Fatal("DockerConsole.DisableSCIM succeeded")
	}
	if _, err := docker.SetJIT(ctx, "moby", "x", true); err == nil {
		t.Fatal("DockerConsole.SetJIT succeeded")
	}
}

// TestNoSecretInAnyError drives every failure path with real secrets and
// greps each error, in every fmt form, for them.
func TestNoSecretInAnyError(t *testing.T) {
	sb := sandbox.New()
	creds := sb.Credentials()
	scimTok := creds.SCIMToken
	echo := fmt.Sprintf(`{"message":"bad token %s / %s / %s / Bearer %s"}`, creds.OAT, creds.PAT, scimTok, scimTok)
	sb.AddFault(sandbox.Fault{Path: sandbox.SCIMPath + "/Schemas", Status: 400, Body: echo})
	sb.AddFault(sandbox.Fault{Path: "/v2/orgs/moby/groups", Status: 403, Body: echo})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	ctx := context.Background()
	var errs []error
	hub, _ := client.NewHub(srv.URL)
	errs = append(errs, hub.SignIn(ctx, creds.Org, client.NewSecret(creds.OAT+"x")))
	errs = append(errs, hub.SignIn(ctx, creds.User, client.NewSecret(creds.PAT+"x")))
	if err := hub.SignIn(ctx, creds.Org, client.NewSecret(creds.OAT)); err != nil {
		t.Fatal(err)
	}
	errs = append(errs, hub.ValidateOrg(ctx, "moby"))
	s, _ := client.NewSCIM(srv.URL+sandbox.SCIMPath, client.NewSecret(scimTok))
	res := s.Probe(ctx)
	for _, c := range res.Checks {
		errs = append(errs, c.Err)
	}
	bad, _ := client.NewSCIM(srv.URL+sandbox.SCIMPath, client.NewSecret(scimTok+"x"))
	_, err := bad.ServiceProviderConfig(ctx)
	errs = append(errs, err)
	_, err = client.SandboxConsole{Hub: hub}.SimulatePush(ctx, client.SCIMCredentials{Token: client.NewSecret(scimTok + "y")}, client.PushRequest{})
	errs = append(errs, err)
	gone := httptest.NewServer(sb)
	gone.Close()
	deadHub, _ := client.NewHub(gone.URL, client.WithRetries(0, time.Millisecond, time.Millisecond))
	errs = append(errs, deadHub.SignIn(ctx, creds.Org, client.NewSecret(creds.OAT)))

	failures := 0
	for i, err := range errs {
		if err == nil {
			continue
		}
		failures++
		all := fmt.Sprintf("%v %s %+v %#v", err, err, err, err)
		for _, secret := range []string{creds.OAT, creds.PAT, scimTok, creds.OAT[9:], creds.PAT[9:]} {
			if strings.Contains(all, secret) {
				t.Errorf("error %d leaks a secret: %s", i, all)
			}
		}
	}
	if failures < 7 {
		t.Fatalf("only %d of the calls failed; the test did not exercise the error paths", failures)
	}
}
