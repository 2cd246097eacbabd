package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
)

// SandboxOptions are the sandbox command's flags and what it runs with.
type SandboxOptions struct {
	factory *Factory

	addr      string
	json      bool
	state     string
	rateLimit int
	faults    []string
	// sandbox is the sandbox's options, made from the flags.
	sandbox []sandbox.Option
}

// NewCmdSandbox is the sandbox command, with push below it; runF, when not
// nil, runs instead of sandboxServeRun (tests check the parsed options with it).
func NewCmdSandbox(f *Factory, runF func(*SandboxOptions) error) *cobra.Command {
	opts := &SandboxOptions{factory: f}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the built-in sandbox (a local stand-in for Docker) on its own",
		Long: `sandbox serves a local stand-in for Docker's API on a loopback address until
SIGINT or SIGTERM: the Hub API subset docker-scim uses (sign-in, members,
teams, audit log), the SCIM 2.0 API (/v2/scim/2.0), and sandbox-only
endpoints Docker does not have: a console API (/sandbox/console) for SSO
connections and turning SCIM on, an IdP simulator (/sandbox/idp/push) and fault
injection (/sandbox/admin/faults).

It is seeded with the Business organization "moby", its owner "mobyadmin",
teams, members added before SCIM, and five SSO connections; one of them
(conn-okta-scim) already has SCIM set up.

With --json it prints exactly one JSON line on stdout: url, org, user,
pat (a personal access token it accepts), oat (an organization access
token it accepts), scim_base_url and scim_token (the SCIM API token of
conn-okta-scim).

With --state FILE all data is kept in FILE between runs (written to a
temporary file, then renamed). The file holds only hashes of secrets, so on
every start the sandbox mints and prints a fresh PAT, OAT and seeded SCIM
token; tokens the console issued keep working across restarts.

Faults (--fault, repeatable) are JSON objects with the fields method, path
(a URL path prefix), status, header, body, body_size, latency (a Go
duration), drop and times. See docs/sandbox.md.`,
		Example: `  docker-scim sandbox --addr 127.0.0.1:0 --json
  docker-scim sandbox --state ~/.cache/docker-scim-sandbox.json
  docker-scim sandbox --rate-limit 30 --fault '{"path":"/v2/scim/2.0/Users","status":503,"times":2}'`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return sandboxServeRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.addr, "addr", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free one)")
	addJSONFlag(cmd, &opts.json, "the URL and credentials (one line)")
	fl.StringVar(&opts.state, "state", "", "keep the sandbox's data in this JSON file between runs (default: in memory)")
	fl.IntVar(&opts.rateLimit, "rate-limit", 0, "requests per minute before 429 with Retry-After (default 100000)")
	fl.StringArrayVar(&opts.faults, "fault", nil, `inject a fault, as JSON: {"path":"/v2/scim/2.0/Users","status":503,"times":2} (repeatable)`)
	cmd.AddCommand(NewCmdSandboxPush(f, nil))
	return cmd
}

// parse makes the sandbox's options from the flags: a negative rate limit
// or a fault that is not JSON is a usage error.
func (opts *SandboxOptions) parse() error {
	opts.sandbox = []sandbox.Option{sandbox.WithMigrationMix()}
	if opts.state != "" {
		opts.sandbox = append(opts.sandbox, sandbox.WithState(opts.state))
	}
	if opts.rateLimit < 0 {
		return usagef("--rate-limit %d: use a positive number of requests per minute", opts.rateLimit)
	}
	if opts.rateLimit > 0 {
		opts.sandbox = append(opts.sandbox, sandbox.WithRateLimit(opts.rateLimit))
	}
	for _, raw := range opts.faults {
		f, err := sandbox.ParseFault([]byte(raw))
		if err != nil {
			return usagef("--fault: %v", err)
		}
		opts.sandbox = append(opts.sandbox, sandbox.WithFault(f))
	}
	return nil
}

// sandboxLine is the one JSON line of --json.
type sandboxLine struct {
	URL string `json:"url"`
	sandbox.Credentials
	SCIMBaseURL string `json:"scim_base_url"`
}

// sandboxServeRun serves the sandbox until SIGINT or SIGTERM.
func sandboxServeRun(ctx context.Context, opts *SandboxOptions) error {
	stdout, stderr := opts.factory.IO.Out, opts.factory.IO.ErrOut
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	sb, err := sandbox.Start(opts.addr, opts.sandbox...)
	if err != nil {
		return err
	}
	line := sandboxLine{URL: sb.URL, Credentials: sb.Credentials(), SCIMBaseURL: sb.URL + sandbox.SCIMPath}
	if opts.json {
		if err := json.NewEncoder(stdout).Encode(line); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "Sandbox serving on %s\norg %s, user %s\npat %s\noat %s\nSCIM Base URL %s\nSCIM token (%s) %s\n",
			line.URL, line.Org, line.User, line.PAT, line.OAT, line.SCIMBaseURL, sandbox.SeededSCIMConnection, line.SCIMToken)
	}
	// The next command: the wizard's guided path against this sandbox,
	// signed in with its organization access token (never on the command
	// line: from the environment).
	fmt.Fprintf(stderr, "Next, in another terminal: DOCKER_SCIM_HUB_TOKEN=%s docker-scim --org %s --hub-url %s\n", line.OAT, line.Org, line.URL)
	fmt.Fprintln(stderr, "Press Ctrl+C to stop.")
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return sb.Shutdown(sctx)
}

// SandboxPushOptions are the sandbox push command's flags and what it runs
// with.
type SandboxPushOptions struct {
	factory *Factory

	url        string
	tokenStdin bool
	users      []string
	group      string
	deactivate []string
	json       bool
}

// NewCmdSandboxPush is the sandbox push command; runF, when not nil, runs
// instead of sandboxPushRun (tests check the parsed options with it).
func NewCmdSandboxPush(f *Factory, runF func(*SandboxPushOptions) error) *cobra.Command {
	opts := &SandboxPushOptions{factory: f}
	cmd := &cobra.Command{
		Use:   "push",
		Short: "Push users and a group to a running sandbox, as an IdP would",
		Long: `push plays the identity provider against a running sandbox: it calls the
sandbox's IdP simulator (POST /sandbox/idp/push), which makes real SCIM
requests to the sandbox's /v2/scim/2.0 with the connection's SCIM API
token: each --user is looked up by userName and created (POST /Users) or
updated (PUT /Users/{id}); the --group "org:team" is created (POST /Groups)
or gets them added (PATCH /Groups/{id}); each --deactivate is set
active=false (PATCH /Users/{id}).

The SCIM API token is read from stdin (--token-stdin), never from a flag.
--user takes EMAIL or "EMAIL=Given Family"; without names they come from
the email's local part (ada.lovelace@… is Ada Lovelace).`,
		Example: `  echo "$SCIM_TOKEN" | docker-scim sandbox push --url http://127.0.0.1:8080 --token-stdin \
      --user ada.lovelace@moby.example --user "alan@moby.example=Alan Turing" --group moby:developers
  echo "$SCIM_TOKEN" | docker-scim sandbox push --url http://127.0.0.1:8080 --token-stdin --deactivate alan@moby.example`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.url == "" {
				return usagef("--url is required: the sandbox's URL, as printed by docker-scim sandbox")
			}
			if !opts.tokenStdin {
				return usagef("--token-stdin is required: pipe the connection's SCIM API token into this command")
			}
			if runF != nil {
				return runF(opts)
			}
			return sandboxPushRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.url, "url", "", "the sandbox's URL, as printed by docker-scim sandbox (required)")
	fl.BoolVar(&opts.tokenStdin, "token-stdin", false, "read the connection's SCIM API token from stdin (required)")
	fl.StringArrayVar(&opts.users, "user", nil, `user to create or update: EMAIL or "EMAIL=Given Family" (repeatable)`)
	fl.StringVar(&opts.group, "group", "", "group to push with the --user users as members, as org:team")
	fl.StringArrayVar(&opts.deactivate, "deactivate", nil, "userName (email) to deactivate (repeatable)")
	addJSONFlag(cmd, &opts.json, "the sandbox's result instead of a summary")
	return cmd
}

// parsePushUser reads EMAIL or "EMAIL=Given Family".
func parsePushUser(raw string) sandbox.SimUser {
	email, names, hasNames := strings.Cut(raw, "=")
	email = strings.TrimSpace(email)
	if hasNames {
		given, family, _ := strings.Cut(strings.TrimSpace(names), " ")
		return sandbox.SimUser{UserName: email, GivenName: given, FamilyName: strings.TrimSpace(family)}
	}
	local, _, _ := strings.Cut(email, "@")
	parts := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' || r == '+' })
	for i, p := range parts {
		parts[i] = strings.ToUpper(p[:1]) + p[1:]
	}
	u := sandbox.SimUser{UserName: email}
	if len(parts) > 0 {
		u.GivenName = parts[0]
		u.FamilyName = strings.Join(parts[1:], " ")
	}
	return u
}

// sandboxPushRun has the sandbox's IdP simulator push the users and group.
func sandboxPushRun(ctx context.Context, opts *SandboxPushOptions) error {
	f := opts.factory
	stdout := f.IO.Out
	// The client sends the token only over https, or plain http to loopback
	// (where the sandbox listens), and never puts it in an error.
	hub, err := client.NewHub(opts.url)
	if err != nil {
		return usagef("--url: %v", err)
	}
	// Input mistakes are refused here, with exit code 2, instead of coming
	// back from the simulator as a 502.
	if opts.group != "" {
		if _, team, ok := strings.Cut(opts.group, ":"); !ok || team == "" || strings.HasPrefix(opts.group, ":") {
			return usagef("--group %q: give organization:team, for example moby:developers", opts.group)
		}
	}
	for _, raw := range opts.deactivate {
		if !isEmail(raw) {
			return usagef("--deactivate %q: give the user's email address (their SCIM userName)", raw)
		}
	}
	req := client.PushRequest{Group: opts.group, Deactivate: opts.deactivate}
	for _, raw := range opts.users {
		u := parsePushUser(raw)
		if u.UserName == "" || !isEmail(u.UserName) {
			return usagef("--user %q: give an email address, for example ada@moby.example", raw)
		}
		req.Users = append(req.Users, client.PushUser{UserName: u.UserName, GivenName: u.GivenName, FamilyName: u.FamilyName})
	}
	if len(req.Users) == 0 && req.Group == "" && len(req.Deactivate) == 0 {
		return usagef("nothing to push: give --user, --group or --deactivate")
	}
	token, err := f.Secret(ctx, secretInput{name: "SCIM API token", flag: "--token-stdin", fromStdin: true})
	if err != nil {
		return err
	}
	res, err := client.SandboxConsole{Hub: hub}.SimulatePush(ctx, client.SCIMCredentials{Token: token}, req)
	if err != nil {
		return err
	}
	if opts.json {
		return json.NewEncoder(stdout).Encode(res)
	}
	for _, r := range res.Created {
		fmt.Fprintf(stdout, "created      %s (%s)\n", r.UserName, r.ID)
	}
	for _, r := range res.Updated {
		fmt.Fprintf(stdout, "updated      %s (%s)\n", r.UserName, r.ID)
	}
	if res.Group.ID != "" {
		fmt.Fprintf(stdout, "pushed group %s (%s)\n", res.Group.DisplayName, res.Group.ID)
	}
	for _, r := range res.Deactivated {
		fmt.Fprintf(stdout, "deactivated  %s (%s)\n", r.UserName, r.ID)
	}
	return nil
}

// isEmail reports whether s is a bare email address (a SCIM userName).
func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}
