package entra

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/internal/idpapi"
)

// StepID names a configuration step by the id of the manual checklist item
// it does (steps/data/entra.yaml), so front-ends show the same labels.
type StepID string

// The steps Configure runs, in order.
const (
	StepNewApp       StepID = "entra-oidc-new-app"
	StepOpenApp      StepID = "entra-open-app"
	StepJob          StepID = "entra-provisioning-mode"
	StepCredentials  StepID = "entra-admin-credentials"
	StepTest         StepID = "entra-test-connection"
	StepGroupMapping StepID = "entra-group-mapping"
	StepAssign       StepID = "entra-assign-groups"
	StepStart        StepID = "entra-start-provisioning"
	StepOnDemand     StepID = "entra-provision-on-demand"
	StepLogs         StepID = "entra-provisioning-logs"
)

// Settings is what Configure needs.
type Settings struct {
	// AppName is the enterprise app's display name (found, or created when
	// CreateApp is set and none exists).
	AppName string
	// ServicePrincipalID picks the app by object id instead of by name.
	ServicePrincipalID string
	// CreateApp creates a non-gallery app named AppName when none exists; an
	// OIDC connection needs this separate app for provisioning.
	CreateApp bool
	// SCIMBaseURL and SCIMToken are Docker's SCIM Base URL and API token.
	SCIMBaseURL string
	SCIMToken   client.Secret
	// Org is the Docker organization; groups named Org:team are assigned.
	Org string
	// Groups are the org:team groups to assign; empty means every group
	// whose name starts with Org + ":".
	Groups []string
	// TestUser is the userPrincipalName of the user to provision on demand
	// ("" skips that step).
	TestUser string
}

func (s Settings) validate() error {
	switch {
	case s.AppName == "" && s.ServicePrincipalID == "":
		return errors.New("name the enterprise app (--app) or give its object id (--sp-id)")
	case s.SCIMBaseURL == "" || s.SCIMToken.IsZero():
		return errors.New("the SCIM Base URL and API Token from Docker are required")
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

// firstStep is the step that finds (or creates) the app.
func (s Settings) firstStep() StepID {
	if s.CreateApp {
		return StepNewApp
	}
	return StepOpenApp
}

// Steps lists the steps Configure runs for s, in order. The test user is
// provisioned on demand before the job starts, so one user is proven before
// the whole assignment is pushed.
func (s Settings) Steps() []StepID {
	out := []StepID{s.firstStep(), StepJob, StepCredentials, StepTest, StepGroupMapping, StepAssign}
	if s.TestUser != "" {
		out = append(out, StepOnDemand)
	}
	return append(out, StepStart, StepLogs)
}

// State is where a step is.
type State string

// The states a step goes through.
const (
	Running State = "running"
	Done    State = "done"
	Failed  State = "failed"
)

// Progress is one report of a step.
type Progress struct {
	Step  StepID
	State State
	// Detail says what was found or done, e.g. "reused job scim.abc".
	Detail string
	// Err is the failure of a Failed step.
	Err error
}

// Outcome is what Configure did.
type Outcome struct {
	ServicePrincipal ServicePrincipal `json:"servicePrincipal"`
	Job              Job              `json:"job"`
	Assigned         []string         `json:"assignedGroups"`
	OnDemand         *OnDemandResult  `json:"onDemand,omitempty"`
	Logs             []LogEntry       `json:"logs"`
}

// Configure sets up provisioning to Docker for the app in s, step by step,
// reporting each step to report (which may be nil). It stops at the first
// failure. Every step is safe to repeat, so running Configure again resumes:
// what exists is reused and what is done is skipped.
func Configure(ctx context.Context, c *Client, s Settings, report func(Progress)) (Outcome, error) {
	if report == nil {
		report = func(Progress) {}
	}
	var out Outcome
	if err := s.validate(); err != nil {
		return out, err
	}
	run := func(id StepID, f func() (string, error)) error {
		report(Progress{Step: id, State: Running})
		detail, err := f()
		if err != nil {
			report(Progress{Step: id, State: Failed, Err: err})
			return err
		}
		report(Progress{Step: id, State: Done, Detail: detail})
		return nil
	}
	var ruleID string
	steps := []struct {
		id StepID
		f  func() (string, error)
	}{
		{s.firstStep(), func() (string, error) { return c.findApp(ctx, s, &out.ServicePrincipal) }},
		{StepJob, func() (string, error) { return c.findJob(ctx, out.ServicePrincipal.ID, &out.Job) }},
		{StepCredentials, func() (string, error) {
			return "Tenant URL and Secret Token saved", c.SaveCredentials(ctx, out.ServicePrincipal.ID, s.SCIMBaseURL, s.SCIMToken)
		}},
		{StepTest, func() (string, error) {
			return "Docker accepted the Secret Token", c.ValidateCredentials(ctx, out.ServicePrincipal.ID, out.Job.ID, s.SCIMBaseURL, s.SCIMToken)
		}},
		{StepGroupMapping, func() (string, error) {
			detail, id, err := c.enableGroups(ctx, out.ServicePrincipal.ID, out.Job.ID)
			ruleID = id
			return detail, err
		}},
		{StepAssign, func() (string, error) { return c.assignGroups(ctx, s, out.ServicePrincipal, &out.Assigned) }},
		{StepOnDemand, func() (string, error) {
			u, err := c.UserByPrincipalName(ctx, s.TestUser)
			if err != nil {
				return "", err
			}
			res, err := c.ProvisionOnDemand(ctx, out.ServicePrincipal.ID, out.Job.ID, ruleID, u.ID)
			if err != nil {
				return "", err
			}
			out.OnDemand = &res
			if res.Result != "Success" && res.Result != "Skipped" {
				return "", &Error{Op: "provision " + s.TestUser + " on demand", Kind: KindOther, Code: res.ErrorCode, Message: res.ErrorMessage,
					Hint: "Read the provisioning logs (Monitor → Provisioning logs) for the step that failed, fix it in Docker or in the mapping, and run again"}
			}
			return fmt.Sprintf("%s: %s", s.TestUser, res.Result), nil
		}},
		{StepStart, func() (string, error) { return c.start(ctx, out.ServicePrincipal.ID, &out.Job) }},
		{StepLogs, func() (string, error) {
			job, err := c.Job(ctx, out.ServicePrincipal.ID, out.Job.ID)
			if err != nil {
				return "", err
			}
			out.Job = job
			logs, err := c.ProvisioningLogs(ctx, out.Job.ID, 20)
			if err != nil {
				return "", err
			}
			out.Logs = logs
			failed := 0
			for _, l := range logs {
				if strings.EqualFold(l.StatusInfo.Status, "failure") {
					failed++
				}
			}
			return fmt.Sprintf("job %s; %d log entries, %d failed", job.Status.Code, len(logs), failed), nil
		}},
	}
	want := s.Steps()
	for _, st := range steps {
		if !slices.Contains(want, st.id) {
			continue
		}
		if err := run(st.id, st.f); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (c *Client) findApp(ctx context.Context, s Settings, sp *ServicePrincipal) (string, error) {
	if s.ServicePrincipalID != "" {
		got, err := c.ServicePrincipal(ctx, s.ServicePrincipalID)
		*sp = got
		return "found " + got.DisplayName, err
	}
	found, err := c.FindServicePrincipals(ctx, s.AppName)
	if err != nil {
		return "", err
	}
	switch {
	case len(found) == 1:
		*sp = found[0]
		return "found " + s.AppName, nil
	case len(found) > 1:
		return "", &Error{Op: "find the enterprise app", Kind: KindOther,
			Message: fmt.Sprintf("%d apps are named %q", len(found), s.AppName),
			Hint:    "Give the app's object id with --sp-id (Enterprise applications → the app → Overview → Object ID)"}
	case !s.CreateApp:
		return "", &Error{Op: "find the enterprise app", Kind: KindNotFound, Message: fmt.Sprintf("no enterprise app is named %q", s.AppName),
			Hint: "Check the name under Enterprise applications, or let docker-scim create a non-gallery app (--create-app)"}
	}
	got, err := c.CreateNonGalleryApp(ctx, s.AppName)
	*sp = got
	return "created " + s.AppName, err
}

func (c *Client) findJob(ctx context.Context, spID string, job *Job) (string, error) {
	jobs, err := c.Jobs(ctx, spID)
	if err != nil {
		return "", err
	}
	if len(jobs) > 0 {
		*job = jobs[0]
		return "reused job " + job.ID, nil
	}
	templates, err := c.Templates(ctx, spID)
	if err != nil {
		return "", err
	}
	tmpl := ""
	for _, t := range templates {
		if tmpl == "" || t.Default || t.ID == "scim" {
			tmpl = t.ID
		}
		if t.ID == "scim" {
			break
		}
	}
	if tmpl == "" {
		return "", &Error{Op: "create the provisioning job", Kind: KindNotFound, Message: "the app offers no provisioning template",
			Hint: "This app cannot provision: use a non-gallery app (Create your own application → Integrate any other application)"}
	}
	*job, err = c.CreateJob(ctx, spID, tmpl)
	return "created job " + job.ID, err
}

func (c *Client) enableGroups(ctx context.Context, spID, jobID string) (detail, ruleID string, err error) {
	schema, err := c.Schema(ctx, spID, jobID)
	if err != nil {
		return "", "", err
	}
	if ruleID, err = UserRuleID(schema); err != nil {
		return "", "", &Error{Op: "read the job's mappings", Kind: KindDecode, Err: err}
	}
	change, err := EnableGroupProvisioning(schema)
	if err != nil {
		return "", "", &Error{Op: "enable the groups mapping", Kind: KindOther, Err: err}
	}
	if !change.Changed() {
		return "already enabled, objectId → externalId", ruleID, nil
	}
	if err := c.PutSchema(ctx, spID, jobID, schema); err != nil {
		return "", "", err
	}
	detail = "enabled"
	if !change.Enabled {
		detail = "already enabled"
	}
	if len(change.Added) > 0 {
		detail += "; added " + strings.Join(change.Added, ", ")
	}
	return detail, ruleID, nil
}

// appRoleFor picks the role to assign groups with: the app's "User" role,
// else its only other enabled role for users, else the default role.
func appRoleFor(sp ServicePrincipal) string {
	var candidates []AppRole
	for _, r := range sp.AppRoles {
		if r.IsEnabled && slices.Contains(r.AllowedMemberTypes, "User") && r.Value != "msiam_access" {
			if r.DisplayName == "User" {
				return r.ID
			}
			candidates = append(candidates, r)
		}
	}
	if len(candidates) == 1 {
		return candidates[0].ID
	}
	return DefaultAppRoleID
}

func (c *Client) assignGroups(ctx context.Context, s Settings, sp ServicePrincipal, assigned *[]string) (string, error) {
	groups, err := c.GroupsWithPrefix(ctx, s.Org+":")
	if err != nil {
		return "", err
	}
	byName := map[string]Group{}
	for _, g := range groups {
		byName[strings.ToLower(g.DisplayName)] = g
	}
	names := s.Groups
	if len(names) == 0 {
		for _, g := range groups {
			names = append(names, g.DisplayName)
		}
	}
	if len(names) == 0 {
		return "", &Error{Op: "assign the groups", Kind: KindNotFound, Message: "no group is named " + s.Org + ":team",
			Hint: "Create the groups in Entra (Groups → New group, named " + s.Org + ":team) and run again"}
	}
	existing, err := c.Assignments(ctx, sp.ID)
	if err != nil {
		return "", err
	}
	role := appRoleFor(sp)
	var added, kept int
	for _, name := range names {
		g, ok := byName[strings.ToLower(name)]
		if !ok {
			return "", &Error{Op: "assign the groups", Kind: KindNotFound, Message: "no group is named " + name,
				Hint: "Create it in Entra (Groups → New group) or leave it out, then run again"}
		}
		*assigned = append(*assigned, g.DisplayName)
		if slices.ContainsFunc(existing, func(a Assignment) bool { return a.PrincipalID == g.ID }) {
			kept++
			continue
		}
		if _, err := c.Assign(ctx, sp.ID, g.ID, role); err != nil {
			return "", err
		}
		added++
	}
	return fmt.Sprintf("%d assigned, %d already assigned", added, kept), nil
}

func (c *Client) start(ctx context.Context, spID string, job *Job) (string, error) {
	current, err := c.Job(ctx, spID, job.ID)
	if err != nil {
		return "", err
	}
	*job = current
	if strings.EqualFold(current.Schedule.State, "Active") && !strings.EqualFold(current.Status.Code, "Quarantine") {
		return "already on", nil
	}
	if err := c.StartJob(ctx, spID, job.ID); err != nil {
		return "", err
	}
	return "started", nil
}

// PlannedCall is one Graph call Configure makes, for --dry-run.
type PlannedCall = idpapi.PlannedCall[StepID]

// Plan lists the Graph calls Configure makes for s, without making any.
// Ids that only Graph can tell are shown as {spId}, {jobId}, {ruleId},
// {groupId} and {userId}; secrets as [redacted].
func Plan(s Settings) ([]PlannedCall, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	const sp, job = "/servicePrincipals/{spId}", "/servicePrincipals/{spId}/synchronization/jobs/{jobId}"
	redacted := client.NewSecret("x").String()
	creds := []keyValue{{secretBaseAddress, s.SCIMBaseURL}, {secretSecretToken, redacted}}
	var out []PlannedCall
	add := func(step StepID, method, path string, body any, when string) {
		out = append(out, PlannedCall{Step: step, Method: method, Path: path, Body: body, When: when})
	}
	first := s.firstStep()
	if s.ServicePrincipalID != "" {
		add(first, http.MethodGet, "/servicePrincipals/"+s.ServicePrincipalID+"?$select="+spSelect, nil, "")
	} else {
		add(first, http.MethodGet, "/servicePrincipals?$filter=startswith(displayName,"+odataString(s.AppName)+")&$select="+spSelect, nil, "")
		if s.CreateApp {
			add(first, http.MethodPost, "/applicationTemplates/"+NonGalleryTemplateID+"/instantiate", map[string]string{"displayName": s.AppName}, "no app has that name")
		}
	}
	add(StepJob, http.MethodGet, sp+"/synchronization/jobs", nil, "")
	add(StepJob, http.MethodGet, sp+"/synchronization/templates", nil, "the app has no job yet")
	add(StepJob, http.MethodPost, sp+"/synchronization/jobs", map[string]string{"templateId": "scim"}, "the app has no job yet")
	add(StepCredentials, http.MethodPut, sp+"/synchronization/secrets", map[string]any{"value": append(creds,
		keyValue{secretSyncNotifySettings, syncNotifySettingsDisabled}, keyValue{secretSyncAll, "false"})}, "")
	add(StepTest, http.MethodPost, job+"/validateCredentials", map[string]any{"credentials": creds}, "")
	add(StepGroupMapping, http.MethodGet, job+"/schema", nil, "")
	add(StepGroupMapping, http.MethodPut, job+"/schema", "the schema read above, with the Group mapping enabled and objectId → externalId", "the Group mapping is off or incomplete")
	add(StepAssign, http.MethodGet, "/groups?$filter=startswith(displayName,"+odataString(s.Org+":")+")&$select="+groupSelect, nil, "")
	add(StepAssign, http.MethodGet, sp+"/appRoleAssignedTo", nil, "")
	groups := s.Groups
	if len(groups) == 0 {
		groups = []string{"every " + s.Org + ":* group"}
	}
	for _, g := range groups {
		add(StepAssign, http.MethodPost, sp+"/appRoleAssignedTo",
			map[string]string{"principalId": "{groupId of " + g + "}", "resourceId": "{spId}", "appRoleId": "{appRoleId}"}, "the group is not assigned yet")
	}
	if s.TestUser != "" {
		add(StepOnDemand, http.MethodGet, "/users/"+s.TestUser+"?$select="+userSelect, nil, "")
		add(StepOnDemand, http.MethodPost, job+"/provisionOnDemand", map[string]any{"parameters": []map[string]any{{
			"ruleId": "{ruleId}", "subjects": []map[string]string{{"objectId": "{userId}", "objectTypeName": "User"}},
		}}}, "")
	}
	add(StepStart, http.MethodGet, job, nil, "")
	add(StepStart, http.MethodPost, job+"/start", nil, "the job is not running")
	add(StepLogs, http.MethodGet, job, nil, "")
	add(StepLogs, http.MethodGet, "/auditLogs/provisioning?$filter=jobId eq '{jobId}'&$top=20", nil, "")
	return out, nil
}
