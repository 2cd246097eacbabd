package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// TestFlowAgainstSandbox runs the wizard on the real sandbox over HTTP and
// checks that the token it shows authenticates Docker's SCIM API.
func TestFlowAgainstSandbox(t *testing.T) {
	cfg, _, url := sandboxConfig(t)
	cfg.Env.Hub = nil // the flow without the Hub API's extra checks
	cb := &fakeClipboard{}
	cfg.Clipboard = cb
	d := newDriver(t, cfg, 100, 30)
	if !strings.Contains(d.screen(), "OneLogin SAML") {
		t.Fatalf("connections not listed:\n%s", d.screen())
	}
	d.enterUntil(steps.StepCredentials)
	d.press("down", "c")
	base := d.m.session.Creds.BaseURL
	if !strings.HasPrefix(base, url) || !strings.Contains(d.screen(), base) {
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
