package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/docker-scim/docker-scim/internal/idpapi"
)

// StepID names a step by the Okta checklist item it does
// (steps/data/okta.yaml), so front-ends show the same labels.
type StepID string

// The steps Configure runs, in order.
const (
	StepApp    StepID = "okta-provisioning-tab"
	StepGroups StepID = "okta-create-groups"
	StepAssign StepID = "okta-assign-groups"
	StepPush   StepID = "okta-push-now"
)

// Titles names the steps that have no item of their own in the Okta
// checklist (assigning groups is part of its "Create org:team groups").
var Titles = map[StepID]string{StepAssign: "Assign the groups to the app"}

// Steps lists the steps Configure runs, in order.
func Steps() []StepID { return []StepID{StepApp, StepGroups, StepAssign, StepPush} }

// Settings is what Configure needs.
type Settings struct {
	// AppLabel is the Docker app's label in Okta.
	AppLabel string
	// Org is the Docker organization; groups are named Org:team.
	Org string
	// Groups are the org:team groups to create (when missing), assign and
	// push; empty means every group whose name starts with Org + ":".
	Groups []string
}

func (s Settings) validate() error {
	switch {
	case s.AppLabel == "":
		return errors.New("name the Docker app as Okta labels it (--app)")
	case s.Org == "":
		return errors.New("the Docker organization is required: groups are named organization:team")
	}
	for _, g := range s.Groups {
		if org, team, ok := strings.Cut(g, ":"); !ok || !strings.EqualFold(org, s.Org) || team == "" {
			return fmt.Errorf("group %q is not named %s:team", g, s.Org)
		}
	}
	return nil
}

// Progress is one report of a step: Detail when it is done, Err when it failed.
type Progress struct {
	Step   StepID
	Detail string
	Err    error
}

// Outcome is what Configure did.
type Outcome struct {
	App    App      `json:"app"`
	Groups []string `json:"groups"`
	// Pushed lists the groups with an active Group Push mapping.
	Pushed []string `json:"pushed"`
}

// Configure does the groups part of the Okta checklist for the app in s,
// reporting each step to report (which may be nil), and stops at the first
// failure. Every step is safe to repeat, so running it again resumes.
func Configure(ctx context.Context, c *Client, s Settings, report func(Progress)) (Outcome, error) {
	if report == nil {
		report = func(Progress) {}
	}
	var out Outcome
	if err := s.validate(); err != nil {
		return out, err
	}
	groups := map[string]Group{}
	steps := []struct {
		id StepID
		f  func() (string, error)
	}{
		{StepApp, func() (string, error) {
			apps, err := c.AppsByLabel(ctx, s.AppLabel)
			switch {
			case err != nil:
				return "", err
			case len(apps) != 1:
				return "", &Error{Op: "find the app", Status: 0, Summary: fmt.Sprintf("%d apps are labelled %q", len(apps), s.AppLabel),
					Hint: "Create the Docker SCIM app and its SCIM connection in Okta first (the checklist's first steps: Okta has no API for them), or give its exact label"}
			}
			out.App = apps[0]
			return "found " + s.AppLabel, nil
		}},
		{StepGroups, func() (string, error) { return c.ensureGroups(ctx, s, groups, &out) }},
		{StepAssign, func() (string, error) { return c.assignGroups(ctx, out, groups) }},
		{StepPush, func() (string, error) { return c.pushGroups(ctx, &out, groups) }},
	}
	for _, st := range steps {
		detail, err := st.f()
		report(Progress{Step: st.id, Detail: detail, Err: err})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

func (c *Client) ensureGroups(ctx context.Context, s Settings, groups map[string]Group, out *Outcome) (string, error) {
	existing, err := c.GroupsWithPrefix(ctx, s.Org+":")
	if err != nil {
		return "", err
	}
	for _, g := range existing {
		groups[strings.ToLower(g.Profile.Name)] = g
	}
	names := s.Groups
	if len(names) == 0 {
		for _, g := range existing {
			names = append(names, g.Profile.Name)
		}
	}
	if len(names) == 0 {
		return "", &Error{Op: "find the groups", Summary: "no group is named " + s.Org + ":team",
			Hint: "Name the teams to create with --group " + s.Org + ":team"}
	}
	created := 0
	for _, name := range names {
		if _, ok := groups[strings.ToLower(name)]; !ok {
			g, err := c.CreateGroup(ctx, name)
			if err != nil {
				return "", err
			}
			groups[strings.ToLower(name)] = g
			created++
		}
		out.Groups = append(out.Groups, groups[strings.ToLower(name)].Profile.Name)
	}
	return fmt.Sprintf("%d created, %d existed", created, len(names)-created), nil
}

func (c *Client) assignGroups(ctx context.Context, out Outcome, groups map[string]Group) (string, error) {
	assigned, err := c.AppGroups(ctx, out.App.ID)
	if err != nil {
		return "", err
	}
	added := 0
	for _, name := range out.Groups {
		g := groups[strings.ToLower(name)]
		if slices.ContainsFunc(assigned, func(a Assignment) bool { return a.ID == g.ID }) {
			continue
		}
		if _, err := c.AssignGroup(ctx, out.App.ID, g.ID); err != nil {
			return "", err
		}
		added++
	}
	return fmt.Sprintf("%d assigned, %d already assigned", added, len(out.Groups)-added), nil
}

func (c *Client) pushGroups(ctx context.Context, out *Outcome, groups map[string]Group) (string, error) {
	mappings, err := c.PushMappings(ctx, out.App.ID)
	if err != nil {
		return "", err
	}
	added := 0
	for _, name := range out.Groups {
		g := groups[strings.ToLower(name)]
		i := slices.IndexFunc(mappings, func(m PushMapping) bool { return m.SourceGroupID == g.ID })
		m := PushMapping{}
		if i >= 0 {
			m = mappings[i]
		} else {
			if m, err = c.PushGroup(ctx, out.App.ID, g.ID, name); err != nil {
				return "", err
			}
			added++
		}
		if m.Status == "ERROR" {
			return "", &Error{Op: "push the group " + name, Summary: clean(m.ErrorSummary),
				Hint: "Read Okta's Push Groups tab for the error, fix it (often the SCIM connection or the group name), then run again"}
		}
		out.Pushed = append(out.Pushed, name)
	}
	return fmt.Sprintf("%d pushed, %d already pushed", added, len(out.Groups)-added), nil
}

// PlannedCall is one Okta call Configure makes, for --dry-run.
type PlannedCall = idpapi.PlannedCall[StepID]

// Plan lists the Okta calls Configure makes for s, without making any; ids
// only Okta knows are shown as {appId} and {groupId}.
func Plan(s Settings) ([]PlannedCall, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	groups := s.Groups
	if len(groups) == 0 {
		groups = []string{"every " + s.Org + ":* group"}
	}
	out := []PlannedCall{
		{Step: StepApp, Method: http.MethodGet, Path: "/api/v1/apps?q=" + s.AppLabel + "&limit=" + pageLimit},
		{Step: StepGroups, Method: http.MethodGet, Path: "/api/v1/groups?q=" + s.Org + ":&limit=" + pageLimit},
	}
	for _, g := range groups {
		out = append(out, PlannedCall{Step: StepGroups, Method: http.MethodPost, Path: "/api/v1/groups",
			Body: map[string]any{"profile": map[string]string{"name": g}}, When: "the group does not exist"})
	}
	out = append(out, PlannedCall{Step: StepAssign, Method: http.MethodGet, Path: "/api/v1/apps/{appId}/groups?limit=" + pageLimit})
	for _, g := range groups {
		out = append(out, PlannedCall{Step: StepAssign, Method: http.MethodPut, Path: "/api/v1/apps/{appId}/groups/{groupId of " + g + "}", Body: map[string]any{}, When: "not assigned yet"})
	}
	out = append(out, PlannedCall{Step: StepPush, Method: http.MethodGet, Path: "/api/v1/apps/{appId}/group-push/mappings?limit=" + pageLimit})
	for _, g := range groups {
		out = append(out, PlannedCall{Step: StepPush, Method: http.MethodPost, Path: "/api/v1/apps/{appId}/group-push/mappings",
			Body: map[string]string{"sourceGroupId": "{groupId of " + g + "}", "status": "ACTIVE", "targetGroupName": g}, When: "not pushed yet"})
	}
	return out, nil
}
