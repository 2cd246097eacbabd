package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/entra"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// plainUI writes the plain mode's messages to stderr, styled only as far as
// the colour profile allows.
type plainUI struct {
	out  io.Writer
	bold lipgloss.Style
}

func newPlainUI(s *IO, stderr io.Writer, g *globalOptions) *plainUI {
	w := &colorprofile.Writer{Forward: stderr, Profile: s.ColorProfile(stderr, g.noColor, g.accessible)}
	return &plainUI{out: w, bold: lipgloss.NewStyle().Bold(true)}
}

// say prints one line.
func (u *plainUI) say(format string, args ...any) {
	fmt.Fprintf(u.out, format+"\n", args...)
}

// rich renders the **bold** labels of the steps text in bold.
func (u *plainUI) rich(s string) string {
	return steps.RenderBold(s, func(t string) string { return u.bold.Render(t) })
}

// step prints a step's header, "Step 2 of 6: Setup SCIM".
func (u *plainUI) step(id steps.StepID) {
	n, total := steps.Position(id)
	fmt.Fprintf(u.out, "\n%s\n", u.bold.Render(fmt.Sprintf("Step %d of %d: %s", n, total, steps.Title(id))))
}

// plainWizard walks the wizard's steps as plain lines.
type plainWizard struct {
	f      *Factory
	opts   *wizardOptions
	plan   plan
	ask    Prompter
	ui     *plainUI
	stdout io.Writer

	res         wizardResult
	token       client.Secret
	hubToken    client.Secret
	console     client.Console
	hub         *client.Hub
	conns       []client.Connection
	conn        *client.Connection
	stopSandbox func()
	// graph reaches Microsoft Graph for "Configure Entra for me", or nil.
	graph *flow.EntraGraph
	// setupAt is when the SCIM credentials were issued or given: the
	// read-back lists users provisioned since then.
	setupAt time.Time
}

// run walks the flow: connection, Setup SCIM (done on the sandbox, guided
// for real Docker), verification, identity provider, credentials with the
// IdP's field labels, checklist; then prints the result on stdout.
func (w *plainWizard) run(ctx context.Context) error {
	if err := w.readSecrets(ctx); err != nil {
		return err
	}
	w.res.IdP, w.res.ConnectionType = w.plan.idp, w.plan.connectionType
	if w.opts.sandbox {
		if err := w.startSandbox(ctx); err != nil {
			return err
		}
		defer w.stopSandbox()
	} else if err := w.preflightRealDocker(); err != nil {
		return err
	} else {
		w.graph = realGraph()
	}
	for _, stage := range []func(context.Context) error{w.connectionStep, w.signInStep, w.preflightStep, w.setupStep, w.verifyStep, w.credentialsStep, w.idpStep, w.checklistStep, w.readBackStep} {
		if err := stage(ctx); err != nil {
			return w.finish(err)
		}
	}
	return w.finish(nil)
}

// readSecrets takes the SCIM and Hub tokens from stdin's first line or the
// environment, before any question reads stdin.
func (w *plainWizard) readSecrets(ctx context.Context) error {
	tok, err := w.f.SCIMToken(ctx, w.opts.tokenStdin)
	if err != nil {
		return err
	}
	w.token = tok
	w.hubToken, err = w.f.HubToken(ctx, w.opts.hubTokenStdin)
	return err
}

// preflightRealDocker fails at once, listing every missing flag, when the
// no-input mode lacks answers for real Docker.
func (w *plainWizard) preflightRealDocker() error {
	if w.f.IO.CanPrompt() {
		return nil
	}
	m := &missingInput{}
	if w.opts.org == "" {
		m.add("--org (or " + envOrg + "): the Docker organization")
	}
	if w.plan.connectionType == "" {
		m.add("--connection-type (or " + envConnectionType + "): saml or oidc")
	}
	if w.plan.idp == "" {
		m.add("--idp (or " + envIdP + "): okta, entra or onelogin")
	}
	if w.opts.baseURL == "" {
		m.add("--base-url (or " + envBaseURL + "): the SCIM Base URL from Setup SCIM")
	}
	if w.token.IsZero() {
		m.add("--token-stdin (or " + envToken + "): the SCIM API Token from Setup SCIM")
	}
	return m.err()
}

// startSandbox runs the built-in sandbox in-process and signs in to it.
func (w *plainWizard) startSandbox(ctx context.Context) error {
	sb, err := w.f.StartSandbox(builtInSandbox(w.opts)...)
	if err != nil {
		return err
	}
	w.stopSandbox = sb.Stop
	if w.opts.org != "" && w.opts.org != sb.Org {
		w.stopSandbox()
		return usagef("--org %q: the sandbox has one organization, %q", w.opts.org, sb.Org)
	}
	w.res.Org, w.res.Sandbox = sb.Org, true
	w.console, w.hub = client.SandboxConsole{Hub: sb.Hub}, sb.Hub
	g := sandboxGraph(sb.URL)
	w.graph = &g
	w.ui.say("Using the built-in sandbox at %s (organization %s): nothing real is changed.", sb.URL, sb.Org)
	return nil
}

// connectionStep picks the SSO connection: from the sandbox's list, or for
// real Docker its type and identity provider.
func (w *plainWizard) connectionStep(ctx context.Context) error {
	w.ui.step(steps.StepConnection)
	if w.console == nil {
		return w.guidedConnection(ctx)
	}
	conns, err := w.console.Connections(ctx, w.res.Org)
	if err != nil {
		return err
	}
	w.conns = conns
	i, err := w.pickConnection(ctx)
	if err != nil {
		return err
	}
	c := conns[i]
	w.conn = &c
	w.res.Connection = &connectionResult{ID: c.ID, Name: c.Name, Type: string(c.Type)}
	ct := steps.SAML
	if c.Type == client.AzureOIDC {
		ct = steps.OIDC
	}
	if w.res.ConnectionType != "" && w.res.ConnectionType != ct {
		return usagef("--connection-type %s does not match the connection %s (%s)", w.res.ConnectionType, c.ID, c.Type.Label())
	}
	w.res.ConnectionType = ct
	if idp, err := steps.ParseIdP(c.IdP); err == nil && w.res.IdP == "" {
		w.res.IdP = idp
	}
	w.ui.say("Connection: %s (%s, %s)", c.Name, c.ID, c.Type.Label())
	return nil
}

// pickConnection chooses by --connection (id or name), by the one
// connection matching --idp and --connection-type, or by asking.
func (w *plainWizard) pickConnection(ctx context.Context) (int, error) {
	match := func(s string) int {
		return slices.IndexFunc(w.conns, func(c client.Connection) bool {
			return strings.EqualFold(c.ID, s) || strings.EqualFold(c.Name, s)
		})
	}
	ids := make([]string, len(w.conns))
	labels := make([]string, len(w.conns))
	for i, c := range w.conns {
		ids[i] = c.ID
		labels[i] = fmt.Sprintf("%s (%s, %s)", c.Name, c.ID, c.Type.Label())
	}
	if w.opts.connection != "" {
		if i := match(w.opts.connection); i >= 0 {
			return i, nil
		}
		return 0, usagef("--connection %q: no such SSO connection; use one of %s", w.opts.connection, strings.Join(ids, ", "))
	}
	var fits []int
	for i, c := range w.conns {
		idp, _ := steps.ParseIdP(c.IdP)
		ct := steps.SAML
		if c.Type == client.AzureOIDC {
			ct = steps.OIDC
		}
		if (w.res.IdP == "" || idp == w.res.IdP) && (w.res.ConnectionType == "" || ct == w.res.ConnectionType) {
			fits = append(fits, i)
		}
	}
	if len(fits) == 1 && (w.res.IdP != "" || w.res.ConnectionType != "") {
		return fits[0], nil
	}
	flag := "--connection (or " + envConnection + "): one of " + strings.Join(ids, ", ")
	if !w.f.IO.CanPrompt() {
		return 0, &missingInput{items: []string{flag}}
	}
	return w.ask.Choose(ctx, "SSO connection to set up SCIM on", labels, flag, func(s string) (int, bool) {
		i := match(s)
		return i, i >= 0
	})
}

// guidedConnection asks, for real Docker, which kind of connection and
// identity provider is being set up.
func (w *plainWizard) guidedConnection(ctx context.Context) error {
	if w.res.Org == "" {
		w.res.Org = w.opts.org
	}
	if w.res.Org == "" {
		org, err := w.ask.Ask(ctx, "Docker organization name", "--org (or "+envOrg+")")
		if err != nil {
			return err
		}
		w.res.Org = org
	}
	w.ui.say("%s", w.ui.rich("Find the connection in "+steps.Path(steps.Docker().SSOAndSCIM.Text, steps.Docker().SSOConnections.Text)+"."))
	if w.opts.connection != "" {
		w.res.Connection = &connectionResult{Name: w.opts.connection}
	}
	if w.res.ConnectionType == "" {
		i, err := w.ask.Choose(ctx, "Connection type", []string{"SAML", "OIDC (Azure AD / Entra ID)"},
			"--connection-type (or "+envConnectionType+"): saml or oidc", func(s string) (int, bool) {
				ct, err := parseConnectionType(s)
				return map[steps.ConnectionType]int{steps.SAML: 0, steps.OIDC: 1}[ct], err == nil
			})
		if err != nil {
			return err
		}
		w.res.ConnectionType = []steps.ConnectionType{steps.SAML, steps.OIDC}[i]
	}
	return w.chooseIdP(ctx)
}

// needIdP makes sure the identity provider is known: asked in prompt
// mode, a missing --idp in no-input mode.
func (w *plainWizard) needIdP(ctx context.Context) error {
	if w.res.IdP == "" && !w.f.IO.CanPrompt() {
		return &missingInput{items: []string{"--idp (or " + envIdP + "): okta, entra or onelogin"}}
	}
	return w.chooseIdP(ctx)
}

// chooseIdP asks for the identity provider unless it is known.
func (w *plainWizard) chooseIdP(ctx context.Context) error {
	if w.res.IdP != "" {
		return nil
	}
	idps := steps.IdPs()
	labels := make([]string, len(idps))
	for i, p := range idps {
		labels[i] = p.Label()
	}
	i, err := w.ask.Choose(ctx, "Identity provider", labels, "--idp (or "+envIdP+"): okta, entra or onelogin", func(s string) (int, bool) {
		p, err := steps.ParseIdP(s)
		return slices.Index(idps, p), err == nil
	})
	if err != nil {
		return err
	}
	w.res.IdP = idps[i]
	return nil
}

// signInStep signs in to Docker Hub for real Docker and checks the
// organization (see signInHub).
func (w *plainWizard) signInStep(ctx context.Context) error {
	if w.res.Sandbox {
		return nil
	}
	hub, err := w.f.SignInHub(ctx, w.opts.hub(), w.res.Org, w.hubToken, w.ui.say)
	w.hub = hub
	return err
}

// preflightStep checks what Docker needs before SCIM: the Business plan,
// a verified domain, the SSO connection, JIT provisioning and members SCIM
// will not manage. On real Docker the plan and domains cannot be read, and
// JIT comes from --jit or is asked (assumed on when unknown, as the
// terminal wizard does). A blocker stops the flow.
func (w *plainWizard) preflightStep(ctx context.Context) error {
	w.ui.step(steps.StepPreflight)
	p := steps.Prereqs{HasSSOConnection: true, DomainsUnknown: true}
	jit := true
	if w.console != nil {
		info, err := w.console.Org(ctx, w.res.Org)
		if err != nil {
			return err
		}
		p.Plan, p.DomainsUnknown = info.Plan, false
		for _, d := range info.Domains {
			if d.Verified {
				p.VerifiedDomains = append(p.VerifiedDomains, d.Name)
			}
		}
		jit = w.conn.JIT
	} else {
		var err error
		if jit, err = w.jitSetting(ctx); err != nil {
			return err
		}
	}
	var members []steps.OrgMember
	var domains []string
	admin, scimOn := "", false
	if w.conn != nil {
		domains, scimOn = w.conn.Domains, w.conn.SCIMEnabled
	}
	if w.hub != nil {
		admin = w.hub.Identifier()
		list, err := w.hub.Members(ctx, w.res.Org)
		if err != nil {
			w.ui.say("Warning: could not list the members of %s, so which of them SCIM will link is not checked: %v", w.res.Org, err)
		}
		for _, m := range list {
			members = append(members, steps.OrgMember{Username: m.Username, Email: m.Email, Guest: m.IsGuest})
		}
	}
	w.res.Findings = append(steps.Prerequisites(p), steps.JITPreflight(jit, scimOn)...)
	plan := steps.PlanMembers(members, domains, !p.DomainsUnknown && len(domains) > 0, admin)
	w.res.Findings = append(w.res.Findings, steps.MembersPreflight(plan)...)
	for _, f := range w.res.Findings {
		w.ui.say("%s: %s", strings.ToUpper(f.Severity.String()), w.ui.rich(f.Title))
		if f.Detail != "" {
			w.ui.say("   %s", w.ui.rich(f.Detail))
		}
		if f.Fix != "" {
			w.ui.say("   Fix: %s", w.ui.rich(f.Fix))
		}
		for i, st := range f.Steps {
			w.ui.say("   %d. %s", i+1, w.ui.rich(st))
		}
	}
	if steps.Blocked(w.res.Findings) {
		return errors.New("the preflight checks found a blocker (see above): fix it, then run docker-scim again")
	}
	return nil
}

// jitSetting is --jit, or the answer to "is JIT on?" in prompt mode; in
// no-input mode without --jit it is assumed on, which is the safe warning.
func (w *plainWizard) jitSetting(ctx context.Context) (bool, error) {
	switch w.opts.jit {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	if !w.f.IO.CanPrompt() {
		return true, nil
	}
	i, err := w.ask.Choose(ctx, "Is Just-in-Time (JIT) provisioning on for this SSO connection ("+steps.SSOAndSCIMPage()+")?",
		[]string{"on", "off"}, "--jit (or DOCKER_SCIM_JIT): on or off", func(s string) (int, bool) {
			return slices.Index([]string{"on", "off"}, strings.ToLower(s)), s == "on" || s == "off"
		})
	return i == 0, err
}

// setupStep runs Setup SCIM on the sandbox, or guides it in the Admin
// Console and takes the pasted SCIM Base URL and API Token.
func (w *plainWizard) setupStep(ctx context.Context) error {
	w.ui.step(steps.StepSetupSCIM)
	w.setupAt = time.Now()
	if w.console != nil {
		setup := w.console.SetupSCIM
		if w.conn.SCIMEnabled {
			w.ui.say("SCIM is already on for %s. Docker shows its values again under %s; the sandbox keeps no copy of the token, so it issues a new one (sandbox only).", w.conn.ID, steps.Plain(steps.Docker().EditSCIM.Text))
			setup = w.console.RefreshSCIMToken
		}
		creds, err := setup(ctx, w.res.Org, w.conn.ID)
		if err != nil {
			return err
		}
		w.res.BaseURL, w.token = creds.BaseURL, creds.Token
		w.ui.say("%s done on %s: the sandbox issued a SCIM Base URL and API Token.", steps.Plain(steps.Docker().EnableSCIM.WithSeed()), w.conn.ID)
		return nil
	}
	for _, s := range append(steps.EnableSCIMGuide(), steps.EnforceSSOAdvice()) {
		w.ui.say("%s", w.ui.rich(s))
	}
	if err := w.baseURL(ctx); err != nil {
		return err
	}
	for w.token.IsZero() {
		raw, err := w.ask.AskSecret(ctx, "API Token", "--token-stdin (or "+envToken+")")
		if err != nil {
			return err
		}
		tok, err := client.NormalizeToken(raw.Value())
		if err != nil {
			w.ui.say("%v", err)
			continue
		}
		w.token = tok
	}
	return nil
}

// baseURL normalises the pasted SCIM Base URL, asking again when it is
// refused in prompt mode.
func (w *plainWizard) baseURL(ctx context.Context) error {
	raw := w.opts.baseURL
	for {
		if raw == "" {
			var err error
			if raw, err = w.ask.Ask(ctx, "SCIM Base URL", "--base-url (or "+envBaseURL+")"); err != nil {
				return err
			}
		}
		base, notes, err := client.NormalizeBaseURL(raw)
		if err == nil {
			for _, n := range notes {
				w.ui.say("Note: %s.", n)
			}
			w.res.BaseURL = base
			return nil
		}
		if !w.f.IO.CanPrompt() || raw == w.opts.baseURL {
			return usagef("--base-url: %v", err)
		}
		w.ui.say("%v", err)
		raw = ""
	}
}

// verifyStep runs the identity providers' checks before the admin leaves
// for the IdP; a failure stops the flow.
func (w *plainWizard) verifyStep(ctx context.Context) error {
	w.ui.step(steps.StepVerify)
	w.ui.say("Checking the SCIM Base URL and API Token the way identity providers do …")
	v, err := probe(ctx, w.res.BaseURL, w.token)
	if err != nil {
		return err
	}
	w.res.Verification = &v
	writeVerification(w.ui.out, v)
	return v.err()
}

// idpStep names the identity provider (asking for it when the sandbox
// connection did not say).
func (w *plainWizard) idpStep(ctx context.Context) error {
	w.ui.step(steps.StepIdP)
	if err := w.needIdP(ctx); err != nil {
		return err
	}
	w.ui.say("Identity provider: %s (%s connection)", w.res.IdP.Label(), strings.ToUpper(string(w.res.ConnectionType)))
	if _, err := steps.ChecklistFor(w.res.IdP, w.res.ConnectionType); err != nil {
		return usagef("--idp %s with --connection-type %s: %v", w.res.IdP, w.res.ConnectionType, err)
	}
	return nil
}

// credentialsStep shows where the two values go in the identity provider.
// The token is printed only with --show-token.
func (w *plainWizard) credentialsStep(ctx context.Context) error {
	w.ui.step(steps.StepCredentials)
	if err := w.needIdP(ctx); err != nil {
		return err
	}
	labels := steps.CredentialLabels(w.res.IdP, w.res.ConnectionType)
	w.ui.say("%s", w.ui.rich(steps.Docker().SeedCopyValues.Text))
	if labels.Note != "" {
		w.ui.say("%s", w.ui.rich(labels.Note))
	}
	w.ui.say("SCIM Base URL → %s: %s", w.ui.bold.Render(labels.BaseURL), w.res.BaseURL)
	shown := "hidden; rerun with --show-token to print it"
	if w.opts.showToken {
		shown = w.token.Value()
	}
	w.ui.say("API Token → %s: %s", w.ui.bold.Render(labels.Token), shown)
	if labels.AddsBearer {
		w.ui.say("Paste the token alone: %s adds \"Bearer \" itself.", w.res.IdP.Label())
	}
	return nil
}

// checklistStep walks the IdP's checklist; in prompt mode each item waits
// for Enter (done) or s (skip), in no-input mode every item stays open.
func (w *plainWizard) checklistStep(ctx context.Context) error {
	w.ui.step(steps.StepChecklist)
	cl, err := steps.ChecklistFor(w.res.IdP, w.res.ConnectionType)
	if err != nil {
		return err
	}
	if cl.Intro != "" {
		w.ui.say("%s", w.ui.rich(cl.Intro))
	}
	w.res.Checklist = checklistResult{Total: len(cl.Items)}
	byGraph, err := w.configureEntra(ctx)
	if err != nil {
		return err
	}
	section := ""
	for i, item := range cl.Items {
		if item.Section != "" && item.Section != section {
			section = item.Section
			w.ui.say("\n%s", w.ui.bold.Render(section))
		}
		opt := ""
		if item.Optional {
			opt = " (optional)"
		}
		title := ""
		if item.Title != "" {
			title = w.ui.bold.Render(item.Title) + ": "
		}
		w.ui.say("%d of %d. %s%s%s", i+1, len(cl.Items), title, w.ui.rich(item.Text), opt)
		if item.Detail != "" {
			w.ui.say("   %s", w.ui.rich(item.Detail))
		}
		if item.Differs != "" {
			w.ui.say("   Differs: %s", w.ui.rich(item.Differs))
		}
		for _, p := range item.Paste {
			w.ui.say("   Paste the %s into %s.", p.Value, w.ui.bold.Render(p.Field))
		}
		if item.DocsURL != "" {
			w.ui.say("   Docs: %s", item.DocsURL)
		}
		done := byGraph[item.ID]
		if done {
			w.ui.say("   Done through Microsoft Graph.")
		} else if w.f.IO.CanPrompt() {
			if done, err = confirmStep(ctx, w.ask); err != nil {
				return err
			}
		}
		if done {
			w.res.Checklist.Done++
		}
		w.res.Checklist.Items = append(w.res.Checklist.Items, checklistItemResult{
			ID: item.ID, Section: item.Section, Title: item.Title, Text: steps.Plain(item.Text), Optional: item.Optional, Done: done})
	}
	for _, n := range cl.Notes {
		w.ui.say("%s", w.ui.rich(n))
	}
	return nil
}

// configureEntra offers "Configure Entra for me" on the Entra checklist
// when Microsoft Graph can be reached: with --configure-entra, or when the
// admin says yes. It returns the checklist items done through Graph. A
// failure is printed with its fix and the manual checklist follows.
func (w *plainWizard) configureEntra(ctx context.Context) (map[string]bool, error) {
	if w.res.IdP != steps.Entra || w.graph == nil || w.token.IsZero() {
		return nil, nil
	}
	if !w.opts.configureEntra {
		if !w.f.IO.CanPrompt() {
			return nil, nil
		}
		yes, err := w.ask.Either(ctx, "Configure Entra for you through Microsoft Graph? (y/N): ", "Type y or n.",
			[]string{"y", "yes"}, []string{"", "n", "no"})
		if err != nil || !yes {
			return nil, err
		}
	}
	titles := entraTitles()
	done := map[string]bool{}
	conn := client.Connection{Type: client.SAML}
	if w.res.ConnectionType == steps.OIDC {
		conn.Type = client.AzureOIDC
	}
	s := flow.EntraSettings(w.res.Org, conn, client.SCIMCredentials{BaseURL: w.res.BaseURL, Token: w.token}, *w.graph)
	_, err := flow.ConfigureEntra(ctx, *w.graph, s, func(p entra.Progress) {
		switch p.State {
		case entra.Done:
			done[string(p.Step)] = true
			w.ui.say("  ✓ %s — %s", titles[p.Step], p.Detail)
			w.res.EntraGraph = append(w.res.EntraGraph, entraStep{ID: string(p.Step), Title: titles[p.Step], State: string(p.State), Detail: p.Detail})
		case entra.Failed:
			w.ui.say("  ✗ %s", titles[p.Step])
			w.res.EntraGraph = append(w.res.EntraGraph, entraStep{ID: string(p.Step), Title: titles[p.Step], State: string(p.State), Error: p.Err.Error()})
		}
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, errInterrupted
		}
		w.ui.say("Microsoft Graph: %v", err)
		w.ui.say("Run the wizard (or docker-scim entra configure) again to resume; the items below are the manual way.")
	}
	return done, nil
}

// finish prints the result on stdout (JSON or a summary), whatever stage
// was reached, and passes err on.
func (w *plainWizard) finish(err error) error {
	var mi *missingInput
	var ue *usageError
	if errors.As(err, &mi) || errors.As(err, &ue) || errors.Is(err, errInterrupted) {
		return err
	}
	if w.opts.showToken && !w.token.IsZero() {
		w.res.Token = w.token.Value()
	}
	if w.opts.runbook != "" && w.res.IdP != "" {
		if rerr := writeRunbook(w.opts.runbook, w.res); rerr != nil {
			return errors.Join(err, rerr)
		}
		w.ui.say("Runbook written to %s (it never holds the API Token).", w.opts.runbook)
	}
	if w.opts.json {
		if werr := writeJSON(w.stdout, w.res); werr != nil {
			return werr
		}
		return err
	}
	if err == nil {
		w.ui.step(steps.StepDone)
	}
	writeSummary(w.stdout, w.res)
	return err
}

// readBackStep reads what Docker now has: the SCIM users provisioned since
// setup and, when signed in, the teams they joined. It shows the IdP's test
// step; in prompt mode Enter reads again until the admin types d.
func (w *plainWizard) readBackStep(ctx context.Context) error {
	w.ui.step(steps.StepReadBack)
	if cl, err := steps.ChecklistFor(w.res.IdP, w.res.ConnectionType); err == nil {
		for _, it := range cl.Items {
			if it.Section == "Test" {
				w.ui.say("%s", w.ui.rich(it.Text))
			}
		}
	}
	scim, err := client.NewSCIM(w.res.BaseURL, w.token)
	if err != nil {
		return err
	}
	for {
		rb, err := readBack(ctx, scim, w.res.Org, w.setupAt)
		if err != nil {
			return err
		}
		w.res.ReadBack = &rb
		w.ui.say("SCIM users provisioned since setup: %d", len(rb.Users))
		for _, u := range rb.Users {
			w.ui.say("  %s", u)
		}
		w.ui.say("Teams with these users: %d", len(rb.Teams))
		for _, t := range rb.Teams {
			w.ui.say("  %s", t)
		}
		if !w.f.IO.CanPrompt() {
			return nil
		}
		again, err := readAgain(ctx, w.ask)
		if err != nil || !again {
			return err
		}
	}
}

// readBack lists the users SCIM provisioned since setup and the org's
// teams (as org:team) that have one of them as a member, read from the
// users' SCIM groups attribute: no member list is read.
func readBack(ctx context.Context, scim *client.SCIM, org string, since time.Time) (readBackResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	users, err := scim.UsersSince(ctx, since.Truncate(time.Second))
	if err != nil {
		return readBackResult{}, err
	}
	rb := readBackResult{Users: []string{}}
	for _, u := range users {
		rb.Users = append(rb.Users, u.UserName)
		for _, t := range u.Teams(org) {
			if team := org + ":" + t; !slices.Contains(rb.Teams, team) {
				rb.Teams = append(rb.Teams, team)
			}
		}
	}
	slices.Sort(rb.Teams)
	return rb, nil
}
