package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
)

// VerifyOptions are the verify command's flags and what it runs with.
type VerifyOptions struct {
	factory *Factory

	baseURL    string
	tokenStdin bool
	json       bool
}

// NewCmdVerify is the verify command; runF, when not nil, runs instead of
// verifyRun (tests check the parsed options with it).
func NewCmdVerify(f *Factory, runF func(*VerifyOptions) error) *cobra.Command {
	o := &VerifyOptions{factory: f}
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check a SCIM Base URL and API Token the way identity providers do",
		Long: `verify runs the checks an identity provider runs when you press "Test
Connector Configuration" (Okta), "Test Connection" (Entra ID) or "Enable"
(OneLogin), before you paste the values there:

  GET {base}/ServiceProviderConfig
  GET {base}/Users?filter=userName eq "<random>"   (expects 200 and no match)
  GET {base}/Users?count=1
  GET {base}/Schemas

The API Token is read from the first line of stdin with --token-stdin, or
from DOCKER_SCIM_TOKEN; it is never a flag value and never printed. Progress
goes to stderr, the results to stdout (with --json, one JSON object).

` + exitCodesHelp,
		Example: `  # Token from a file or a password manager, on stdin
  docker-scim verify --base-url https://hub.docker.com/v2/scim/2.0 --token-stdin < token.txt

  # Token from the environment, result as JSON
  DOCKER_SCIM_TOKEN=... docker-scim verify --base-url https://hub.docker.com/v2/scim/2.0 --json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			return verifyRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.baseURL, "base-url", os.Getenv(envBaseURL), "SCIM Base URL copied from Docker Home [$"+envBaseURL+"]")
	fl.BoolVar(&o.tokenStdin, "token-stdin", false, "read the SCIM API Token from the first line of stdin (or set $"+envToken+")")
	addJSONFlag(cmd, &o.json, "the results")
	return cmd
}

// verifyRun reads the token, runs the checks and prints their results.
func verifyRun(ctx context.Context, o *VerifyOptions) error {
	f := o.factory
	stdout := f.IO.Out
	ui := newPlainUI(f.IO, f.IO.ErrOut, &f.global)
	missing := &missingInput{}
	if o.baseURL == "" {
		missing.add("--base-url (or " + envBaseURL + "): the SCIM Base URL")
	}
	token, err := f.SCIMToken(ctx, o.tokenStdin)
	if err != nil {
		return err
	}
	if token.IsZero() {
		missing.add("--token-stdin (or " + envToken + "): the SCIM API Token")
	}
	if err := missing.err(); err != nil {
		return err
	}
	base, notes, err := client.NormalizeBaseURL(o.baseURL)
	if err != nil {
		return usagef("--base-url: %v", err)
	}
	for _, n := range notes {
		ui.say("Note: %s.", n)
	}
	ui.say("Checking %s …", base)
	env := flow.Docker("", nil)
	env.SCIMOptions = append(env.SCIMOptions, ui.retryNotices())
	v, err := probe(ctx, env, client.SCIMCredentials{BaseURL: base, Token: token})
	if err != nil {
		return err
	}
	if o.json {
		if err := writeJSONResult(stdout, v.Verification, v.err()); err != nil {
			return err
		}
	} else {
		writeVerification(stdout, v.Verification)
	}
	return v.err()
}

// verification is a probe's result: as exported, and as the client gave it.
type verification struct {
	flow.Verification
	result client.ProbeResult
}

// probe runs the identity providers' checks with creds.
//
// The checks get client.StepTimeout, as in the wizard: a stalled request is
// retried once, and a server that keeps stalling fails the check with a
// timeout instead of holding the run for minutes.
func probe(ctx context.Context, env *flow.Env, creds client.SCIMCredentials) (verification, error) {
	step, cancel := context.WithTimeout(ctx, client.StepTimeout)
	defer cancel()
	r, err := flow.Verify(step, env, creds)
	if err != nil {
		return verification{}, usagef("--base-url: %v", err)
	}
	if ctx.Err() != nil {
		return verification{}, errInterrupted
	}
	return verification{Verification: flow.Export(creds.BaseURL, r), result: r}, nil
}

// err is nil when every check passed; it carries exit code 4 when Docker
// refused the token.
func (v verification) err() error {
	if v.OK {
		return nil
	}
	if v.AuthFailed {
		return fmt.Errorf("%d of %d checks failed: %w: Docker refused the SCIM API Token", v.Failed(), len(v.Checks), errAuthFailed)
	}
	return fmt.Errorf("%d of %d checks failed: see the diagnosis above", v.Failed(), len(v.Checks))
}

// summary is one line such as "4 of 4 checks passed in 35ms".
func (v verification) summary() string {
	d := (time.Duration(v.ElapsedMS) * time.Millisecond).String()
	if v.OK {
		return fmt.Sprintf("all %d checks passed in %s", len(v.Checks), d)
	}
	return fmt.Sprintf("%d of %d checks failed", v.Failed(), len(v.Checks))
}

// writeVerification prints the checks for people: PASS or FAIL words rather
// than symbols, so screen readers say them.
func writeVerification(w io.Writer, v flow.Verification) {
	fmt.Fprintf(w, "SCIM Base URL: %s\n", v.BaseURL)
	for i, c := range v.Checks {
		status := "PASS"
		if !c.OK {
			status = "FAIL"
		}
		fmt.Fprintf(w, "%s  %s", status, c.Name)
		if c.Detail != "" {
			fmt.Fprintf(w, ": %s", c.Detail)
		}
		fmt.Fprintln(w)
		if c.OK {
			continue
		}
		// Checks that failed for one cause (a wrong token, a host that
		// cannot be reached) share one explanation, under the last of them.
		if i+1 < len(v.Checks) && sameFailure(c, v.Checks[i+1]) {
			continue
		}
		first := c
		for j := i; j > 0 && sameFailure(v.Checks[j-1], c); j-- {
			first = v.Checks[j-1]
		}
		if c.Diagnosis != "" {
			fmt.Fprintf(w, "      Why: %s\n", c.Diagnosis)
		}
		if c.Fix != "" {
			fmt.Fprintf(w, "      Fix: %s\n", c.Fix)
		}
		if first.Error != "" {
			fmt.Fprintf(w, "      Error: %s\n", first.Error)
		}
	}
	fmt.Fprintf(w, "Result: %s\n", verification{Verification: v}.summary())
}

// sameFailure reports whether two checks failed for the same reason.
func sameFailure(a, b flow.Check) bool {
	return !a.OK && !b.OK && a.Diagnosis == b.Diagnosis && a.Fix == b.Fix
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
