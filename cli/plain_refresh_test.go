package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// TestPlainRefreshAsksFirst: refreshing the API Token of a connection that
// has SCIM already breaks the identity provider's provisioning, so the plain
// mode asks first, and without input it needs --refresh-token.
func TestPlainRefreshAsksFirst(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		flag    bool
		answers []string
		refresh bool
	}{
		{"no input, no flag", false, nil, false},
		{"no input, --refresh-token", true, nil, true},
		{"asked, n", false, []string{"n"}, false},
		{"asked, y", false, []string{"y", ""}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, _ := sandboxEnv(t)
			p, out := plainOn(env, &WizardOptions{connection: sandbox.SeededSCIMConnection, refreshToken: tc.flag})
			if tc.answers != nil {
				answering(p, tc.answers...)
			}
			if err := p.connection(ctx); err != nil {
				t.Fatal(err)
			}
			err := p.setupSCIM(ctx)
			if got := err == nil; got != tc.refresh {
				t.Fatalf("refreshed = %v (err %v), want %v; output:\n%s", got, err, tc.refresh, out)
			}
			var ue *usageError
			if tc.answers == nil && !tc.flag && (!errors.As(err, &ue) || !strings.Contains(err.Error(), "--refresh-token")) {
				t.Fatalf("without input the error does not name --refresh-token: %v", err)
			}
			if tc.refresh && !p.refreshed {
				t.Fatal("the refresh is not recorded for the Done step")
			}
		})
	}
}

// TestPlainOffersTheIssuedToken: a token issued by this run is offered at a
// prompt (a screen reader user cannot see the wizard's reveal), instead of
// "rerun with --show-token", which would issue another.
func TestPlainOffersTheIssuedToken(t *testing.T) {
	ctx := context.Background()
	env, _ := sandboxEnv(t)
	p, out := plainOn(env, &WizardOptions{connection: "conn-okta-saml"})
	answering(p, "s")
	if err := p.connection(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.setupSCIM(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.credentials(ctx); err != nil {
		t.Fatal(err)
	}
	if tok := p.run.Creds.Token.Value(); tok == "" || !strings.Contains(out.String(), "API Token → ") || !strings.Contains(out.String(), tok) {
		t.Fatalf("the issued token was not shown after s:\n%s", out)
	}
	if strings.Contains(out.String(), "rerun with --show-token") {
		t.Fatalf("the plain mode still sends the admin to a rerun:\n%s", out)
	}
}

// TestPlainReadBackOffersThePush: on the built-in sandbox, which nothing
// outside the run can push to, the plain mode's read-back offers the IdP
// simulator's push, and the pushed user is read back.
func TestPlainReadBackOffersThePush(t *testing.T) {
	ctx := context.Background()
	env, _ := sandboxEnv(t)
	p, out := plainOn(env, &WizardOptions{connection: "conn-okta-saml", idp: "okta"})
	answering(p, "p", "d")
	if err := p.connection(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.setupSCIM(ctx); err != nil {
		t.Fatal(err)
	}
	p.run.ChooseIdP(steps.Okta)
	if err := p.readBack(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "The IdP simulator pushed the user docker-scim-test-") || len(p.run.Feed.Users) == 0 {
		t.Fatalf("no push offered, or the pushed user was not read back:\n%s", out)
	}
}
