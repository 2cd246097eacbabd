package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/docker-scim/docker-scim/client"
)

// TeamRow is a team of the org and the users of the feed in it.
type TeamRow struct {
	Name string
	// Users are the userNames (emails) of the feed's users in the team.
	Users []string
}

// Feed is what the read-back saw: the SCIM users provisioned since setup
// (newest first), the teams they are in and, when signed in to the Hub,
// the audit log since setup.
type Feed struct {
	Users []client.User
	// Requests is how many requests reading the users took: what the next
	// poll needs from the rate-limit budget.
	Requests int
	Teams    []TeamRow
	// Audit is the audit log since setup: evidence that provisioning
	// reached Docker (member.add, team.member.add, …). AuditErr says why
	// it could not be read (not fatal: the token may lack
	// scope-activity-read).
	Audit    []client.AuditLog
	AuditErr error
}

// ReadUsers reads the SCIM users created or changed since since, newest
// first: one request when nothing is new (client.SCIM.ReadUsersSince).
// SCIM timestamps have whole seconds, so since is truncated to the second:
// a user created in the same second as setup still counts.
func ReadUsers(ctx context.Context, scim *client.SCIM, since time.Time) (client.ReadBack, error) {
	return scim.ReadUsersSince(ctx, since.Truncate(time.Second))
}

// ReadAudit reads the audit log of org since since.
func ReadAudit(ctx context.Context, hub *client.Hub, org string, since time.Time) ([]client.AuditLog, error) {
	return hub.AuditLogs(ctx, org, client.AuditLogOptions{From: since.Truncate(time.Second)})
}

// ReadBack reads once what Docker has for the run: the users since setup,
// their teams and, when signed in to the Hub, the audit log. No member list
// is read: the teams come from the users' SCIM groups and the audit log.
func ReadBack(ctx context.Context, env *Env, r *Run) (Feed, error) {
	scim, err := env.SCIM(r.Creds)
	if err != nil {
		return Feed{}, err
	}
	rb, err := ReadUsers(ctx, scim, r.SetupAt)
	if err != nil {
		return Feed{}, err
	}
	f := Feed{Users: rb.Users, Requests: rb.Requests}
	if env.ReadsHub() {
		f.Audit, f.AuditErr = ReadAudit(ctx, env.Hub, env.Org, r.SetupAt)
	}
	f.Teams = TeamsOf(env.Org, f.Users, f.Audit)
	return f, nil
}

// TeamsOf lists, by name, the teams of org that users are in, with the
// users (userName) of each: from each user's SCIM groups attribute, and
// from the audit log's team.member.add events naming a user's Docker ID
// (its SCIM displayName).
func TeamsOf(org string, users []client.User, audit []client.AuditLog) []TeamRow {
	members := map[string][]string{}
	add := func(team, userName string) {
		if !slices.Contains(members[team], userName) {
			members[team] = append(members[team], userName)
		}
	}
	byDockerID := make(map[string]string, len(users))
	for _, u := range users {
		for _, team := range u.Teams(org) {
			add(team, u.UserName)
		}
		if u.DisplayName != "" {
			byDockerID[strings.ToLower(u.DisplayName)] = u.UserName
		}
	}
	for _, e := range audit {
		team, _ := e.Data["team"].(string)
		member, _ := e.Data["member"].(string)
		if userName, ok := byDockerID[strings.ToLower(member)]; ok && e.Action == "team.member.add" && team != "" {
			add(team, userName)
		}
	}
	rows := make([]TeamRow, 0, len(members))
	for team, us := range members {
		rows = append(rows, TeamRow{Name: team, Users: us})
	}
	slices.SortFunc(rows, func(a, b TeamRow) int { return strings.Compare(a.Name, b.Name) })
	return rows
}

// AuditSummary sums up the audit log since setup: how many events of each
// action, or why it could not be read; "" when there is nothing to say.
func AuditSummary(audit []client.AuditLog, err error) string {
	if err != nil {
		var ce *client.Error
		if errors.As(err, &ce) && (ce.Kind == client.KindForbidden || ce.Kind == client.KindPATNotAllowed) {
			return "Audit log: not readable with this token (it needs the scope-activity-read scope)."
		}
		return "Audit log: could not be read (" + err.Error() + ")."
	}
	if len(audit) == 0 {
		return ""
	}
	counts := map[string]int{}
	var actions []string
	for _, e := range audit {
		if counts[e.Action] == 0 {
			actions = append(actions, e.Action)
		}
		counts[e.Action]++
	}
	slices.Sort(actions)
	parts := make([]string, len(actions))
	for i, a := range actions {
		parts[i] = fmt.Sprintf("%s ×%d", a, counts[a])
	}
	events := "events"
	if len(audit) == 1 {
		events = "event"
	}
	return fmt.Sprintf("Audit log since setup: %d %s: %s.", len(audit), events, strings.Join(parts, ", "))
}
