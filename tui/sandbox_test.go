package tui

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// TestFlowAgainstSandbox runs the wizard on the real sandbox over HTTP and
// checks that the token it shows authenticates Docker's SCIM API.
func TestFlowAgainstSandbox(t *testing.T) {
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	defer srv.Close()
	hub, err := client.NewHub(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	creds := sb.Credentials()
	if err := hub.SignIn(context.Background(), creds.Org, client.NewSecret(creds.OAT)); err != nil {
		t.Fatal(err)
	}
	cb := &fakeClipboard{}
	d := newDriver(t, Config{Org: creds.Org, Console: client.SandboxConsole{Hub: hub}, Clipboard: cb, Sandbox: true}, 100, 30)
	if !strings.Contains(d.screen(), "OneLogin SAML") {
		t.Fatalf("connections not listed:\n%s", d.screen())
	}
	d.enterUntil(steps.StepCredentials)
	d.press("down", "c")
	base := d.m.session.creds.BaseURL
	if !strings.HasPrefix(base, srv.URL) || !strings.Contains(d.screen(), base) {
		t.Fatalf("base URL %q not shown:\n%s", base, d.screen())
	}
	scim, err := client.NewSCIM(base, client.NewSecret(cb.text))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scim.ServiceProviderConfig(context.Background()); err != nil {
		t.Fatalf("copied token does not authenticate: %v", err)
	}
}
