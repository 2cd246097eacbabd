package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
)

// membersStep ends the plain mode with the link report, member by member,
// when the Hub API is signed in. In prompt mode on the sandbox it walks the
// migration to its end: the IdP simulator pushes the members left to link,
// and once every member is linked JIT is turned off through the console.
func (w *plainWizard) membersStep(ctx context.Context) error {
	w.ui.say("\n%s", w.ui.bold.Render("Members linked to SCIM"))
	if w.hub == nil {
		w.ui.say("Sign in to the Hub API (--hub-token-stdin or %s) to compare the members with the SCIM users.", envHubToken)
		return nil
	}
	env := &flow.Env{Org: w.res.Org, Sandbox: w.res.Sandbox, Hub: w.hub}
	if w.res.Sandbox {
		sc := client.SandboxConsole{Hub: w.hub}
		env.Console, env.Simulator = sc, sc
	}
	run := &flow.Run{IdP: w.res.IdP, Creds: client.SCIMCredentials{BaseURL: w.res.BaseURL, Token: w.token}}
	for {
		report, err := flow.ReadLinks(ctx, env, run)
		if err != nil {
			return err
		}
		conn, err := w.currentConnection(ctx, env)
		if err != nil {
			return err
		}
		advice := flow.AdviseJIT(report, conn)
		w.res.Members = &membersResult{LinkReport: report, Connection: &conn, JIT: &advice}
		w.sayReport(report, advice)
		if !w.f.IO.CanPrompt() {
			return nil
		}
		switch {
		case env.SimulatesPush() && !report.AllLinked():
			push, err := w.ask.Either(ctx, fmt.Sprintf("Have the IdP simulator push the %d members left to link, as %s would once you fix them there? (y/n) ", report.Unlinked(), w.res.IdP.Label()),
				"Type y or n.", []string{"y", "yes"}, []string{"n", "no"})
			if err != nil || !push {
				return err
			}
			left := report.Only(flow.MemberWillLink, flow.MemberEmailMismatch).Members
			if _, err := flow.PushToLink(ctx, env, run.Creds, left...); err != nil {
				return err
			}
		case advice.Ready && env.Console != nil:
			off, err := w.ask.Either(ctx, "Turn JIT provisioning off now? (y/n) ", "Type y or n.", []string{"y", "yes"}, []string{"n", "no"})
			if err != nil || !off {
				return err
			}
			updated, err := flow.TurnOffJIT(ctx, env, report, conn)
			if err != nil {
				return err
			}
			w.ui.say("JIT provisioning is now off on %s.", updated.Name)
		default:
			return nil
		}
	}
}

// currentConnection is the SSO connection as it is now: read again from
// the console when there is one (JIT may have changed), else the one named,
// with SCIM on (the run set it up) and JIT as --jit says (Docker's default
// is on).
func (w *plainWizard) currentConnection(ctx context.Context, env *flow.Env) (client.Connection, error) {
	var conn client.Connection
	if w.conn != nil {
		conn = *w.conn
	}
	if env.Console == nil {
		conn.SCIMEnabled, conn.JIT = true, w.opts.jit != "off"
		return conn, nil
	}
	conns, err := env.Console.Connections(ctx, w.res.Org)
	if err != nil {
		return conn, err
	}
	for _, c := range conns {
		if c.ID == conn.ID {
			return c, nil
		}
	}
	return conn, nil
}

// sayReport prints the report on stderr: the headline and counts, one line
// per member left to link or outside SCIM, then the JIT advice.
func (w *plainWizard) sayReport(r flow.LinkReport, advice flow.JITAdvice) {
	c := r.Counts
	w.ui.say("%s. Will link %d, email mismatch %d, guests %d, linked %d; SCIM users not members: %d.",
		r.Headline(), c.WillLink, c.EmailMismatch, c.OutsideSCIM, c.Linked, c.Pending+c.Deactivated)
	for _, st := range []flow.LinkState{flow.MemberWillLink, flow.MemberEmailMismatch, flow.MemberOutsideSCIM} {
		part := r.Only(st)
		if len(part.Members) == 0 {
			continue
		}
		w.ui.say("%s: %s", st.Label(), st.Meaning(r.IdP))
		for _, m := range part.Members {
			line := "  " + m.Username + " (" + m.Email + ")"
			for _, l := range m.LookAlikes {
				line += ", looks like " + l.UserName + " (" + l.Match + ")"
			}
			w.ui.say("%s", line)
		}
		if st == flow.MemberWillLink && r.Assign.Text != "" {
			w.ui.say("  In %s: %s", r.IdP.Label(), w.ui.rich(r.Assign.Text))
		}
	}
	w.ui.say("%s", w.ui.rich(strings.TrimSpace(advice.Text)))
}
