package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/okta"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// envOktaToken holds an Okta API token.
const envOktaToken = "DOCKER_SCIM_OKTA_TOKEN"

// OktaConfigureOptions are the okta configure command's flags and what it
// runs with.
type OktaConfigureOptions struct {
	factory *Factory

	sandbox    bool
	oktaURL    string
	tokenStdin bool
	app        string
	org        string
	groups     []string
	json       bool
	dryRun     bool
}

// NewCmdOkta is the okta command group.
func NewCmdOkta(f *Factory) *cobra.Command {
	return newCmdGroup("okta", "Do Okta's group mapping through Okta's API", NewCmdOktaConfigure(f, nil))
}

// NewCmdOktaConfigure is the okta configure command; runF, when not nil,
// runs instead of oktaConfigureRun (tests check the parsed options with
// it).
func NewCmdOktaConfigure(f *Factory, runF func(*OktaConfigureOptions) error) *cobra.Command {
	o := &OktaConfigureOptions{factory: f}
	cmd := &cobra.Command{
		Use:   "configure",
		Short: "Create, assign and push the org:team groups of the Docker app in Okta",
		Long: `configure does the group part of the Okta checklist through Okta's
Management API: find the Docker app by its label, create the missing
organization:team groups, assign them to the app (which provisions their
members) and push them (Group Push). It stops at the first failure with the
fix; run it again to resume.

The app's SCIM connection (base URL, Bearer token, provisioning actions,
Push Groups) has no Okta API: set it up by hand first, as the checklist says.

The API token is read from stdin (--api-token-stdin) or ` + envOktaToken + `;
create it under Security → API → Tokens as an admin who can manage groups and
applications. It stays in memory. --dry-run prints the calls without making
any. --sandbox runs against the built-in sandbox's Okta stand-in (its SCIM
connection is set up for you there, through a sandbox-only endpoint).

` + exitCodesHelp,
		Example: `  docker-scim okta configure --sandbox
  docker-scim okta configure --okta-url https://moby.okta.com --app Docker --org moby --group moby:developers --dry-run
  DOCKER_SCIM_OKTA_TOKEN=... docker-scim okta configure --okta-url https://moby.okta.com --app Docker --org moby`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			return oktaConfigureRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.sandbox, "sandbox", false, "run against the built-in sandbox and its Okta stand-in")
	fl.StringVar(&o.oktaURL, "okta-url", "", "your Okta org's address, e.g. https://moby.okta.com")
	fl.BoolVar(&o.tokenStdin, "api-token-stdin", false, "read the Okta API token from stdin (or set $"+envOktaToken+")")
	fl.StringVar(&o.app, "app", "", "the Docker app's label in Okta")
	fl.StringVar(&o.org, "org", "", "Docker organization: the groups are named organization:team")
	fl.StringSliceVar(&o.groups, "group", nil, "organization:team group to create, assign and push (repeatable; default: every organization:* group)")
	addJSONFlag(cmd, &o.json, "the result")
	fl.BoolVar(&o.dryRun, "dry-run", false, "print the Okta calls without making any")
	return cmd
}

// oktaResult is the command's result, as printed and as JSON.
type oktaResult struct {
	OK      bool               `json:"ok"`
	DryRun  bool               `json:"dry_run,omitempty"`
	Plan    []okta.PlannedCall `json:"plan,omitempty"`
	Steps   []entraStep        `json:"steps,omitempty"`
	Outcome *okta.Outcome      `json:"outcome,omitempty"`
}

// oktaTitles maps the Okta checklist's item ids to their titles.
func oktaTitles() map[okta.StepID]string {
	out := maps.Clone(okta.Titles)
	if cl, err := steps.ChecklistFor(steps.Okta, steps.SAML); err == nil {
		for _, it := range cl.Items {
			out[okta.StepID(it.ID)] = it.Title
		}
	}
	return out
}

// oktaConfigureRun does Okta's group mapping through Okta's API.
func oktaConfigureRun(ctx context.Context, opts *OktaConfigureOptions) error {
	f, o := opts.factory, *opts
	ui := newPlainUI(f.IO, f.IO.ErrOut, &f.global)
	s := okta.Settings{AppLabel: o.app, Org: o.org, Groups: o.groups}
	var token client.Secret
	if o.sandbox {
		run, err := f.StartSandbox()
		if err != nil {
			return err
		}
		defer run.Stop()
		s.Org, token, o.oktaURL = run.Org, run.OktaToken, run.URL+sandbox.OktaPrefix
		if s.AppLabel == "" {
			s.AppLabel = "Docker"
		}
		if len(s.Groups) == 0 {
			s.Groups = []string{run.Org + ":developers"}
		}
		creds, err := client.SandboxConsole{Hub: run.Hub}.SetupSCIM(ctx, run.Org, "conn-okta-saml")
		if err != nil {
			return err
		}
		if err := connectSandboxOkta(ctx, run, s.AppLabel, creds); err != nil {
			return err
		}
		ui.say("Sandbox: SCIM set up on conn-okta-saml and entered in the Okta app's SCIM connection (Okta has no API for that step).")
	}
	if o.dryRun {
		plan, err := okta.Plan(s)
		if err != nil {
			return usagef("%v", err)
		}
		if o.json {
			return writeJSON(f.IO.Out, oktaResult{OK: true, DryRun: true, Plan: plan})
		}
		titles := oktaTitles()
		for _, c := range plan {
			fmt.Fprintf(f.IO.Out, "%s: %s %s", titles[c.Step], c.Method, c.Path)
			if c.When != "" {
				fmt.Fprintf(f.IO.Out, "   (if %s)", c.When)
			}
			fmt.Fprintln(f.IO.Out)
		}
		fmt.Fprintln(f.IO.Out, "Dry run: nothing was called.")
		return nil
	}
	if o.oktaURL == "" {
		return usagef("--okta-url: your Okta org's address is required, e.g. https://moby.okta.com")
	}
	if token.IsZero() {
		tok, err := f.Secret(ctx, secretInput{name: "Okta API token", flag: "--api-token-stdin", env: envOktaToken, fromStdin: o.tokenStdin})
		if err != nil {
			return err
		}
		if tok.IsZero() {
			return usagef("--api-token-stdin (or %s): an Okta API token is required", envOktaToken)
		}
		token = tok
	}
	c, err := okta.New(o.oktaURL, token, nil)
	if err != nil {
		return usagef("--okta-url: %v", err)
	}
	titles := oktaTitles()
	var res oktaResult
	out, cerr := okta.Configure(ctx, c, s, func(p okta.Progress) {
		st := entraStep{ID: string(p.Step), Title: titles[p.Step], State: "done", Detail: p.Detail}
		if p.Err != nil {
			st.State, st.Error = "failed", p.Err.Error()
			ui.say("  ✗ %s", st.Title)
		} else {
			ui.say("  ✓ %s — %s", st.Title, st.Detail)
		}
		res.Steps = append(res.Steps, st)
	})
	res.Outcome, res.OK = &out, cerr == nil
	var oe *okta.Error
	if errors.As(cerr, &oe) && (oe.Status == http.StatusUnauthorized || oe.Status == http.StatusForbidden) {
		cerr = fmt.Errorf("%w: %w", errAuthFailed, cerr)
	}
	if o.json {
		if err := writeJSONResult(f.IO.Out, res, cerr); err != nil {
			return err
		}
	} else {
		for _, st := range res.Steps {
			line := "DONE  " + st.Title + ": " + st.Detail
			if st.Error != "" {
				line = "FAIL  " + st.Title + "\n      " + st.Error
			}
			fmt.Fprintln(f.IO.Out, line)
		}
		if cerr == nil {
			fmt.Fprintf(f.IO.Out, "Result: %s pushed to Docker.\n", strings.Join(out.Pushed, ", "))
		}
	}
	return cerr
}

// connectSandboxOkta enters the SCIM connection in the sandbox's Okta app,
// the step Okta has no API for (sandbox-only endpoint).
func connectSandboxOkta(ctx context.Context, run *sandboxRun, label string, creds client.SCIMCredentials) error {
	c, err := okta.New(run.URL+sandbox.OktaPrefix, run.OktaToken, nil)
	if err != nil {
		return err
	}
	apps, err := c.AppsByLabel(ctx, label)
	if err != nil {
		return err
	}
	if len(apps) != 1 {
		return fmt.Errorf("the sandbox's Okta has %d apps labelled %q", len(apps), label)
	}
	body, _ := json.Marshal(map[string]string{"app": apps[0].ID, "base_url": creds.BaseURL, "token": creds.Token.Value()})
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, run.URL+sandbox.OktaSCIMPath, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "SSWS "+run.OktaToken.Value())
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("the sandbox's Okta SCIM connection: %s", client.Redact(err.Error(), creds.Token, run.OktaToken))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("the sandbox's Okta SCIM connection: %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return nil
}
