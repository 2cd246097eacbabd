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

// TeamFeed is a team of the org and its members.
type TeamFeed struct {
	Team    client.Team
	Members []client.Member
}

// Teams is one read of the org's teams, with the audit log since setup.
type Teams struct {
	Teams []TeamFeed
	// Audit is the audit log since setup; AuditErr says why it could not
	// be read (not fatal: the token may lack scope-activity-read).
	Audit    []client.AuditLog
	AuditErr error
}

// Feed is what the read-back saw: the SCIM users provisioned since setup
// and, when signed in to the Hub, the teams with the audit log.
type Feed struct {
	Users []client.User
	Teams
}

// ReadUsers reads the SCIM users created or changed since since. SCIM
// timestamps have whole seconds, so since is truncated to the second: a
// user created in the same second as setup still counts.
func ReadUsers(ctx context.Context, scim *client.SCIM, since time.Time) ([]client.User, error) {
	return scim.UsersSince(ctx, since.Truncate(time.Second))
}

// ReadTeams lists the org's teams and the members of each team that is new
// or whose member count changed since prev (the others keep prev's list:
// the team cache), and reads the audit log since since (member.add,
// team.member.add, …): evidence that provisioning reached Docker.
func ReadTeams(ctx context.Context, hub *client.Hub, org string, prev []TeamFeed, since time.Time) (Teams, error) {
	known := make(map[string]TeamFeed, len(prev))
	for _, t := range prev {
		known[t.Team.Name] = t
	}
	teams, err := hub.Teams(ctx, org)
	if err != nil {
		return Teams{}, err
	}
	out := Teams{Teams: make([]TeamFeed, 0, len(teams))}
	for _, t := range teams {
		if k, ok := known[t.Name]; ok && k.Team.MemberCount == t.MemberCount {
			out.Teams = append(out.Teams, TeamFeed{Team: t, Members: k.Members})
			continue
		}
		members, err := hub.TeamMembers(ctx, org, t.Name)
		if err != nil {
			return Teams{}, err
		}
		out.Teams = append(out.Teams, TeamFeed{Team: t, Members: members})
	}
	out.Audit, out.AuditErr = hub.AuditLogs(ctx, org, client.AuditLogOptions{From: since.Truncate(time.Second)})
	return out, nil
}

// ReadBack reads once what Docker has for the run: the users since setup
// and, when signed in to the Hub, the teams (reusing prev's member lists
// where nothing changed) and the audit log.
func ReadBack(ctx context.Context, env *Env, r *Run, prev *Feed) (Feed, error) {
	scim, err := env.SCIM(r.Creds)
	if err != nil {
		return Feed{}, err
	}
	var f Feed
	if f.Users, err = ReadUsers(ctx, scim, r.SetupAt); err != nil {
		return Feed{}, err
	}
	if !env.ReadsHub() {
		return f, nil
	}
	var cache []TeamFeed
	if prev != nil {
		cache = prev.Teams.Teams
	}
	f.Teams, err = ReadTeams(ctx, env.Hub, env.Org, cache, r.SetupAt)
	return f, err
}

// NewMembers returns the members of t that are users of the feed (matched
// by email, which is the SCIM userName).
func NewMembers(t TeamFeed, users []client.User) []string {
	var out []string
	for _, m := range t.Members {
		for _, u := range users {
			if m.Email != "" && strings.EqualFold(m.Email, u.UserName) {
				out = append(out, u.UserName)
				break
			}
		}
	}
	return out
}

// TeamsWith returns the teams that have at least one of users as a member.
func TeamsWith(teams []TeamFeed, users []client.User) []client.Team {
	var out []client.Team
	for _, t := range teams {
		if len(NewMembers(t, users)) > 0 {
			out = append(out, t.Team)
		}
	}
	return out
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
	return fmt.Sprintf("Audit log since setup: %d event(s): %s.", len(audit), strings.Join(parts, ", "))
}
