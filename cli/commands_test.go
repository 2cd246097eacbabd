package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
	"github.com/docker-scim/docker-scim/tui"
)

// optionsFactory is a factory on empty streams: commands built with it
// and a runF parse their flags without running.
func optionsFactory() *Factory {
	return &Factory{IO: &IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, Version: "test"}
}

// parse runs cmd on the space-separated args; the command's runF records
// what it got.
func parse(t *testing.T, cmd *cobra.Command, args string) error {
	t.Helper()
	cmd.SetArgs(strings.Fields(args))
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	_, err := cmd.ExecuteC()
	return err
}

// optionsCase is one command line and what parsing it must give: an
// error containing wantErr (a usage error, exit code 2, when usage is
// set), or options that check accepts.
type optionsCase[T any] struct {
	name    string
	args    string
	env     map[string]string
	wantErr string
	check   func(*T) string
}

// runOptionsCases builds a command per case with newCmd and a runF that
// keeps the options, runs it, and checks the outcome.
func runOptionsCases[T any](t *testing.T, newCmd func(*Factory, func(*T) error) *cobra.Command, cases []optionsCase[T]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var got *T
			err := parse(t, newCmd(optionsFactory(), func(o *T) error { got = o; return nil }), tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%q: err %v, want one containing %q", tc.args, err, tc.wantErr)
				}
				if got != nil {
					t.Fatalf("%q: the command ran although its flags were refused", tc.args)
				}
				return
			}
			if err != nil || got == nil {
				t.Fatalf("%q: err %v, ran %v", tc.args, err, got != nil)
			}
			if msg := tc.check(got); msg != "" {
				t.Fatalf("%q: %s", tc.args, msg)
			}
		})
	}
}

// want is "" when ok, else the mismatch described.
func want(ok bool, format string, args ...any) string {
	if ok {
		return ""
	}
	return fmt.Sprintf(format, args...)
}

func TestNewCmdRootOptions(t *testing.T) {
	runOptionsCases(t, NewCmdRoot, []optionsCase[WizardOptions]{
		{name: "defaults", args: "", check: func(o *WizardOptions) string {
			return want(o.plan.clipboard == tui.ClipboardAuto && o.jit == "" && o.plan.idp == "" && !o.json,
				"defaults: clipboard %q, jit %q, idp %q, json %v", o.plan.clipboard, o.jit, o.plan.idp, o.json)
		}},
		{name: "export dir", args: "--export-dir /tmp/runbooks", check: func(o *WizardOptions) string {
			return want(o.exportDir == "/tmp/runbooks", "export dir %q", o.exportDir)
		}},
		{name: "idp alias", args: "--idp azure --connection-type azure_ad_oidc --json", check: func(o *WizardOptions) string {
			return want(o.plan.idp == steps.Entra && o.plan.connectionType == steps.OIDC && o.json,
				"idp %q, connection type %q, json %v", o.plan.idp, o.plan.connectionType, o.json)
		}},
		{name: "env answers", args: "", env: map[string]string{envIdP: "onelogin", "DOCKER_SCIM_JIT": "off", "DOCKER_SCIM_CLIPBOARD": "osc52"},
			check: func(o *WizardOptions) string {
				return want(o.plan.idp == steps.OneLogin && o.jit == "off" && o.plan.clipboard == tui.ClipboardOSC52,
					"idp %q, jit %q, clipboard %q", o.plan.idp, o.jit, o.plan.clipboard)
			}},
		{name: "unknown idp", args: "--idp myidp", wantErr: `invalid argument "myidp" for "--idp" flag: valid values are okta, entra, onelogin`},
		{name: "unknown connection type", args: "--connection-type ldap", wantErr: "valid values are saml, oidc"},
		{name: "unknown clipboard", args: "--clipboard fax", wantErr: "valid values are auto, native, osc52"},
		{name: "unknown jit", args: "--jit maybe", wantErr: "valid values are on, off"},
		{name: "unknown jit from env", args: "", env: map[string]string{"DOCKER_SCIM_JIT": "maybe"},
			wantErr: `$DOCKER_SCIM_JIT "maybe" (the default of --jit): valid values are on, off`},
		{name: "two secrets on stdin", args: "--token-stdin --hub-token-stdin", wantErr: "both read stdin"},
		{name: "state without sandbox", args: "--sandbox-state big.json", wantErr: "add --sandbox"},
		{name: "sandbox with base url", args: "--sandbox --base-url https://hub.docker.com/v2/scim/2.0", wantErr: "the sandbox makes its own"},
		{name: "bad hub url", args: "--hub-url ftp://hub.example", wantErr: "--hub-url"},
		{name: "argument", args: "moby", wantErr: "unknown command"},
	})
}

func TestNewCmdRootErrorsAreUsageErrors(t *testing.T) {
	for _, args := range []string{"--jit maybe", "--idp myidp", "--token-stdin --hub-token-stdin"} {
		err := parse(t, NewCmdRoot(optionsFactory(), func(*WizardOptions) error { return nil }), args)
		if exitCode(err) != exitUsage {
			t.Errorf("%q: exit code %d (%v), want %d", args, exitCode(err), err, exitUsage)
		}
	}
}

func TestNewCmdVerifyOptions(t *testing.T) {
	runOptionsCases(t, NewCmdVerify, []optionsCase[VerifyOptions]{
		{name: "flags", args: "--base-url https://hub.docker.com/v2/scim/2.0 --token-stdin --json", check: func(o *VerifyOptions) string {
			return want(o.baseURL == "https://hub.docker.com/v2/scim/2.0" && o.tokenStdin && o.json, "got %+v", *o)
		}},
		{name: "base url from env", args: "", env: map[string]string{envBaseURL: "https://example.com/scim"}, check: func(o *VerifyOptions) string {
			return want(o.baseURL == "https://example.com/scim" && !o.tokenStdin, "got %+v", *o)
		}},
		{name: "token as a flag", args: "--token abc", wantErr: "unknown flag: --token"},
		{name: "argument", args: "https://example.com", wantErr: "unknown command"},
	})
}

func TestNewCmdChecklistOptions(t *testing.T) {
	runOptionsCases(t, NewCmdChecklist, []optionsCase[ChecklistOptions]{
		{name: "defaults", args: "--idp okta", check: func(o *ChecklistOptions) string {
			return want(o.idp == "okta" && o.connectionType == "saml" && o.format == "markdown", "got %+v", *o)
		}},
		{name: "md alias and env type", args: "--idp entra --format md", env: map[string]string{envConnectionType: "oidc"},
			check: func(o *ChecklistOptions) string {
				return want(o.format == "md" && o.connectionType == "oidc", "got %+v", *o)
			}},
		{name: "groups with org", args: "--idp okta --org moby --group moby:dev --group Devs", check: func(o *ChecklistOptions) string {
			return want(len(o.groups) == 2 && o.org == "moby", "got %+v", *o)
		}},
		{name: "group without org", args: "--idp okta --group moby:dev", wantErr: "--group needs --org"},
		{name: "unknown format", args: "--idp okta --format yaml", wantErr: "valid values are markdown, json"},
		{name: "unknown idp", args: "--idp myidp", wantErr: "valid values are okta, entra, onelogin"},
	})
}

func TestNewCmdVersionOptions(t *testing.T) {
	runOptionsCases(t, NewCmdVersion, []optionsCase[VersionOptions]{
		{name: "no flags", args: "", check: func(o *VersionOptions) string {
			return want(o.factory.Version == "test", "version %q", o.factory.Version)
		}},
		{name: "argument", args: "1.0", wantErr: "unknown command"},
	})
}

func TestNewCmdPluginMetadataOptions(t *testing.T) {
	runOptionsCases(t, NewCmdPluginMetadata, []optionsCase[PluginMetadataOptions]{
		{name: "no flags", args: "", check: func(o *PluginMetadataOptions) string { return want(o.factory != nil, "no factory") }},
		{name: "a flag", args: "--json", wantErr: "unknown flag: --json"},
	})
}

func TestNewCmdMembersOptions(t *testing.T) {
	runOptionsCases(t, NewCmdMembers, []optionsCase[MembersOptions]{
		{name: "states and idp alias", args: "--org moby --state will-link --state email-mismatch --idp azure-ad --json", check: func(o *MembersOptions) string {
			return want(o.idpID == steps.Entra && len(o.linkStates) == 2 && o.linkStates[0] == flow.MemberWillLink && o.json,
				"idp %q, states %v, json %v", o.idpID, o.linkStates, o.json)
		}},
		{name: "unknown state", args: "--org moby --state unlinked", wantErr: `invalid argument "unlinked" for "--state" flag: valid values are will-link`},
		{name: "unknown idp", args: "--org moby --idp myidp", wantErr: "valid values are okta, entra, onelogin"},
		{name: "disable jit without connection", args: "--org moby --disable-jit", wantErr: "--disable-jit needs --connection"},
		{name: "two secrets on stdin", args: "--token-stdin --hub-token-stdin", wantErr: "both read stdin"},
	})
}

func TestNewCmdEntraConfigureOptions(t *testing.T) {
	runOptionsCases(t, NewCmdEntraConfigure, []optionsCase[EntraConfigureOptions]{
		{name: "defaults", args: "", check: func(o *EntraConfigureOptions) string {
			return want(o.connection == "conn-entra-saml" && o.tenant == "organizations" && !o.sandbox && !o.json, "got %+v", *o)
		}},
		{name: "flags", args: "--sandbox --connection conn-entra-oidc --group moby:a,moby:b --group moby:c --dry-run --json",
			check: func(o *EntraConfigureOptions) string {
				return want(o.sandbox && o.connection == "conn-entra-oidc" && len(o.groups) == 3 && o.dryRun && o.json, "got %+v", *o)
			}},
		{name: "tenant from env", args: "", env: map[string]string{envGraphTenant: "contoso.onmicrosoft.com"}, check: func(o *EntraConfigureOptions) string {
			return want(o.tenant == "contoso.onmicrosoft.com", "tenant %q", o.tenant)
		}},
		{name: "two secrets on stdin", args: "--token-stdin --graph-token-stdin", wantErr: "both read stdin"},
	})
}

func TestNewCmdOktaConfigureOptions(t *testing.T) {
	runOptionsCases(t, NewCmdOktaConfigure, []optionsCase[OktaConfigureOptions]{
		{name: "flags", args: "--okta-url https://moby.okta.com --app Docker --org moby --group moby:dev --api-token-stdin --dry-run --json",
			check: func(o *OktaConfigureOptions) string {
				return want(o.oktaURL == "https://moby.okta.com" && o.app == "Docker" && o.org == "moby" && len(o.groups) == 1 &&
					o.tokenStdin && o.dryRun && o.json, "got %+v", *o)
			}},
		{name: "token as a flag", args: "--api-token abc", wantErr: "unknown flag: --api-token"},
	})
}
