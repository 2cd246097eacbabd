package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
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

// rich renders the **bold** labels of the steps text in bold and its
// `code` spans without their backticks, as the wizard does.
func (u *plainUI) rich(s string) string {
	s = steps.RenderCode(s, func(code string) string { return code })
	return steps.RenderBold(s, func(t string) string { return u.bold.Render(t) })
}

// retryNotices prints a line before every retry the client makes, so a
// long wait (a stall, a 503, a rate limit) is never silent.
func (u *plainUI) retryNotices() client.Option {
	var mu sync.Mutex
	return client.WithRetryNotice(func(n client.RetryNotice) {
		mu.Lock()
		defer mu.Unlock()
		u.say("%s", n)
	})
}

// step prints a step's header, "Step 3 of 9: Enable SCIM".
func (u *plainUI) step(id steps.StepID) {
	n, total := steps.Position(id)
	fmt.Fprintf(u.out, "\n%s\n", u.bold.Render(fmt.Sprintf("Step %d of %d: %s", n, total, steps.Title(id))))
}

// plainMode renders the flow engine as plain lines, the accessible
// renderer: a loop over flow.Run.Next with one small renderer per step.
// What the admin answers comes from flags, or from the Prompter.
type plainMode struct {
	opts   *WizardOptions
	plan   plan
	ask    Prompter
	ui     *plainUI
	stdout io.Writer

	env *flow.Env
	run flow.Run
	// token is the SCIM API Token given before the run (flag or
	// environment); the run's credentials hold it once the step took it.
	token client.Secret
	// refreshed is set when this run refreshed a working API Token: the
	// identity provider still holds the old one.
	refreshed bool
	// graph reaches Microsoft Graph for "Configure Entra for me", or nil.
	graph *flow.EntraGraph
}

// render walks the flow from the first step to the last, then prints the
// result on stdout.
func (p *plainMode) render(ctx context.Context) error {
	renderers := map[steps.StepID]func(context.Context) error{
		steps.StepConnection:  p.connection,
		steps.StepPreflight:   p.preflight,
		steps.StepSetupSCIM:   p.setupSCIM,
		steps.StepVerify:      p.verify,
		steps.StepCredentials: p.credentials,
		steps.StepIdP:         p.idp,
		steps.StepChecklist:   p.checklist,
		steps.StepReadBack:    p.readBack,
		steps.StepDone:        p.done,
	}
	prev := steps.StepID("")
	for step := steps.StepConnection; step != ""; step = p.run.Next(step) {
		if step == prev {
			return p.finish(fmt.Errorf("the %s step did not give what the flow needs next", steps.Title(step)))
		}
		p.ui.step(step)
		if err := renderers[step](ctx); err != nil {
			return p.finish(err)
		}
		prev = step
	}
	return p.finish(nil)
}

// connection picks the SSO connection: from the list where the
// environment has one, else by its type and identity provider.
func (p *plainMode) connection(ctx context.Context) error {
	if !p.env.ListsConnections() {
		return p.guidedConnection(ctx)
	}
	info, err := flow.Connections(ctx, p.env)
	if err != nil {
		return err
	}
	p.run.RecordOrg(info)
	i, err := p.pickConnection(ctx, info.Connections)
	if err != nil {
		return err
	}
	c := info.Connections[i]
	ct := flow.ConnectionType(c.Type)
	if p.plan.connectionType != "" && p.plan.connectionType != ct {
		return usagef("--connection-type %s does not match the connection %s (%s)", p.plan.connectionType, c.ID, c.Type.Label())
	}
	p.run.ChooseConnection(c)
	if p.plan.idp != "" {
		p.run.ChooseIdP(p.plan.idp)
	}
	p.ui.say("Connection: %s (%s, %s)", c.Name, c.ID, c.Type.Label())
	return nil
}

// pickConnection chooses by --connection (id or name), by the one
// connection matching --idp and --connection-type, or by asking.
func (p *plainMode) pickConnection(ctx context.Context, conns []client.Connection) (int, error) {
	match := func(s string) int {
		return slices.IndexFunc(conns, func(c client.Connection) bool {
			return strings.EqualFold(c.ID, s) || strings.EqualFold(c.Name, s)
		})
	}
	ids := make([]string, len(conns))
	labels := make([]string, len(conns))
	for i, c := range conns {
		ids[i] = c.ID
		labels[i] = fmt.Sprintf("%s (%s, %s)", c.Name, c.ID, c.Type.Label())
	}
	if p.opts.connection != "" {
		if i := match(p.opts.connection); i >= 0 {
			return i, nil
		}
		return 0, usagef("--connection %q: no such SSO connection; use one of %s", p.opts.connection, strings.Join(ids, ", "))
	}
	var fits []int
	for i, c := range conns {
		idp, _ := steps.ParseIdP(c.IdP)
		if (p.plan.idp == "" || idp == p.plan.idp) && (p.plan.connectionType == "" || flow.ConnectionType(c.Type) == p.plan.connectionType) {
			fits = append(fits, i)
		}
	}
	if len(fits) == 1 && (p.plan.idp != "" || p.plan.connectionType != "") {
		return fits[0], nil
	}
	return p.ask.Choose(ctx, "SSO connection to set up SCIM on", labels, "--connection (or "+envConnection+"): one of "+strings.Join(ids, ", "),
		func(s string) (int, bool) {
			i := match(s)
			return i, i >= 0
		})
}

// guidedConnection asks, where connections cannot be listed, which kind of
// connection and identity provider is being set up.
func (p *plainMode) guidedConnection(ctx context.Context) error {
	p.ui.say("%s", p.ui.rich("Find the connection in "+steps.Path(steps.Docker().SSOAndSCIM.Text, steps.Docker().SSOConnections.Text)+"."))
	ct := p.plan.connectionType
	if ct == "" {
		i, err := p.ask.Choose(ctx, "Connection type", []string{"SAML", "OIDC (Azure AD / Entra ID)"},
			"--connection-type (or "+envConnectionType+"): saml or oidc", func(s string) (int, bool) {
				ct, err := flow.ParseConnectionType(s)
				return map[steps.ConnectionType]int{steps.SAML: 0, steps.OIDC: 1}[ct], err == nil
			})
		if err != nil {
			return err
		}
		ct = []steps.ConnectionType{steps.SAML, steps.OIDC}[i]
	}
	idp, err := p.chooseIdP(ctx, p.plan.idp)
	if err != nil {
		return err
	}
	p.run.ChooseConnection(client.Connection{Name: p.opts.connection, Type: flow.ClientConnectionType(ct), IdP: string(idp)})
	return nil
}

// chooseIdP is known, or asked for.
func (p *plainMode) chooseIdP(ctx context.Context, known steps.IdP) (steps.IdP, error) {
	if known != "" {
		return known, nil
	}
	idps := steps.IdPs()
	labels := make([]string, len(idps))
	for i, idp := range idps {
		labels[i] = idp.Label()
	}
	i, err := p.ask.Choose(ctx, "Identity provider", labels, "--idp (or "+envIdP+"): "+steps.IdPChoices(), func(s string) (int, bool) {
		idp, err := steps.ParseIdP(s)
		return slices.Index(idps, idp), err == nil
	})
	if err != nil {
		return "", err
	}
	return idps[i], nil
}

// preflight prints what could stop SCIM or surprise the admin; a blocker
// stops the flow.
func (p *plainMode) preflight(ctx context.Context) error {
	facts, err := flow.Preflight(ctx, p.env, p.run.Org)
	if err != nil {
		return err
	}
	var said *bool
	if !p.env.KnowsJIT() {
		if said, err = p.jitSetting(ctx); err != nil {
			return err
		}
	}
	p.run.RecordPreflight(p.env, facts, said)
	findings := p.run.Findings
	for _, f := range findings {
		p.ui.say("%s: %s", strings.ToUpper(f.Severity.String()), p.ui.rich(f.Title))
		if f.Detail != "" {
			p.ui.say("   %s", p.ui.rich(f.Detail))
		}
		if f.Fix != "" {
			p.ui.say("   Fix: %s", p.ui.rich(f.Fix))
		}
		for i, st := range f.Steps {
			p.ui.say("   %d. %s", i+1, p.ui.rich(st))
		}
	}
	if steps.Blocked(findings) {
		return errors.New("the preflight checks found a blocker (see above): fix it, then run docker-scim again")
	}
	return nil
}

// jitSetting is --jit, or the answer to "is JIT on?"; nil (Docker's
// default, on) when it cannot be asked.
func (p *plainMode) jitSetting(ctx context.Context) (*bool, error) {
	on, off := true, false
	switch p.opts.jit {
	case "on":
		return &on, nil
	case "off":
		return &off, nil
	}
	if !p.ask.CanAsk() {
		return nil, nil
	}
	i, err := p.ask.Choose(ctx, "Is Just-in-Time (JIT) provisioning on for this SSO connection ("+steps.SSOAndSCIMPage()+")?",
		[]string{"on", "off"}, "--jit (or DOCKER_SCIM_JIT): on or off", func(s string) (int, bool) {
			return slices.Index([]string{"on", "off"}, strings.ToLower(s)), s == "on" || s == "off"
		})
	if err != nil {
		return nil, err
	}
	return []*bool{&on, &off}[i], nil
}

// setupSCIM runs Enable SCIM through the environment, or guides it in
// Docker Home and takes the pasted SCIM Base URL and API Token.
func (p *plainMode) setupSCIM(ctx context.Context) error {
	if p.env.IssuesSCIM() {
		creds, err := p.issueSCIM(ctx, p.run.Conn)
		if err != nil {
			return err
		}
		p.run.RecordCredentials(creds, time.Now())
		return nil
	}
	for _, s := range append(steps.EnableSCIMGuide(), steps.EnforceSSOAdvice()) {
		p.ui.say("%s", p.ui.rich(s))
	}
	base, err := p.baseURL(ctx)
	if err != nil {
		return err
	}
	token := p.token
	for token.IsZero() {
		raw, err := p.ask.AskSecret(ctx, "API Token", "--token-stdin (or "+envToken+")")
		if err != nil {
			return err
		}
		if token, err = client.NormalizeToken(raw.Value()); err != nil {
			p.ui.say("%v", err)
		}
	}
	p.run.RecordCredentials(client.SCIMCredentials{BaseURL: base, Token: token}, time.Now())
	return nil
}

// issueSCIM gets conn's SCIM values from the sandbox: Enable SCIM, or Edit
// SCIM (the values again, nothing issued) when SCIM is on already. A new
// token is issued only with --refresh-token, or after asking when Edit
// SCIM cannot show a token issued before the sandbox restarted.
func (p *plainMode) issueSCIM(ctx context.Context, conn client.Connection) (client.SCIMCredentials, error) {
	edit := steps.Plain(steps.Docker().EditSCIM.Text)
	if conn.SCIMEnabled && p.opts.refreshToken {
		return p.refreshSCIM(ctx, conn, "SCIM is already on for "+conn.ID+"; --refresh-token asks the sandbox for a new API Token.")
	}
	creds, err := flow.SetupSCIM(ctx, p.env, conn)
	switch {
	case errors.Is(err, client.ErrTokenNotKept):
		return p.refreshSCIM(ctx, conn, "SCIM is already on for "+conn.ID+", but "+edit+" cannot show its API Token: "+
			"the sandbox restarted since it was issued and kept only its hash.")
	case err != nil:
		return creds, err
	case conn.SCIMEnabled:
		p.ui.say("SCIM is already on for %s: %s shows its SCIM Base URL and API Token again (nothing new was issued; the identity provider's token keeps working).", conn.ID, edit)
	default:
		p.ui.say("%s done on %s: the sandbox issued a SCIM Base URL and API Token.", steps.Plain(steps.Docker().EnableSCIM.WithSeed()), conn.ID)
	}
	return creds, nil
}

// refreshSCIM has the sandbox issue a new API Token for conn after saying
// why and asking (--refresh-token answers without input).
func (p *plainMode) refreshSCIM(ctx context.Context, conn client.Connection, why string) (client.SCIMCredentials, error) {
	p.ui.say("%s", why)
	if err := p.confirmRefresh(ctx, conn); err != nil {
		return client.SCIMCredentials{}, err
	}
	creds, err := flow.RefreshSCIMToken(ctx, p.env, conn)
	if err == nil {
		p.refreshed = true
		p.ui.say("The sandbox issued a new API Token for %s (a sandbox-only action; %s)", conn.ID, steps.TokenLifetimeUnknown)
	}
	return creds, err
}

// confirmRefresh asks before the sandbox issues a new API Token for a
// connection that has SCIM already: the old token stops working at once.
// Without input, --refresh-token is the answer.
func (p *plainMode) confirmRefresh(ctx context.Context, conn client.Connection) error {
	warning := fmt.Sprintf("A new API Token for %s stops the old one at once: the identity provider's provisioning fails until it has the new one.", conn.ID)
	if p.opts.refreshToken {
		p.ui.say("%s Issuing it (--refresh-token).", warning)
		return nil
	}
	if !p.ask.CanAsk() {
		return usagef("%s Pass --refresh-token to issue it anyway.", warning)
	}
	p.ui.say("%s", warning)
	yes, err := p.ask.Either(ctx, "Issue a new API Token? Type y and Enter to issue it, or n to stop: ", "Type y or n.",
		[]string{"y", "yes"}, []string{"n", "no"})
	if err != nil {
		return err
	}
	if !yes {
		return fmt.Errorf("no new API Token was issued for %s: the identity provider keeps the one it has; "+
			"to verify or read back with it, run again with --base-url and the token (--token-stdin or %s)", conn.ID, envToken)
	}
	return nil
}

// baseURL normalises the pasted SCIM Base URL, asking again when it is
// refused and can be asked.
func (p *plainMode) baseURL(ctx context.Context) (string, error) {
	raw := p.opts.baseURL
	if raw == "" {
		raw = p.run.Creds.BaseURL
	}
	for {
		if raw == "" {
			var err error
			if raw, err = p.ask.Ask(ctx, "SCIM Base URL", "--base-url (or "+envBaseURL+")"); err != nil {
				return "", err
			}
		}
		base, notes, err := client.NormalizeBaseURL(raw)
		if err == nil {
			for _, n := range notes {
				p.ui.say("Note: %s.", n)
			}
			return base, nil
		}
		if !p.ask.CanAsk() || raw == p.opts.baseURL {
			return "", usagef("--base-url: %v", err)
		}
		p.ui.say("%v", err)
		raw = ""
	}
}

// verify runs the identity providers' checks before the admin leaves for
// the IdP; a failure stops the flow.
//
// In prompt mode a failure offers to check again with the same SCIM Base
// URL and API Token (a 503 or a stall is often gone a moment later), so
// nothing has to be typed twice.
func (p *plainMode) verify(ctx context.Context) error {
	for {
		p.ui.say("Checking the SCIM Base URL and API Token the way identity providers do …")
		v, err := probe(ctx, p.env, p.run.Creds)
		if err != nil {
			return err
		}
		p.run.RecordProbe(v.result)
		writeVerification(p.ui.out, v.Verification)
		failed := v.err()
		if failed == nil || !p.ask.CanAsk() {
			return failed
		}
		again, err := p.ask.Either(ctx, "Press Enter to check again with the same SCIM Base URL and API Token, or type q and Enter to stop: ",
			"Press Enter, or type q.", []string{""}, []string{"q", "quit", "n", "no"})
		if err != nil {
			return err
		}
		if !again {
			return failed
		}
	}
}

// credentials shows where the two values go in the identity provider.
// The token is printed only with --show-token.
func (p *plainMode) credentials(ctx context.Context) error {
	labels := steps.CredentialLabels(p.run.IdP, p.run.ConnectionType())
	p.ui.say("%s", p.ui.rich(steps.Docker().SeedCopyValues.Text))
	if labels.Note != "" {
		p.ui.say("%s", p.ui.rich(labels.Note))
	}
	p.ui.say("SCIM Base URL → %s: %s", p.ui.bold.Render(labels.BaseURL), p.run.Creds.BaseURL)
	show := p.opts.showToken
	issued := p.env.IssuesSCIM() && p.token.IsZero()
	if !show && issued && p.ask.CanAsk() {
		// Issued in this run and never shown again: a screen reader user
		// gets it here rather than by a rerun that would issue another.
		var err error
		show, err = p.ask.Either(ctx, "Show the API Token now? It is issued once: type s and Enter to show it, or Enter to go on: ",
			"Type s, or press Enter.", []string{"s", "show", "y", "yes"}, []string{"", "n", "no"})
		if err != nil {
			return err
		}
	}
	shown := "hidden; pass --show-token to print it"
	switch {
	case show:
		shown = p.run.Creds.Token.Value()
	case issued:
		shown = "hidden; it was issued by this run: pass --show-token on the run that issues it (a rerun issues a new one)"
	}
	p.ui.say("API Token → %s: %s", p.ui.bold.Render(labels.Token), shown)
	if labels.AddsBearer {
		p.ui.say("Paste the token alone: %s adds \"Bearer \" itself.", p.run.IdP.Label())
	}
	return nil
}

// idp names the identity provider, asking for it when the connection did
// not say.
func (p *plainMode) idp(ctx context.Context) error {
	idp, err := p.chooseIdP(ctx, p.run.IdP)
	if err != nil {
		return err
	}
	p.run.ChooseIdP(idp)
	ct := p.run.ConnectionType()
	p.ui.say("Identity provider: %s (%s connection)", idp.Label(), strings.ToUpper(string(ct)))
	if _, err := steps.ChecklistFor(idp, ct); err != nil {
		return usagef("--idp %s with --connection-type %s: %v", idp, ct, err)
	}
	return nil
}

// checklist walks the IdP's checklist; each item waits for Enter (done)
// or s (skip); without input every item stays open.
func (p *plainMode) checklist(ctx context.Context) error {
	cl, err := steps.ChecklistFor(p.run.IdP, p.run.ConnectionType())
	if err != nil {
		return err
	}
	if cl.Intro != "" {
		p.ui.say("%s", p.ui.rich(cl.Intro))
	}
	p.ui.say("Follows Docker docs revision: %s.", steps.DocsRevision())
	if err := p.groups(ctx); err != nil {
		return err
	}
	byGraph, err := p.configureEntra(ctx)
	if err != nil {
		return err
	}
	checked := map[string]bool{}
	section := ""
	for i, item := range cl.Items {
		if item.Section != "" && item.Section != section {
			section = item.Section
			p.ui.say("\n%s", p.ui.bold.Render(section))
		}
		opt := ""
		if item.NeedsOptionalMark() {
			opt = " (optional)"
		}
		title := ""
		if item.Title != "" {
			title = p.ui.bold.Render(item.Title) + opt + ": "
			opt = ""
		}
		p.ui.say("%d of %d. %s%s%s", i+1, len(cl.Items), title, p.ui.rich(item.Text), opt)
		if item.Detail != "" {
			p.ui.say("   %s", p.ui.rich(item.Detail))
		}
		if item.Differs != "" {
			p.ui.say("   Differs: %s", p.ui.rich(item.Differs))
		}
		for _, ps := range item.Paste {
			p.ui.say("   Paste the %s into %s.", ps.Value, p.ui.bold.Render(ps.Field))
		}
		if item.DocsURL != "" {
			p.ui.say("   Docs: %s", item.DocsURL)
		}
		done := byGraph[item.ID]
		if done {
			p.ui.say("   Done through Microsoft Graph.")
		} else if done, err = confirmStep(ctx, p.ask); err != nil {
			return err
		}
		checked[item.ID] = done
	}
	p.run.RecordChecked(checked)
	for _, n := range cl.Notes {
		p.ui.say("%s", p.ui.rich(n))
	}
	return nil
}

// groups checks the IdP group names given with --group against Docker's
// group mapping, before the checklist's group items.
func (p *plainMode) groups(ctx context.Context) error {
	if len(p.opts.groups) == 0 {
		return nil
	}
	checked, err := flow.CheckGroups(ctx, p.env, p.run.Conn, p.opts.groups)
	if err != nil {
		return err
	}
	p.run.RecordGroups(checked)
	p.ui.say("Group names (--group):")
	for _, g := range checked {
		verdict := "OK"
		if !g.OK {
			verdict = "WRONG"
		}
		p.ui.say("  %s  %s: %s", verdict, g.Name, g.Message)
		if g.Warning != "" {
			p.ui.say("      Warning: %s", g.Warning)
		}
		if g.Fix != "" {
			p.ui.say("      Fix: %s", g.Fix)
		}
	}
	return nil
}

// configureEntra offers "Configure Entra for me" on the Entra checklist
// when Microsoft Graph can be reached: with --configure-entra, or when the
// admin says yes. It returns the checklist items done through Graph. A
// failure is printed with its fix and the manual checklist follows.
func (p *plainMode) configureEntra(ctx context.Context) (map[string]bool, error) {
	if p.run.IdP != steps.Entra || p.graph == nil || p.run.Creds.Token.IsZero() {
		return nil, nil
	}
	if !p.opts.configureEntra {
		yes, err := p.ask.Either(ctx, "Configure Entra for you through Microsoft Graph? (y/N): ", "Type y or n.",
			[]string{"y", "yes"}, []string{"", "n", "no"})
		if err != nil || !yes {
			return nil, err
		}
	}
	titles := entraTitles()
	done := map[string]bool{}
	s := flow.EntraSettings(p.env.Org, p.run.Conn, p.run.Creds, *p.graph)
	show := func(dc entra.DeviceCodePrompt) { p.ui.say("Sign in to Microsoft Graph: %s", dc.Message) }
	_, err := flow.ConfigureEntra(ctx, *p.graph, s, show, func(pr entra.Progress) {
		switch pr.State {
		case entra.Done:
			done[string(pr.Step)] = true
			p.ui.say("  ✓ %s — %s", titles[pr.Step], pr.Detail)
			p.run.RecordEntraStep(flow.EntraStep{ID: string(pr.Step), Title: titles[pr.Step], State: string(pr.State), Detail: pr.Detail})
		case entra.Failed:
			p.ui.say("  ✗ %s", titles[pr.Step])
			p.run.RecordEntraStep(flow.EntraStep{ID: string(pr.Step), Title: titles[pr.Step], State: string(pr.State), Error: pr.Err.Error()})
		}
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, errInterrupted
		}
		p.ui.say("Microsoft Graph: %v", err)
		p.ui.say("Run the wizard (or docker-scim entra configure) again to resume; the items below are the manual way.")
	}
	return done, nil
}

// readBack reads what Docker now has: the SCIM users provisioned since
// setup, the teams they joined and, when signed in, the audit log. It
// shows the IdP's test step; Enter reads again until the admin types d.
func (p *plainMode) readBack(ctx context.Context) error {
	if cl, err := steps.ChecklistFor(p.run.IdP, p.run.ConnectionType()); err == nil {
		for _, it := range cl.TestItems() {
			p.ui.say("%s", p.ui.rich(it.Text))
		}
	}
	if err := p.offerPush(ctx); err != nil {
		return err
	}
	for {
		if err := p.readOnce(ctx); err != nil {
			return err
		}
		again, err := readAgain(ctx, p.ask)
		if err != nil || !again {
			return err
		}
	}
}

// offerPush offers, where the environment simulates the identity provider
// (the built-in sandbox, which nothing outside this run can reach), to push
// a test user and group before reading back, as the wizard's p does.
func (p *plainMode) offerPush(ctx context.Context) error {
	if !p.env.SimulatesPush() {
		return nil
	}
	if !p.ask.CanAsk() {
		p.ui.say("Nothing outside this run can push to its built-in sandbox: answer p at this step in prompt mode, " +
			"or run docker-scim sandbox and push with docker-scim sandbox push.")
		return nil
	}
	push, err := p.ask.Either(ctx, "The sandbox can play the identity provider: type p and Enter to push a test user and group now, or press Enter to skip: ",
		"Type p, or press Enter.", []string{"p", "push", "y", "yes"}, []string{"", "n", "no", "s", "skip"})
	if err != nil || !push {
		return err
	}
	req := flow.TestPush(p.env.Org, p.run.Conn)
	if _, err := flow.PushTestUser(ctx, p.env, p.run.Creds, req); err != nil {
		p.ui.say("The IdP simulator's push failed: %v", err)
		return nil
	}
	p.ui.say("The IdP simulator pushed the user %s and the group %s.", req.Users[0].UserName, req.Group)
	return nil
}

// readOnce reads and prints the read-back once. A failed read (a 500, a
// 403, a stall) is shown with what to do, and the step goes on: only the
// admin ends the read-back, or Ctrl+C.
func (p *plainMode) readOnce(ctx context.Context) error {
	rctx, cancel := context.WithTimeout(ctx, client.StepTimeout)
	feed, err := flow.ReadBack(rctx, p.env, &p.run)
	cancel()
	if ctx.Err() != nil {
		return errInterrupted
	}
	if err != nil {
		p.ui.say("Could not read Docker this time: %v", err)
		return nil
	}
	p.run.RecordFeed(feed)
	p.ui.say("SCIM users provisioned since setup: %d", len(feed.Users))
	for _, u := range feed.Users {
		p.ui.say("  %s", u.UserName)
	}
	p.ui.say("Teams with these users: %d", len(feed.Teams))
	for _, t := range feed.Teams {
		p.ui.say("  %s:%s", p.env.Org, t.Name)
	}
	if line := flow.AuditSummary(feed.Audit, feed.AuditErr); line != "" {
		p.ui.say("%s", line)
	}
	return nil
}

// done is the last step: the link report (see members), then the summary
// on stdout.
func (p *plainMode) done(ctx context.Context) error {
	if p.refreshed {
		p.ui.say("Paste the new API Token into %s: this run refreshed it, so the one the identity provider holds no longer works.", p.run.IdP.Label())
	}
	return p.members(ctx)
}

// finish prints the result on stdout (JSON or a summary), whatever step was
// reached, and passes err on.
func (p *plainMode) finish(err error) error {
	var mi *missingInput
	var ue *usageError
	if errors.As(err, &mi) || errors.As(err, &ue) || errors.Is(err, errInterrupted) {
		return err
	}
	res := flow.NewResult(p.env, &p.run, p.opts.showToken)
	generated, gerr := generatedAt()
	if gerr != nil {
		return errors.Join(err, gerr)
	}
	res.GeneratedAt = generated
	if p.opts.runbook != "" && p.run.IdP != "" {
		if rerr := writeRunbook(p.opts.runbook, p.env, &p.run); rerr != nil {
			return errors.Join(err, rerr)
		}
		p.ui.say("Runbook written to %s (it never holds the API Token).", p.opts.runbook)
	}
	if p.opts.json {
		if werr := writeJSONResult(p.stdout, res, err); werr != nil {
			return werr
		}
		return err
	}
	writeSummary(p.stdout, res)
	return err
}
