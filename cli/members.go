package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// MembersOptions are the members command's flags and what it runs with.
type MembersOptions struct {
	factory *Factory

	org           string
	idp           string
	baseURL       string
	hubURL        string
	hubUser       string
	tokenStdin    bool
	hubTokenStdin bool
	connection    string
	states        []string
	disableJIT    bool
	json          bool
	// parsed from the flags
	idpID      steps.IdP
	linkStates []flow.LinkState
}

// NewCmdMembers is the members command; runF, when not nil, runs instead of
// membersRun (tests check the parsed options with it).
func NewCmdMembers(f *Factory, runF func(*MembersOptions) error) *cobra.Command {
	o := &MembersOptions{factory: f}
	cmd := &cobra.Command{
		Use:   "members",
		Short: "Report, member by member, which organization members SCIM manages",
		Long: `members compares the organization's members (Docker Hub API) with the users
the identity provider pushed (SCIM API) and sorts every member into one state:

  will link      the email's domain is verified, but the IdP has not pushed the
                 user yet: assign the user to the Docker app in the IdP
  email mismatch not linked, and a SCIM user with another email looks like the
                 same person (same name or local part)
  outside SCIM   a guest: the email's domain is not verified, so SCIM never
                 manages the member
  linked         a SCIM user has the member's email: SCIM manages it

It also lists the SCIM users that are not members (deactivated, or not in the
member list). Both sides are read page by page (100 members, 200 SCIM users
a request), never one request per member.

When nothing is left to link, Docker's migration ends by turning JIT
provisioning off. With --connection the report says whether that can be done
now; with --disable-jit it also does it, on the sandbox only (on Docker it is
done in Docker Home).

Secrets are never flag values: the SCIM API Token comes from --token-stdin or
DOCKER_SCIM_TOKEN, the Docker Hub token from --hub-token-stdin,
DOCKER_SCIM_HUB_TOKEN or the docker login credentials.

` + exitCodesHelp,
		Example: `  # The report as Markdown; exit code 3 while members are left to link
  DOCKER_SCIM_HUB_TOKEN=dckr_oat_... docker-scim members --org moby --token-stdin < scim-token.txt

  # Only what is left to do, as JSON, for a scheduled job
  docker-scim members --org moby --state will-link --state email-mismatch --json

  # On the sandbox: turn JIT off once everything is linked
  docker-scim members --org moby --hub-url http://127.0.0.1:8080 --connection conn-okta-scim --disable-jit`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return membersRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.org, "org", os.Getenv(envOrg), "Docker organization name [$"+envOrg+"]")
	addIdPFlag(cmd, &o.idp, ", for its wording of what to do")
	fl.StringVar(&o.baseURL, "base-url", os.Getenv(envBaseURL), "SCIM Base URL (default: the Hub address + "+client.SCIMPath+") [$"+envBaseURL+"]")
	fl.BoolVar(&o.tokenStdin, "token-stdin", false, "read the SCIM API Token from the first line of stdin (or set $"+envToken+")")
	fl.StringVar(&o.hubURL, "hub-url", envOr(envHubURL, client.DockerHub), "Docker Hub API address [$"+envHubURL+"]")
	fl.StringVar(&o.hubUser, "hub-user", os.Getenv(envHubUser), "Docker Hub identifier for the Hub token (default --org) [$"+envHubUser+"]")
	fl.BoolVar(&o.hubTokenStdin, "hub-token-stdin", false, "read the Docker Hub access token from the first line of stdin (or set $"+envHubToken+"; default: the docker login credentials)")
	fl.StringVar(&o.connection, "connection", os.Getenv(envConnection), "SSO connection id, to say whether JIT can be turned off (sandbox) [$"+envConnection+"]")
	stringArrayEnumFlag(cmd, &o.states, "state", stateList(), "show only members and SCIM users in this state (repeatable)")
	fl.BoolVar(&o.disableJIT, "disable-jit", false, "turn JIT provisioning off on --connection when everything is linked (sandbox only)")
	addJSONFlag(cmd, &o.json, "the report")
	return cmd
}

// parse checks the flags together and reads the IdP and the states.
func (o *MembersOptions) parse() error {
	if o.idp != "" {
		p, err := steps.ParseIdP(o.idp)
		if err != nil {
			return usagef("--idp: %v", err)
		}
		o.idpID = p
	}
	o.linkStates = nil
	for _, s := range o.states {
		st, ok := flow.ParseLinkState(s)
		if !ok {
			return usagef("--state %q: use one of %s", s, stateNames())
		}
		o.linkStates = append(o.linkStates, st)
	}
	if o.disableJIT && o.connection == "" {
		return usagef("--disable-jit needs --connection: the SSO connection to turn JIT off on")
	}
	if o.tokenStdin && o.hubTokenStdin {
		return usagef("--token-stdin and --hub-token-stdin both read stdin: pass one of the tokens in $%s or $%s instead", envToken, envHubToken)
	}
	return nil
}

// stateList is every state as the --state flag spells it.
func stateList() []string {
	var out []string
	for _, s := range flow.LinkStates() {
		out = append(out, strings.ReplaceAll(string(s), "_", "-"))
	}
	return out
}

func stateNames() string { return strings.Join(stateList(), ", ") }

// errUnlinked is the result (exit code 3) when members remain unlinked.
type errUnlinked struct{ headline string }

func (e *errUnlinked) Error() string { return e.headline }

// membersRun reads both sides, prints the report and, with --connection,
// the migration's last step.
func membersRun(ctx context.Context, o *MembersOptions) error {
	f := o.factory
	ui := newPlainUI(f.IO, f.IO.ErrOut, &f.global)
	idp, states := o.idpID, o.linkStates
	missing := &missingInput{}
	if o.org == "" {
		missing.add("--org (or " + envOrg + "): the Docker organization")
	}
	token, err := f.SCIMToken(ctx, o.tokenStdin)
	if err != nil {
		return err
	}
	if token.IsZero() {
		missing.add("--token-stdin (or " + envToken + "): the SCIM API Token")
	}
	hubToken, err := f.HubToken(ctx, o.hubTokenStdin)
	if err != nil {
		return err
	}
	if err := missing.err(); err != nil {
		return err
	}
	baseURL := o.baseURL
	if baseURL == "" {
		baseURL = strings.TrimRight(o.hubURL, "/") + client.SCIMPath
	}
	base, _, err := client.NormalizeBaseURL(baseURL)
	if err != nil {
		return usagef("--base-url: %v", err)
	}
	hub, err := f.SignInHub(ctx, hubInput{url: o.hubURL, user: o.hubUser, fromStdin: o.hubTokenStdin}, o.org, hubToken, ui.say)
	if err != nil {
		return err
	}
	if hub == nil {
		return &missingInput{items: []string{"--hub-token-stdin (or " + envHubToken + ", or docker login): a Docker Hub token that can read the members of " + o.org}}
	}
	env := flow.Docker(o.org, hub)
	if onLoopback(hub.BaseURL()) {
		env = flow.Sandbox(o.org, hub) // only the sandbox is served there
	}
	run := &flow.Run{IdP: idp, Creds: client.SCIMCredentials{BaseURL: base, Token: token}}
	ui.say("Reading the members of %s and the SCIM users …", o.org)
	report, err := flow.ReadLinks(ctx, env, run)
	if err != nil {
		return err
	}
	if o.connection != "" {
		if err := finishMigration(ctx, env, run, report, o); err != nil {
			return err
		}
	}
	shown := report
	if len(states) > 0 {
		shown = report.Only(states...)
	}
	var unlinked error
	if !report.AllLinked() {
		unlinked = &errUnlinked{headline: report.Headline()}
	}
	if o.json {
		var out any = shown
		if m := run.Migration; m != nil {
			m.LinkReport = shown
			out = m
		}
		if err := writeJSONResult(f.IO.Out, out, unlinked); err != nil {
			return err
		}
	} else {
		writeMembers(f.IO.Out, shown, run.Migration)
	}
	return unlinked
}

// finishMigration reads the connection and records what the report says
// about JIT; with --disable-jit it turns JIT off first (on the sandbox;
// Docker publishes no API for it).
func finishMigration(ctx context.Context, env *flow.Env, run *flow.Run, report flow.LinkReport, o *MembersOptions) error {
	if !env.ListsConnections() {
		return usagef("--connection: Docker publishes no API to read an SSO connection; see the report's last line for the JIT step in Docker Home")
	}
	conns, err := env.Console.Connections(ctx, o.org)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(conns, func(c client.Connection) bool { return c.ID == o.connection || strings.EqualFold(c.Name, o.connection) })
	if i < 0 {
		return usagef("--connection %q: %s has no such SSO connection", o.connection, o.org)
	}
	conn, disabled := conns[i], false
	if o.disableJIT && conn.JIT {
		updated, err := flow.TurnOffJIT(ctx, env, report, conn)
		if err != nil {
			return fmt.Errorf("--disable-jit: %w", err)
		}
		conn, disabled = updated, true
	}
	run.RecordMigration(report, conn)
	run.Migration.JITDisabled = disabled
	return nil
}

// onLoopback reports whether address is on a loopback host.
func onLoopback(address string) bool {
	u, err := url.Parse(address)
	if err != nil {
		return false
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// writeMembers prints the report as Markdown, then the JIT step: m's
// advice with --connection, else the path to take in Docker Home.
func writeMembers(w io.Writer, r flow.LinkReport, m *flow.Migration) {
	fmt.Fprint(w, r.Markdown())
	fmt.Fprintln(w)
	switch {
	case m != nil && m.JITDisabled:
		fmt.Fprintf(w, "JIT provisioning is now off on %s.\n", m.Connection.Name)
	case m != nil:
		fmt.Fprintln(w, m.JIT.Text)
	case r.AllLinked():
		fmt.Fprintf(w, "Nothing is left to link: JIT provisioning can be turned off with %s (Docker allows it only while SCIM is on).\n", steps.DisableJITPath())
	}
}
