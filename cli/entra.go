package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/entra"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// EntraConfigureOptions are the entra configure command's flags and what
// it runs with.
type EntraConfigureOptions struct {
	factory *Factory

	sandbox         bool
	connection      string
	baseURL         string
	tokenStdin      bool
	graphTokenStdin bool
	graphURL        string
	loginURL        string
	tenant          string
	clientID        string
	app             string
	spID            string
	createApp       bool
	org             string
	groups          []string
	testUser        string
	json            bool
	dryRun          bool
}

// NewCmdEntra is the entra command group.
func NewCmdEntra(f *Factory) *cobra.Command {
	return newCmdGroup("entra", "Configure Microsoft Entra ID provisioning through Microsoft Graph", NewCmdEntraConfigure(f, nil))
}

// NewCmdEntraConfigure is the entra configure command; runF, when not nil,
// runs instead of entraConfigureRun (tests check the parsed options with
// it).
func NewCmdEntraConfigure(f *Factory, runF func(*EntraConfigureOptions) error) *cobra.Command {
	o := &EntraConfigureOptions{factory: f}
	cmd := &cobra.Command{
		Use:   "configure",
		Short: "Do the Entra ID side of SCIM for you: app, job, credentials, groups, start, test user",
		Long: `configure does the Entra ID checklist through Microsoft Graph, each step
labelled as in the manual checklist: find the enterprise app (or create a
non-gallery one with --create-app, which an OIDC connection needs), create
or reuse its provisioning job, save the Tenant URL and Secret Token, run
Test Connection, turn on the groups mapping (objectId → externalId), assign
the organization:team groups, start provisioning, provision --test-user on
demand and read the job status and provisioning logs. It stops at the first
failure with the fix; run it again to resume (what exists is reused).

Sign-in to Microsoft Graph, first that applies: a token on stdin
(--graph-token-stdin) or in ` + envGraphToken + `; the device code flow
with your own app registration's --client-id (and --tenant); the Azure CLI's
sign-in (az account get-access-token --resource-type ms-graph). Tokens stay
in memory. The signed-in user needs the Application Administrator or Cloud
Application Administrator role and the delegated permissions
` + strings.Join(entra.Scopes, ", ") + `.

--dry-run prints the Graph calls without signing in or calling anything.
--sandbox runs everything against the built-in sandbox and its Graph
stand-in: SCIM is set up on the sandbox's Entra connection, and the test
user is read back from Docker.

` + exitCodesHelp,
		Example: `  # Everything offline, on the built-in sandbox
  docker-scim entra configure --sandbox

  # See the calls first, then run them with the Azure CLI's sign-in
  docker-scim entra configure --org moby --app Docker --base-url https://hub.docker.com/v2/scim/2.0 \
      --test-user ada@example.com --dry-run
  DOCKER_SCIM_TOKEN=... docker-scim entra configure --org moby --app Docker \
      --base-url https://hub.docker.com/v2/scim/2.0 --test-user ada@example.com`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.tokenStdin && o.graphTokenStdin {
				return usagef("--token-stdin and --graph-token-stdin both read stdin: set one of them through its environment variable")
			}
			if runF != nil {
				return runF(o)
			}
			return entraConfigureRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.sandbox, "sandbox", false, "run against the built-in sandbox and its Microsoft Graph stand-in")
	fl.StringVar(&o.connection, "connection", "conn-entra-saml", "with --sandbox: the sandbox's SSO connection to set SCIM up on")
	fl.StringVar(&o.baseURL, "base-url", os.Getenv(envBaseURL), "Docker's SCIM Base URL (the Tenant URL) [$"+envBaseURL+"]")
	fl.BoolVar(&o.tokenStdin, "token-stdin", false, "read Docker's SCIM API Token (the Secret Token) from stdin (or set $"+envToken+")")
	fl.BoolVar(&o.graphTokenStdin, "graph-token-stdin", false, "read a Microsoft Graph access token from stdin (or set $"+envGraphToken+")")
	fl.StringVar(&o.graphURL, "graph-url", entra.GraphURL, "Microsoft Graph endpoint")
	fl.StringVar(&o.loginURL, "login-url", entra.LoginURL, "Microsoft identity platform endpoint, for the device code sign-in")
	fl.StringVar(&o.tenant, "tenant", envOr(envGraphTenant, "organizations"), "tenant id or domain, for the device code sign-in [$"+envGraphTenant+"]")
	fl.StringVar(&o.clientID, "client-id", os.Getenv(envGraphClientID), "Application (client) ID of your own app registration, for the device code sign-in [$"+envGraphClientID+"]")
	fl.StringVar(&o.app, "app", "", "display name of the Entra enterprise app")
	fl.StringVar(&o.spID, "sp-id", "", "object id of the enterprise app's service principal (instead of --app)")
	fl.BoolVar(&o.createApp, "create-app", false, "create a non-gallery app named --app when none exists (OIDC connections need one)")
	fl.StringVar(&o.org, "org", "", "Docker organization: the groups organization:team are assigned")
	fl.StringSliceVar(&o.groups, "group", nil, "organization:team group to assign (repeatable; default: every organization:* group)")
	fl.StringVar(&o.testUser, "test-user", "", "userPrincipalName of a user to provision on demand and look for in Docker")
	addJSONFlag(cmd, &o.json, "the result")
	fl.BoolVar(&o.dryRun, "dry-run", false, "print the Graph calls without making any")
	return cmd
}

// entraResult is the command's result, as printed and as JSON.
type entraResult struct {
	OK      bool                `json:"ok"`
	DryRun  bool                `json:"dry_run,omitempty"`
	Plan    []entra.PlannedCall `json:"plan,omitempty"`
	Steps   []entraStep         `json:"steps,omitempty"`
	Outcome *entra.Outcome      `json:"outcome,omitempty"`
	// SeenInDocker is set when the test user was read back from Docker.
	SeenInDocker *bool `json:"seen_in_docker,omitempty"`
}

// entraStep is one checklist item done through Microsoft Graph, as the
// wizard's result records it.
type entraStep = flow.EntraStep

// entraTitles maps the checklist's item ids to their titles, so each step
// shows the label of the manual checklist.
func entraTitles() map[entra.StepID]string {
	out := map[entra.StepID]string{}
	for _, ct := range []steps.ConnectionType{steps.SAML, steps.OIDC} {
		cl, err := steps.ChecklistFor(steps.Entra, ct)
		if err != nil {
			continue
		}
		for _, it := range cl.Items {
			out[entra.StepID(it.ID)] = it.Title
		}
	}
	return out
}

// entraConfigureRun does the Entra checklist through Microsoft Graph.
func entraConfigureRun(ctx context.Context, opts *EntraConfigureOptions) error {
	f, o := opts.factory, *opts
	ui := newPlainUI(f.IO, f.IO.ErrOut, &f.global)
	s := entra.Settings{AppName: o.app, ServicePrincipalID: o.spID, CreateApp: o.createApp, Org: o.org, Groups: o.groups, TestUser: o.testUser}
	signIn := func(ctx context.Context) (client.Secret, error) { return f.graphSignIn(ctx, o, ui) }
	if o.sandbox {
		run, err := f.StartSandbox()
		if err != nil {
			return err
		}
		defer run.Stop()
		creds, err := client.SandboxConsole{Hub: run.Hub}.SetupSCIM(ctx, run.Org, o.connection)
		if err != nil {
			return err
		}
		ui.say("Sandbox: SCIM set up on %s; its SCIM Base URL and API Token go to Entra without a copy.", o.connection)
		s.SCIMBaseURL, s.SCIMToken, s.Org = creds.BaseURL, creds.Token, run.Org
		if s.AppName == "" && s.ServicePrincipalID == "" {
			s.AppName = "Docker"
			if o.connection == "conn-entra-oidc" {
				s.AppName, s.CreateApp = "Docker SCIM", true
			}
		}
		g := sandboxGraph(run.URL)
		if s.TestUser == "" {
			s.TestUser = g.TestUser
		}
		o.graphURL = g.URL
		signIn = func(ctx context.Context) (client.Secret, error) {
			return g.SignIn(ctx, func(entra.DeviceCodePrompt) {})
		}
	} else {
		base, notes, err := client.NormalizeBaseURL(o.baseURL)
		if o.baseURL == "" {
			return usagef("--base-url (or %s): Docker's SCIM Base URL is required", envBaseURL)
		}
		if err != nil {
			return usagef("--base-url: %v", err)
		}
		for _, n := range notes {
			ui.say("Note: %s.", n)
		}
		s.SCIMBaseURL = base
		if o.dryRun {
			s.SCIMToken = client.NewSecret("not-read-in-a-dry-run")
		} else if s.SCIMToken, err = f.SCIMToken(ctx, o.tokenStdin); err != nil {
			return err
		} else if s.SCIMToken.IsZero() {
			return usagef("--token-stdin (or %s): Docker's SCIM API Token is required", envToken)
		}
	}
	if o.dryRun {
		plan, err := entra.Plan(s)
		if err != nil {
			return usagef("%v", err)
		}
		res := entraResult{OK: true, DryRun: true, Plan: plan}
		if o.json {
			return writeJSON(f.IO.Out, res)
		}
		writeEntraPlan(f.IO.Out, plan)
		return nil
	}
	scim, err := client.NewSCIM(s.SCIMBaseURL, s.SCIMToken)
	if err != nil {
		return usagef("--base-url: %v", err)
	}
	graphToken, err := signIn(ctx)
	if err != nil {
		return err
	}
	gc, err := entra.New(o.graphURL, graphToken)
	if err != nil {
		return usagef("--graph-url: %v", err)
	}
	titles := entraTitles()
	var res entraResult
	started := time.Now().Add(-time.Second)
	out, cerr := entra.Configure(ctx, gc, s, func(p entra.Progress) {
		st := entraStep{ID: string(p.Step), Title: titles[p.Step], State: string(p.State), Detail: p.Detail}
		switch p.State {
		case entra.Running:
			return
		case entra.Done:
			ui.say("  ✓ %s — %s", st.Title, st.Detail)
		case entra.Failed:
			st.Error = p.Err.Error()
			ui.say("  ✗ %s", st.Title)
		}
		res.Steps = append(res.Steps, st)
	})
	res.Outcome = &out
	if cerr == nil && s.TestUser != "" {
		users, err := scim.UsersSince(ctx, started.Add(-24*time.Hour))
		seen := err == nil && slices.ContainsFunc(users, func(u client.User) bool { return strings.EqualFold(u.UserName, s.TestUser) })
		res.SeenInDocker = &seen
		if err != nil {
			cerr = err
		} else if !seen {
			cerr = fmt.Errorf("the test user %s was provisioned by Entra, but Docker's SCIM API does not list the user: read the provisioning logs", s.TestUser)
		}
	}
	res.OK = cerr == nil
	var ge *entra.Error
	if errors.As(cerr, &ge) && (ge.Kind == entra.KindUnauthorized || ge.Kind == entra.KindPermission) {
		cerr = fmt.Errorf("%w: %w", errAuthFailed, cerr)
	}
	if o.json {
		if err := writeJSONResult(f.IO.Out, res, cerr); err != nil {
			return err
		}
	} else {
		writeEntraResult(f.IO.Out, res, s.TestUser)
	}
	return cerr
}

// graphSignIn gets a Microsoft Graph token from the command's flags (see
// graphLogin for the order); a device code is shown on stderr.
func (f *Factory) graphSignIn(ctx context.Context, o EntraConfigureOptions, ui *plainUI) (client.Secret, error) {
	tok, err := f.Secret(ctx, secretInput{name: "Microsoft Graph access token", flag: "--graph-token-stdin", env: envGraphToken, fromStdin: o.graphTokenStdin})
	if err != nil {
		return client.Secret{}, err
	}
	l := graphLogin{token: tok, loginURL: o.loginURL, tenant: o.tenant, clientID: o.clientID}
	tok, err = l.signIn(ctx, func(p entra.DeviceCodePrompt) { ui.say("Sign in to Microsoft Graph: %s", p.Message) })
	if err == nil && l.token.IsZero() && l.clientID == "" {
		ui.say("Signed in to Microsoft Graph with the Azure CLI's account.")
	}
	return tok, err
}

func writeEntraPlan(w io.Writer, plan []entra.PlannedCall) {
	titles := entraTitles()
	last := entra.StepID("")
	for _, c := range plan {
		if c.Step != last {
			fmt.Fprintf(w, "%s\n", titles[c.Step])
			last = c.Step
		}
		fmt.Fprintf(w, "  %s %s", c.Method, c.Path)
		if c.When != "" {
			fmt.Fprintf(w, "   (if %s)", c.When)
		}
		fmt.Fprintln(w)
		if c.Body != nil {
			b, _ := json.Marshal(c.Body)
			fmt.Fprintf(w, "      %s\n", b)
		}
	}
	fmt.Fprintln(w, "Dry run: nothing was signed in to or called.")
}

func writeEntraResult(w io.Writer, res entraResult, testUser string) {
	for _, st := range res.Steps {
		mark := "DONE"
		if st.State == string(entra.Failed) {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "%s  %s", mark, st.Title)
		if st.Detail != "" {
			fmt.Fprintf(w, ": %s", st.Detail)
		}
		fmt.Fprintln(w)
		if st.Error != "" {
			fmt.Fprintf(w, "      %s\n", st.Error)
		}
	}
	if res.SeenInDocker != nil && *res.SeenInDocker {
		fmt.Fprintf(w, "Result: %s is provisioned and seen in Docker.\n", testUser)
	} else if res.OK {
		fmt.Fprintln(w, "Result: Entra provisioning is configured and started.")
	} else {
		fmt.Fprintln(w, "Result: stopped at the failed step; fix it and run the same command again to resume.")
	}
}
