package cli

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/sandbox"
)

// TestPlainEditSCIMShowsTheValuesAgain: on a connection that has SCIM on,
// the plain mode runs Edit SCIM: the token the identity provider holds is
// shown again, nothing is asked and no new token is issued.
func TestPlainEditSCIMShowsTheValuesAgain(t *testing.T) {
	ctx := context.Background()
	env, sb := sandboxEnv(t)
	p, out := plainOn(env, &WizardOptions{connection: sandbox.SeededSCIMConnection})
	if err := p.connection(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.setupSCIM(ctx); err != nil {
		t.Fatalf("Edit SCIM asked or failed: %v\n%s", err, out)
	}
	if p.run.Creds.Token.Value() != sb.Credentials().SCIMToken || p.refreshed {
		t.Fatalf("Edit SCIM issued a new token (refreshed %v):\n%s", p.refreshed, out)
	}
	if !strings.Contains(out.String(), "Edit SCIM shows its SCIM Base URL and API Token again") {
		t.Fatalf("the output does not say Edit SCIM was used:\n%s", out)
	}
}

// TestPlainRefreshTokenFlag: --refresh-token is the separate, explicit
// action: the sandbox issues a new token for a connection with SCIM on.
func TestPlainRefreshTokenFlag(t *testing.T) {
	ctx := context.Background()
	env, sb := sandboxEnv(t)
	p, out := plainOn(env, &WizardOptions{connection: sandbox.SeededSCIMConnection, refreshToken: true})
	if err := p.connection(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.setupSCIM(ctx); err != nil {
		t.Fatal(err)
	}
	if tok := p.run.Creds.Token.Value(); tok == "" || tok == sb.Credentials().SCIMToken || !p.refreshed {
		t.Fatalf("--refresh-token did not issue a new token:\n%s", out)
	}
}

// TestPlainRefreshAsksFirstAfterARestart: a sandbox restarted from its
// state file cannot show a token issued before (Edit SCIM fails); the plain
// mode then asks before issuing a new one, and without input it needs
// --refresh-token.
func TestPlainRefreshAsksFirstAfterARestart(t *testing.T) {
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
			state := filepath.Join(t.TempDir(), "state.json")
			before := sandbox.New(sandbox.WithState(state))
			first := envOn(t, before, before)
			if _, err := first.Console.SetupSCIM(ctx, first.Org, "conn-okta-saml"); err != nil {
				t.Fatal(err)
			}
			after := sandbox.New(sandbox.WithState(state))
			env := envOn(t, after, after)
			p, out := plainOn(env, &WizardOptions{connection: "conn-okta-saml", refreshToken: tc.flag})
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
			if !tc.flag && !strings.Contains(out.String(), "cannot show its API Token: the sandbox restarted") {
				t.Fatalf("the output does not say why a new token is needed:\n%s", out)
			}
		})
	}
}
