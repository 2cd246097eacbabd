package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
	"github.com/docker-scim/docker-scim/tui"
)

// WizardOptions are the root command's flags: one per question the wizard
// asks, so that every step can run without a prompt.
type WizardOptions struct {
	factory *Factory
	global  *globalOptions
	// plan is the flags checked and parsed, before the run.
	plan plan

	sandbox        bool
	sandboxState   string
	clipboard      string
	org            string
	connection     string
	idp            string
	connectionType string
	baseURL        string
	hubURL         string
	hubUser        string
	tokenStdin     bool
	hubTokenStdin  bool
	json           bool
	showToken      bool
	refreshToken   bool
	jit            string
	runbook        string
	exportDir      string
	configureEntra bool
	groups         []string
}

// Environment variables that answer the wizard's questions.
const (
	envOrg            = "DOCKER_SCIM_ORG"
	envConnection     = "DOCKER_SCIM_CONNECTION"
	envIdP            = "DOCKER_SCIM_IDP"
	envConnectionType = "DOCKER_SCIM_CONNECTION_TYPE"
	envBaseURL        = "DOCKER_SCIM_BASE_URL"
	envToken          = "DOCKER_SCIM_TOKEN"
	envHubURL         = "DOCKER_SCIM_HUB_URL"
	envHubUser        = "DOCKER_SCIM_HUB_USER"
	envHubToken       = "DOCKER_SCIM_HUB_TOKEN"
)

func addWizardFlags(cmd *cobra.Command, o *WizardOptions) {
	fl := cmd.Flags()
	fl.BoolVar(&o.sandbox, "sandbox", envBool("DOCKER_SCIM_SANDBOX"), "run against the built-in sandbox (a local stand-in for Docker) [$DOCKER_SCIM_SANDBOX]")
	fl.StringVar(&o.sandboxState, "sandbox-state", os.Getenv("DOCKER_SCIM_SANDBOX_STATE"),
		"with --sandbox: start the sandbox from this state file and keep its changes there (e.g. a 10,000-member org from bench/seedstate; docs/performance.md) [$DOCKER_SCIM_SANDBOX_STATE]")
	stringEnumFlag(cmd, &o.clipboard, "clipboard", "DOCKER_SCIM_CLIPBOARD", string(tui.ClipboardAuto),
		[]string{string(tui.ClipboardAuto), string(tui.ClipboardNative), string(tui.ClipboardOSC52)},
		"how c copies in the terminal wizard (auto: the native clipboard, else OSC 52)")
	fl.StringVar(&o.org, "org", os.Getenv(envOrg), "Docker organization name [$"+envOrg+"]")
	fl.StringVar(&o.connection, "connection", os.Getenv(envConnection), "SSO connection: its id or name on the sandbox, its name on real Docker [$"+envConnection+"]")
	addIdPFlag(cmd, &o.idp, "")
	addConnectionTypeFlag(cmd, &o.connectionType, "")
	fl.StringVar(&o.baseURL, "base-url", os.Getenv(envBaseURL), "SCIM Base URL copied from Docker Home [$"+envBaseURL+"]")
	fl.BoolVar(&o.tokenStdin, "token-stdin", false, "read the SCIM API Token from the first line of stdin (or set $"+envToken+")")
	fl.StringVar(&o.hubURL, "hub-url", envOr(envHubURL, client.DockerHub), "Docker Hub API address [$"+envHubURL+"]")
	fl.StringVar(&o.hubUser, "hub-user", os.Getenv(envHubUser), "Docker Hub identifier for the Hub token: the organization for an organization access token (default --org) [$"+envHubUser+"]")
	fl.BoolVar(&o.hubTokenStdin, "hub-token-stdin", false, "read the Docker Hub access token from the first line of stdin (or set $"+envHubToken+"; default: the docker login credentials)")
	stringEnumFlag(cmd, &o.jit, "jit", "DOCKER_SCIM_JIT", "", []string{"on", "off"},
		"whether Just-in-Time provisioning is on for the connection on real Docker (asked, or assumed on)")
	fl.StringVar(&o.exportDir, "export-dir", os.Getenv("DOCKER_SCIM_EXPORT_DIR"), "terminal wizard: the directory e writes the runbook and the members report to (default: the current directory) [$DOCKER_SCIM_EXPORT_DIR]")
	fl.StringVar(&o.runbook, "runbook", os.Getenv("DOCKER_SCIM_RUNBOOK"), "write the run as a runbook to this file: Markdown, or JSON for a .json name; never the token [$DOCKER_SCIM_RUNBOOK]")
	addJSONFlag(cmd, &o.json, "the result (runs the plain mode)")
	fl.BoolVar(&o.showToken, "show-token", false, "include the SCIM API Token in the result (it is hidden otherwise)")
	fl.BoolVar(&o.refreshToken, "refresh-token", false, "plain mode, sandbox only: have the sandbox issue a new API Token for a connection that has SCIM already (instead of showing its values again), without asking; the old token stops working")
	fl.StringArrayVar(&o.groups, "group", nil, "an IdP group name to check against Docker's group mapping (org:team) at the checklist step (repeatable)")
	fl.BoolVar(&o.configureEntra, "configure-entra", false, "plain mode, Entra ID: do the checklist through Microsoft Graph without asking (sandbox stand-in, $"+envGraphToken+" or the Azure CLI)")
}

// plan is the validated form of the wizard's flags.
type plan struct {
	idp            steps.IdP
	connectionType steps.ConnectionType
	clipboard      tui.ClipboardMode
}

// validate checks the flags before anything starts, beyond what each flag
// checks as it is parsed; mistakes are usage errors (exit code 2).
func (o *WizardOptions) validate() (plan, error) {
	var p plan
	if o.idp != "" {
		idp, err := steps.ParseIdP(o.idp)
		if err != nil {
			return p, usagef("--idp: %v", err)
		}
		p.idp = idp
	}
	if o.connectionType != "" {
		ct, err := parseConnectionType(o.connectionType)
		if err != nil {
			return p, err
		}
		p.connectionType = ct
	}
	p.clipboard = tui.ClipboardMode(o.clipboard)
	if o.tokenStdin && o.hubTokenStdin {
		return p, usagef("--token-stdin and --hub-token-stdin both read stdin: pass one of the tokens in $%s or $%s instead", envToken, envHubToken)
	}
	if o.sandboxState != "" && !o.sandbox {
		return p, usagef("--sandbox-state is for the built-in sandbox: add --sandbox")
	}
	if o.sandbox && (o.baseURL != "" || o.tokenStdin) {
		return p, usagef("--base-url and --token-stdin are for real Docker: the sandbox makes its own SCIM Base URL and API Token")
	}
	if err := client.CheckAddress(o.hubURL); err != nil {
		return p, usagef("--hub-url: %v", err)
	}
	return p, nil
}

// parseConnectionType accepts saml or oidc (and Docker's azure_ad_oidc).
func parseConnectionType(s string) (steps.ConnectionType, error) {
	ct, err := flow.ParseConnectionType(s)
	if err != nil {
		return "", usagef("--connection-type %q: use saml or oidc", s)
	}
	return ct, nil
}

// wizardRun decides the mode once, before any Bubble Tea program exists,
// and runs the terminal wizard or the plain mode.
func wizardRun(ctx context.Context, o *WizardOptions) error {
	f := o.factory
	if f.IO.Mode(o.global.accessible) == modeTUI && !o.json {
		return runTUI(ctx, f, o, o.plan)
	}
	return runPlain(ctx, f, o, o.plan)
}

// runPlain runs the plain mode: secrets first (before any question reads
// stdin), then the environment, then the flow as lines.
func runPlain(ctx context.Context, f *Factory, o *WizardOptions, p plan) error {
	ui := newPlainUI(f.IO, f.IO.ErrOut, o.global)
	pm := &plainMode{opts: o, plan: p, stdout: f.IO.Out, ui: ui, ask: newPrompter(f.IO, ui.out)}
	var err error
	if pm.token, err = f.SCIMToken(ctx, o.tokenStdin); err != nil {
		return err
	}
	hubToken, err := f.HubToken(ctx, o.hubTokenStdin)
	if err != nil {
		return err
	}
	if err := o.missingForDocker(pm.ask, p, pm.token); err != nil {
		return err
	}
	notices := ui.retryNotices()
	f.HubOptions = append(f.HubOptions, notices)
	env, sb, err := openEnv(ctx, f, o, pm.ask, hubToken, ui.say)
	if err != nil {
		return err
	}
	env.SCIMOptions = append(env.SCIMOptions, notices)
	pm.env, pm.graph = env, realGraph()
	if sb != nil {
		defer sb.Stop()
		ui.say("Using the built-in sandbox at %s (organization %s): nothing real is changed.", sb.URL, sb.Org)
		g := sandboxGraph(sb.URL)
		pm.graph = &g
	}
	return pm.render(ctx)
}

// missingForDocker fails at once, listing every missing flag, when nothing
// may be asked and answers for real Docker are missing.
func (o *WizardOptions) missingForDocker(ask Prompter, p plan, token client.Secret) error {
	if o.sandbox || ask.CanAsk() {
		return nil
	}
	m := &missingInput{}
	if o.org == "" {
		m.add("--org (or " + envOrg + "): the Docker organization")
	}
	if p.connectionType == "" {
		m.add("--connection-type (or " + envConnectionType + "): saml or oidc")
	}
	if p.idp == "" {
		m.add("--idp (or " + envIdP + "): " + steps.IdPChoices())
	}
	if o.baseURL == "" {
		m.add("--base-url (or " + envBaseURL + "): the SCIM Base URL from " + steps.Title(steps.StepSetupSCIM))
	}
	if token.IsZero() {
		m.add("--token-stdin (or " + envToken + "): the SCIM API Token from " + steps.Title(steps.StepSetupSCIM))
	}
	return m.err()
}

// openEnv opens where the run happens: the built-in sandbox (sb is then
// set; stop it when done), or real Docker for the organization (--org or
// asked), signed in to Docker Hub when credentials exist.
func openEnv(ctx context.Context, f *Factory, o *WizardOptions, ask Prompter, hubToken client.Secret, say func(string, ...any)) (*flow.Env, *sandboxRun, error) {
	if o.sandbox {
		sb, err := f.StartSandbox(builtInSandbox(o)...)
		if err != nil {
			return nil, nil, err
		}
		if o.org != "" && o.org != sb.Org {
			sb.Stop()
			return nil, nil, usagef("--org %q: the sandbox has one organization, %q", o.org, sb.Org)
		}
		return flow.Sandbox(sb.Org, sb.Hub), sb, nil
	}
	org := o.org
	if org == "" {
		var err error
		if org, err = ask.Ask(ctx, "Docker organization name", "--org (or "+envOrg+")"); err != nil {
			return nil, nil, err
		}
	}
	hub, err := f.SignInHub(ctx, o.hub(), org, hubToken, say)
	if err != nil {
		return nil, nil, err
	}
	return flow.Docker(org, hub), nil, nil
}

// runTUI runs the terminal wizard with its UI on stderr. Flags and
// environment variables preset its answers; secrets asked for with
// --token-stdin or --hub-token-stdin are read hidden from the terminal
// before it starts.
func runTUI(ctx context.Context, f *Factory, o *WizardOptions, p plan) error {
	cfg, stop, err := tuiConfig(ctx, f, o, p)
	if err != nil {
		return err
	}
	defer stop()
	stderr := f.IO.ErrOut
	// At most 120 frames a second. With the repository's patched renderer
	// (third_party/bubbletea) a frame after an idle stretch is drawn at once
	// and an idle wizard never wakes up; with upstream v2.1.1 (`go install`)
	// the ticker runs at this rate for good (docs/performance.md).
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithOutput(firstFrameOutput(stderr)), tea.WithFPS(120)}
	if o.global.noColor {
		opts = append(opts, tea.WithColorProfile(f.IO.ColorProfile(stderr, true, false)))
	}
	final, err := tea.NewProgram(tui.New(cfg), opts...).Run()
	if m, ok := final.(tui.Model); ok {
		// The full screen is gone: leave a short summary, as gh does.
		for _, line := range m.ExitSummary() {
			fmt.Fprintln(stderr, line)
		}
	}
	if errors.Is(err, tea.ErrInterrupted) || errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return errInterrupted
	}
	return err
}

// tuiConfig is the terminal wizard's configuration: its environment and
// what the command line preset. stop ends the sandbox, if one was started.
func tuiConfig(ctx context.Context, f *Factory, o *WizardOptions, p plan) (tui.Config, func(), error) {
	stop := func() {}
	token, err := f.SCIMToken(ctx, o.tokenStdin)
	if err != nil {
		return tui.Config{}, stop, err
	}
	hubToken, err := f.HubToken(ctx, o.hubTokenStdin)
	if err != nil {
		return tui.Config{}, stop, err
	}
	cfg := tui.Config{
		Clipboard:     tui.NativeClipboard(),
		ClipboardMode: p.clipboard,
		InTmux:        os.Getenv("TMUX") != "",
		StateDir:      tui.DefaultStateDir(),
		ExportDir:     o.exportDir,
		OpenURL:       tui.BrowserOpener(runtime.GOOS, os.Getenv),
		Preset: tui.Preset{IdP: p.idp, Credentials: client.SCIMCredentials{Token: token},
			Connection: client.Connection{Name: o.connection, IdP: string(p.idp), Type: flow.ClientConnectionType(p.connectionType)}},
	}
	if o.baseURL != "" {
		base, _, err := client.NormalizeBaseURL(o.baseURL)
		if err != nil {
			return tui.Config{}, stop, usagef("--base-url: %v", err)
		}
		cfg.Preset.Credentials.BaseURL = base
	}
	// What is said before the full screen starts is printed (the sign-in
	// can take a moment) and shown again on the wizard's first screen.
	say := func(format string, args ...any) {
		line := fmt.Sprintf(format, args...)
		fmt.Fprintln(f.IO.ErrOut, line)
		cfg.Warnings = append(cfg.Warnings, line)
	}
	// Retries are shown as the wizard's notice; one never waits on the UI.
	notices := make(chan client.RetryNotice, 8)
	notice := client.WithRetryNotice(func(n client.RetryNotice) {
		select {
		case notices <- n:
		default:
		}
	})
	f.HubOptions = append(f.HubOptions, notice)
	env, sb, err := openEnv(ctx, f, o, newPrompter(f.IO, f.IO.ErrOut), hubToken, say)
	if err != nil {
		return tui.Config{}, stop, err
	}
	env.SCIMOptions = append(env.SCIMOptions, notice)
	cfg.Env, cfg.EntraGraph, cfg.RetryNotices = env, realGraph(), notices
	if sb != nil {
		stop = sb.Stop
		g := sandboxGraph(sb.URL)
		cfg.EntraGraph = &g
	}
	return cfg, stop, nil
}

// builtInSandbox is the built-in sandbox's options from the flags.
func builtInSandbox(o *WizardOptions) []sandbox.Option {
	if o.sandboxState == "" {
		return nil
	}
	return []sandbox.Option{sandbox.WithState(o.sandboxState)}
}

// hub is how these options point at Docker Hub.
func (o *WizardOptions) hub() hubInput {
	return hubInput{url: o.hubURL, user: o.hubUser, fromStdin: o.hubTokenStdin}
}
