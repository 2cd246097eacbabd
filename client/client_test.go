package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
)

// newSandbox serves a fresh sandbox over real HTTP on loopback.
func newSandbox(t *testing.T) (*sandbox.Server, string) {
	t.Helper()
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return sb, srv.URL
}

func signedIn(t *testing.T) (*client.Hub, sandbox.Credentials) {
	t.Helper()
	sb, url := newSandbox(t)
	hub, err := client.NewHub(url)
	if err != nil {
		t.Fatal(err)
	}
	creds := sb.Credentials()
	if err := hub.SignIn(context.Background(), creds.Org, client.NewSecret(creds.OAT)); err != nil {
		t.Fatal(err)
	}
	return hub, creds
}

func assertKind(t *testing.T, err error, want client.Kind, status int) *client.Error {
	t.Helper()
	var ce *client.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *client.Error", err, err)
	}
	if ce.Kind != want || ce.Status != status {
		t.Fatalf("got kind %v status %d, want %v %d (%v)", ce.Kind, ce.Status, want, status, err)
	}
	return ce
}

func TestSetupSCIMTokenAuthenticatesServiceProviderConfig(t *testing.T) {
	hub, creds := signedIn(t)
	ctx := context.Background()
	console := client.SandboxConsole{Hub: hub}

	conns, err := console.Connections(ctx, creds.Org)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, c := range conns {
		kinds[c.IdP+"/"+string(c.Type)] = true
	}
	for _, want := range []string{"okta/saml", "entra/saml", "entra/azure_ad_oidc", "onelogin/saml"} {
		if !kinds[want] {
			t.Errorf("seed lacks a %s connection; have %v", want, kinds)
		}
	}

	scimCreds, err := console.SetupSCIM(ctx, creds.Org, conns[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(scimCreds.BaseURL, "/v2/scim/2.0") || scimCreds.Token.IsZero() {
		t.Fatalf("unexpected SCIM credentials: base %q", scimCreds.BaseURL)
	}

	good, err := client.NewSCIM(scimCreds.BaseURL, scimCreds.Token)
	if err != nil {
		t.Fatal(err)
	}
	spc, err := good.ServiceProviderConfig(ctx)
	if err != nil {
		t.Fatalf("the token from Setup SCIM was refused: %v", err)
	}
	if !spc.Filter.Supported || spc.Filter.MaxResults != 200 {
		t.Errorf("unexpected ServiceProviderConfig: %+v", spc)
	}

	wrong := client.NewSecret(scimCreds.Token.Value() + "x")
	bad, _ := client.NewSCIM(scimCreds.BaseURL, wrong)
	_, err = bad.ServiceProviderConfig(ctx)
	ce := assertKind(t, err, client.KindUnauthorized, 401)
	for _, secret := range []string{wrong.Value(), scimCreds.Token.Value()} {
		if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v %#v", ce, ce), secret) {
			t.Fatalf("error leaks the token: %v", err)
		}
	}
	if !strings.Contains(err.Error(), "copy it again from Identity & auth → SSO and SCIM → Actions → Edit SCIM") {
		t.Errorf("401 error does not say what to do: %v", err)
	}
}

func TestSetupSCIMTwiceConflictsAndRefreshReplacesToken(t *testing.T) {
	hub, creds := signedIn(t)
	ctx := context.Background()
	console := client.SandboxConsole{Hub: hub}
	first, err := console.SetupSCIM(ctx, creds.Org, "conn-okta-saml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = console.SetupSCIM(ctx, creds.Org, "conn-okta-saml")
	assertKind(t, err, client.KindConflict, 409)

	second, err := console.RefreshSCIMToken(ctx, creds.Org, "conn-okta-saml")
	if err != nil {
		t.Fatal(err)
	}
	old, _ := client.NewSCIM(first.BaseURL, first.Token)
	_, err = old.ServiceProviderConfig(ctx)
	assertKind(t, err, client.KindUnauthorized, 401)
	cur, _ := client.NewSCIM(second.BaseURL, second.Token)
	if _, err := cur.ServiceProviderConfig(ctx); err != nil {
		t.Fatalf("refreshed token refused: %v", err)
	}
}

// TestEditSCIMShowsTheValuesAgain: Edit SCIM returns the token Setup SCIM
// issued, which keeps working; after a sandbox restart from its state file
// the token cannot be shown (only its hash was kept), and the error says to
// issue a new one without echoing any token.
func TestEditSCIMShowsTheValuesAgain(t *testing.T) {
	ctx := context.Background()
	state := filepath.Join(t.TempDir(), "state.json")
	start := func() (client.SandboxConsole, sandbox.Credentials) {
		sb := sandbox.New(sandbox.WithState(state))
		srv := httptest.NewServer(sb)
		t.Cleanup(srv.Close)
		hub, err := client.NewHub(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		creds := sb.Credentials()
		if err := hub.SignIn(ctx, creds.Org, client.NewSecret(creds.OAT)); err != nil {
			t.Fatal(err)
		}
		return client.SandboxConsole{Hub: hub}, creds
	}
	console, creds := start()
	_, err := console.EditSCIM(ctx, creds.Org, "conn-okta-saml")
	assertKind(t, err, client.KindConflict, 409)
	issued, err := console.SetupSCIM(ctx, creds.Org, "conn-okta-saml")
	if err != nil {
		t.Fatal(err)
	}
	shown, err := console.EditSCIM(ctx, creds.Org, "conn-okta-saml")
	if err != nil || shown.BaseURL != issued.BaseURL || shown.Token.Value() != issued.Token.Value() {
		t.Fatalf("Edit SCIM: %v, same values %v", err, shown.Token.Value() == issued.Token.Value())
	}
	scim, _ := client.NewSCIM(shown.BaseURL, shown.Token)
	if _, err := scim.ServiceProviderConfig(ctx); err != nil {
		t.Fatalf("the token Edit SCIM showed is refused: %v", err)
	}

	console, creds = start()
	_, err = console.EditSCIM(ctx, creds.Org, "conn-okta-saml")
	if !errors.Is(err, client.ErrTokenNotKept) || !strings.Contains(err.Error(), "Issue a new API Token") ||
		strings.Contains(err.Error(), issued.Token.Value()) {
		t.Fatalf("Edit SCIM after a restart: %v", err)
	}
}

func TestSignIn(t *testing.T) {
	sb, url := newSandbox(t)
	creds := sb.Credentials()
	ctx := context.Background()
	for _, tc := range []struct {
		name, identifier, secret string
		ok                       bool
	}{
		{"OAT with org", creds.Org, creds.OAT, true},
		{"PAT with user", creds.User, creds.PAT, true},
		{"OAT with user", creds.User, creds.OAT, false},
		{"wrong PAT", creds.User, creds.PAT + "nope", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hub, _ := client.NewHub(url)
			err := hub.SignIn(ctx, tc.identifier, client.NewSecret(tc.secret))
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			assertKind(t, err, client.KindUnauthorized, 401)
			if strings.Contains(err.Error(), tc.secret) {
				t.Fatalf("error leaks the secret: %v", err)
			}
		})
	}
}

func TestConsoleErrors(t *testing.T) {
	hub, creds := signedIn(t)
	ctx := context.Background()
	console := client.SandboxConsole{Hub: hub}
	_, err := console.Connections(ctx, "no-such-org")
	assertKind(t, err, client.KindNotFound, 404)
	_, err = console.SetupSCIM(ctx, creds.Org, "no-such-connection")
	assertKind(t, err, client.KindNotFound, 404)

	unsigned, _ := client.NewHub(hub.BaseURL())
	_, err = client.SandboxConsole{Hub: unsigned}.Connections(ctx, creds.Org)
	assertKind(t, err, client.KindUnauthorized, 401)
}

func TestDockerConsoleSaysUseDockerHome(t *testing.T) {
	_, err := client.DockerConsole{}.SetupSCIM(context.Background(), "moby", "x")
	if !errors.Is(err, client.ErrNoConsoleAPI) {
		t.Fatalf("got %v, want ErrNoConsoleAPI", err)
	}
	if !strings.Contains(err.Error(), "Docker Home → Identity & auth → SSO and SCIM") {
		t.Errorf("error does not point at Docker Home's SSO and SCIM page: %v", err)
	}
}

func TestNetworkErrorsAreTyped(t *testing.T) {
	srv := httptest.NewServer(sandbox.New())
	url := srv.URL
	srv.Close()
	hub, _ := client.NewHub(url)
	err := hub.SignIn(context.Background(), "moby", client.NewSecret("dckr_oat_secretvalue"))
	assertKind(t, err, client.KindNetwork, 0)
	if strings.Contains(err.Error(), "dckr_oat_secretvalue") {
		t.Fatal("network error leaks the secret")
	}
}

func TestBaseURLMustBeHTTPSOrLoopback(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://hub.docker.com", true},
		{"http://127.0.0.1:8080", true},
		{"http://localhost:1", true},
		{"http://[::1]:1", true},
		{"http://hub.docker.com", false},
		{"ftp://hub.docker.com", false},
		{"hub.docker.com", false},
		{"", false},
	} {
		_, err := client.NewHub(tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("NewHub(%q): err=%v, want ok=%v", tc.url, err, tc.ok)
		}
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := client.NewSecret("dckr_pat_abcdef")
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %s %q %#v %+v %x", s, s, s, s, s, s)} {
		if strings.Contains(out, "abcdef") {
			t.Fatalf("secret printed: %s", out)
		}
	}
	if s.Value() != "dckr_pat_abcdef" {
		t.Fatal("Value lost the secret")
	}
}
