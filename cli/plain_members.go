package cli

import (
	"context"
	"fmt"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
)

// members shows the link report when the Hub API is signed in, member by
// member. In prompt mode on the sandbox it walks the migration to its end:
// the IdP simulator pushes the members left to link, and once every member
// is linked JIT is turned off through the console.
func (p *plainMode) members(ctx context.Context) error {
	p.ui.say("%s", p.ui.bold.Render("Members linked to SCIM"))
	if !p.env.ReadsHub() {
		p.ui.say("Sign in to the Hub API (--hub-token-stdin or %s) to compare the members with the SCIM users.", envHubToken)
		return nil
	}
	for {
		rctx, cancel := context.WithTimeout(ctx, client.StepTimeout)
		report, err := flow.ReadLinks(rctx, p.env, &p.run)
		var conn client.Connection
		if err == nil {
			conn, err = p.currentConnection(rctx)
		}
		cancel()
		if err != nil {
			return err
		}
		p.run.RecordMigration(report, conn)
		p.sayReport(*p.run.Migration)
		if !p.ask.CanAsk() {
			return nil
		}
		switch m := p.run.Migration; {
		case p.env.SimulatesPush() && !report.AllLinked():
			push, err := p.ask.Either(ctx, fmt.Sprintf("Have the IdP simulator push the %d members left to link, as %s would once you fix them there? (y/n) ", report.Unlinked(), p.run.IdP.Label()),
				"Type y or n.", []string{"y", "yes"}, []string{"n", "no"})
			if err != nil || !push {
				return err
			}
			left := report.Only(flow.MemberWillLink, flow.MemberEmailMismatch).Members
			if _, err := flow.PushToLink(ctx, p.env, p.run.Creds, left...); err != nil {
				return err
			}
		case m.JIT.Ready && p.env.Console != nil:
			off, err := p.ask.Either(ctx, "Turn JIT provisioning off now? (y/n) ", "Type y or n.", []string{"y", "yes"}, []string{"n", "no"})
			if err != nil || !off {
				return err
			}
			updated, err := flow.TurnOffJIT(ctx, p.env, report, conn)
			if err != nil {
				return err
			}
			m.JITDisabled = true
			p.ui.say("JIT provisioning is now off on %s.", updated.Name)
		default:
			return nil
		}
	}
}

// currentConnection is the run's SSO connection as it is now: read again
// through the console when there is one (JIT may have changed), else as
// named, with SCIM on (the run set it up) and JIT as --jit says (Docker's
// default is on).
func (p *plainMode) currentConnection(ctx context.Context) (client.Connection, error) {
	conn := p.run.Conn
	if p.env.Console == nil {
		conn.SCIMEnabled, conn.JIT = true, p.opts.jit != "off"
		return conn, nil
	}
	conns, err := p.env.Console.Connections(ctx, p.env.Org)
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
func (p *plainMode) sayReport(m flow.Migration) {
	r, c := m.LinkReport, m.Counts
	p.ui.say("%s. Will link %d, email mismatch %d, guests %d, linked %d; SCIM users not members: %d.",
		r.Headline(), c.WillLink, c.EmailMismatch, c.OutsideSCIM, c.Linked, c.Pending+c.Deactivated)
	for _, st := range []flow.LinkState{flow.MemberWillLink, flow.MemberEmailMismatch, flow.MemberOutsideSCIM} {
		part := r.Only(st)
		if len(part.Members) == 0 {
			continue
		}
		p.ui.say("%s: %s", st.Label(), st.Meaning(r.IdP))
		for _, mem := range part.Members {
			line := "  " + mem.Username + " (" + mem.Email + ")"
			for _, l := range mem.LookAlikes {
				line += ", looks like " + l.UserName + " (" + l.Match + ")"
			}
			p.ui.say("%s", line)
		}
		if st == flow.MemberWillLink && r.Assign.Text != "" {
			p.ui.say("  In %s: %s", r.IdP.Label(), p.ui.rich(r.Assign.Text))
		}
	}
	p.ui.say("%s", p.ui.rich(m.JIT.Text))
}
