package steps

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// GroupNameResult is the verdict on one IdP group name for group mapping.
type GroupNameResult struct {
	// Name is the group name as given.
	Name string `json:"name"`
	// OK is true when Docker will map the group to a team of the chosen org.
	OK bool `json:"ok"`
	// Org and Team are the parts around the colon; empty when there is no
	// single colon.
	Org  string `json:"org,omitempty"`
	Team string `json:"team,omitempty"`
	// TeamExists is true when Team is one of the org's teams, exactly.
	TeamExists bool `json:"team_exists"`
	// WillBeCreated is true when the name is OK and Docker will create the
	// team the first time the group syncs.
	WillBeCreated bool `json:"will_be_created"`
	// Message says what will happen (OK) or what is wrong (not OK).
	Message string `json:"message"`
	// Warning flags an OK name that is probably a mistake, or is empty.
	Warning string `json:"warning,omitempty"`
	// Fix says what to do; empty when OK and there is no warning.
	Fix string `json:"fix,omitempty"`
}

// ValidateGroupName checks an IdP group name against Docker's group-mapping
// rule `organization:team` for the chosen org; see ValidateGroupNameFor.
func ValidateGroupName(org, name string, existingTeams []string) GroupNameResult {
	return ValidateGroupNameFor(GroupOrgs{Orgs: []string{org}, Teams: map[string][]string{org: existingTeams}}, name)
}

// GroupOrgs is what group-name validation knows about the SSO connection:
// the organizations it serves (a company's connection can serve several;
// the first is the one the admin chose) and each one's teams; an org
// missing from Teams has teams the wizard could not read.
type GroupOrgs struct {
	Orgs  []string
	Teams map[string][]string
}

// ValidateGroupNameFor checks an IdP group name against Docker's
// group-mapping rule `organization:team`: exactly one colon, the org part
// one of the connection's organizations (Docker organization names are
// lowercase), and a team part the Hub groups API can address. Docker
// publishes no character rules for team names, so only what the format and
// the API path need is checked: not empty, no surrounding spaces, no "/"
// and no control characters. A team not among the org's known teams will
// be created when the group syncs.
func ValidateGroupNameFor(g GroupOrgs, name string) GroupNameResult {
	r := GroupNameResult{Name: name}
	var orgs []string
	for _, o := range g.Orgs {
		if o = strings.ToLower(strings.TrimSpace(o)); o != "" && !slices.Contains(orgs, o) {
			orgs = append(orgs, o)
		}
	}
	want := ""
	if len(orgs) > 0 {
		want = orgs[0]
	}
	example := want + ":developers"
	fail := func(msg, fix string) GroupNameResult {
		r.OK, r.TeamExists, r.WillBeCreated = false, false, false
		r.Message, r.Fix = msg, fix
		return r
	}
	if want == "" {
		return fail("no Docker organization was chosen, so the group's org part cannot be checked",
			"choose the organization first, then check the group names")
	}
	if name != strings.TrimSpace(name) {
		return fail(fmt.Sprintf("%q has spaces at the start or end", name),
			fmt.Sprintf("remove them: %q", strings.TrimSpace(name)))
	}
	switch n := strings.Count(name, ":"); {
	case n == 0:
		return fail(fmt.Sprintf("%q has no colon; Docker maps only groups named organization:team", name),
			fmt.Sprintf("rename the group to %s:%s", want, suggestTeam(name)))
	case n > 1:
		return fail(fmt.Sprintf("%q has %d colons; Docker needs exactly one, between organization and team", name, n),
			fmt.Sprintf("rename the group to one organization:team pair, for example %s", example))
	}
	r.Org, r.Team, _ = strings.Cut(name, ":")
	served := strings.Join(orgs, ", ")
	switch {
	case r.Org == "":
		return fail(fmt.Sprintf("%q has no organization before the colon", name),
			fmt.Sprintf("rename the group to %s%s", want, name))
	case !slices.Contains(orgs, r.Org) && slices.Contains(orgs, strings.ToLower(r.Org)):
		return fail(fmt.Sprintf("the organization part %q is not lowercase; Docker organization names are lowercase", r.Org),
			fmt.Sprintf("rename the group to %s:%s", strings.ToLower(r.Org), r.Team))
	case !slices.Contains(orgs, r.Org) && len(orgs) == 1:
		return fail(fmt.Sprintf("the organization part %q is not the chosen organization %q", r.Org, want),
			fmt.Sprintf("rename the group to %s:%s, or set up SCIM for %q separately (use one group per organization and team)", want, r.Team, r.Org))
	case !slices.Contains(orgs, r.Org):
		return fail(fmt.Sprintf("the organization part %q is not one of the organizations this connection serves (%s)", r.Org, served),
			fmt.Sprintf("rename the group to one of %s followed by :%s", served, r.Team))
	}
	var existingTeams []string
	known := false
	for o, ts := range g.Teams {
		if strings.EqualFold(o, r.Org) {
			existingTeams, known = ts, true
		}
	}
	in := ""
	if len(orgs) > 1 {
		in = " in " + r.Org
	}
	switch {
	case r.Team == "":
		return fail(fmt.Sprintf("%q has no team after the colon", name),
			fmt.Sprintf("rename the group to %s:developers", r.Org))
	case r.Team != strings.TrimSpace(r.Team):
		return fail(fmt.Sprintf("the team part %q has spaces at the start or end", r.Team),
			fmt.Sprintf("rename the group to %s:%s", r.Org, strings.TrimSpace(r.Team)))
	case strings.Contains(r.Team, "/"):
		return fail(fmt.Sprintf("the team part %q contains \"/\", which the Hub groups API cannot address", r.Team),
			fmt.Sprintf("rename the group to %s:%s", r.Org, strings.ReplaceAll(r.Team, "/", "-")))
	case strings.IndexFunc(r.Team, unicode.IsControl) >= 0:
		return fail(fmt.Sprintf("the team part %q contains a control character", r.Team),
			"retype the group name without invisible characters")
	}
	r.OK = true
	if !known {
		r.Message = fmt.Sprintf("maps to team %q%s (its teams cannot be read here: Docker creates the team if it does not exist)", r.Team, in)
		return r
	}
	for _, t := range existingTeams {
		if t == r.Team {
			r.TeamExists = true
			r.Message = fmt.Sprintf("maps to the existing team %q%s", r.Team, in)
			return r
		}
	}
	r.WillBeCreated = true
	r.Message = fmt.Sprintf("team %q does not exist%s yet: Docker will create it when the group syncs", r.Team, in)
	for _, t := range existingTeams {
		if strings.EqualFold(t, r.Team) {
			r.Warning = fmt.Sprintf("a team named %q exists; names are compared exactly, so Docker may create a second team %q", t, r.Team)
			r.Fix = fmt.Sprintf("to use the existing team, rename the group to %s:%s", r.Org, t)
			break
		}
	}
	return r
}

// suggestTeam turns a colon-less group name into a team name for a fix.
func suggestTeam(name string) string {
	if name == "" {
		return "developers"
	}
	return strings.ReplaceAll(name, "/", "-")
}
