package okta

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// App is an app integration in the Okta org.
type App struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// Group is an Okta group.
type Group struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Profile struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"profile"`
}

// Assignment is a group assigned to an app.
type Assignment struct {
	ID       string `json:"id"`
	Priority int    `json:"priority"`
}

// PushMapping is a Group Push mapping: an Okta group pushed to the app.
type PushMapping struct {
	ID            string `json:"id"`
	SourceGroupID string `json:"sourceGroupId"`
	TargetGroupID string `json:"targetGroupId"`
	Status        string `json:"status"`
	ErrorSummary  string `json:"errorSummary"`
}

// pageLimit is how many items each list asks for (Okta's lists take limit).
const pageLimit = "200"

func appPath(appID string) string { return "/api/v1/apps/" + url.PathEscape(appID) }

// AppsByLabel lists the apps whose label is exactly label (Okta's q
// matches the start of names and labels; the exact match is ours).
func (c *Client) AppsByLabel(ctx context.Context, label string) ([]App, error) {
	var apps []App
	if err := c.do(ctx, "find the app "+strconv.Quote(label), http.MethodGet, "/api/v1/apps",
		url.Values{"q": {label}, "limit": {pageLimit}}, nil, &apps); err != nil {
		return nil, err
	}
	var out []App
	for _, a := range apps {
		if a.Label == label {
			out = append(out, a)
		}
	}
	return out, nil
}

// GroupsWithPrefix lists the groups whose name starts with prefix.
func (c *Client) GroupsWithPrefix(ctx context.Context, prefix string) ([]Group, error) {
	var groups []Group
	err := c.do(ctx, "find the "+prefix+"* groups", http.MethodGet, "/api/v1/groups",
		url.Values{"q": {prefix}, "limit": {pageLimit}}, nil, &groups)
	var out []Group
	for _, g := range groups {
		if strings.HasPrefix(strings.ToLower(g.Profile.Name), strings.ToLower(prefix)) {
			out = append(out, g)
		}
	}
	return out, err
}

// CreateGroup creates the Okta group name.
func (c *Client) CreateGroup(ctx context.Context, name string) (Group, error) {
	var g Group
	body := map[string]any{"profile": map[string]string{"name": name, "description": "Docker team " + name + ", pushed to Docker by SCIM"}}
	err := c.do(ctx, "create the group "+strconv.Quote(name), http.MethodPost, "/api/v1/groups", nil, body, &g)
	return g, err
}

// AppGroups lists the groups assigned to app appID.
func (c *Client) AppGroups(ctx context.Context, appID string) ([]Assignment, error) {
	var out []Assignment
	err := c.do(ctx, "list the app's groups", http.MethodGet, appPath(appID)+"/groups", url.Values{"limit": {pageLimit}}, nil, &out)
	return out, err
}

// AssignGroup assigns group groupID to app appID, which assigns the app to
// the group's members (and provisions them when To App is on).
func (c *Client) AssignGroup(ctx context.Context, appID, groupID string) (Assignment, error) {
	var a Assignment
	err := c.do(ctx, "assign the group to the app", http.MethodPut, appPath(appID)+"/groups/"+url.PathEscape(groupID), nil, map[string]any{}, &a)
	return a, err
}

// PushMappings lists the app's Group Push mappings.
func (c *Client) PushMappings(ctx context.Context, appID string) ([]PushMapping, error) {
	var out []PushMapping
	err := c.do(ctx, "list the pushed groups", http.MethodGet, appPath(appID)+"/group-push/mappings", url.Values{"limit": {pageLimit}}, nil, &out)
	return out, err
}

// PushGroup creates an active Group Push mapping of group groupID to a
// group named name in the app (Okta links to one that exists).
func (c *Client) PushGroup(ctx context.Context, appID, groupID, name string) (PushMapping, error) {
	var m PushMapping
	body := map[string]string{"sourceGroupId": groupID, "status": "ACTIVE", "targetGroupName": name}
	err := c.do(ctx, "push the group "+strconv.Quote(name), http.MethodPost, appPath(appID)+"/group-push/mappings", nil, body, &m)
	return m, err
}
