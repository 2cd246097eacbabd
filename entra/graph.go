package entra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/docker-scim/docker-scim/client"
)

// Graph permissions (delegated) the calls need, as the reference pages list
// them; the provisioning-logs one is presumed (its include is not public).
const (
	PermApplicationRead      = "Application.Read.All"
	PermApplicationReadWrite = "Application.ReadWrite.All"
	PermSynchronization      = "Synchronization.ReadWrite.All"
	PermAppRoleAssignment    = "AppRoleAssignment.ReadWrite.All"
	PermGroupRead            = "Group.Read.All"
	PermUserRead             = "User.Read.All"
	PermAuditLogRead         = "AuditLog.Read.All"
)

// NonGalleryTemplateID is the application template of "Create your own
// application" (applicationtemplate-instantiate.md).
const NonGalleryTemplateID = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621"

// DefaultAppRoleID is the role to assign with when an app declares none
// (approleassignment.md).
const DefaultAppRoleID = "00000000-0000-0000-0000-000000000000"

// The properties read, and the synchronization secret keys and values sent.
const (
	spSelect                   = "id,appId,displayName,appRoles"
	groupSelect                = "id,displayName,securityEnabled"
	userSelect                 = "id,userPrincipalName,displayName"
	secretBaseAddress          = "BaseAddress"
	secretSecretToken          = "SecretToken"
	secretSyncAll              = "SyncAll"
	secretSyncNotifySettings   = "SyncNotificationSettings"
	syncNotifySettingsDisabled = `{"Enabled":false,"DeleteThresholdEnabled":false}`
)

// Scopes are the delegated permissions to ask for when signing in.
var Scopes = []string{PermApplicationReadWrite, PermSynchronization, PermAppRoleAssignment, PermGroupRead, PermUserRead, PermAuditLogRead}

// AppRole is a role an app offers for assignment.
type AppRole struct {
	ID                 string   `json:"id"`
	Value              string   `json:"value"`
	DisplayName        string   `json:"displayName"`
	AllowedMemberTypes []string `json:"allowedMemberTypes"`
	IsEnabled          bool     `json:"isEnabled"`
}

// ServicePrincipal is an enterprise app in the tenant.
type ServicePrincipal struct {
	ID          string    `json:"id"`
	AppID       string    `json:"appId"`
	DisplayName string    `json:"displayName"`
	AppRoles    []AppRole `json:"appRoles"`
}

// Template is a provisioning job template of an app.
type Template struct {
	ID         string `json:"id"`
	FactoryTag string `json:"factoryTag"`
	Default    bool   `json:"default"`
}

// Schedule is a job's schedule.
type Schedule struct {
	Interval string `json:"interval"`
	State    string `json:"state"`
}

// Execution is one run of a job.
type Execution struct {
	State                        string `json:"state"`
	TimeBegan                    string `json:"timeBegan"`
	TimeEnded                    string `json:"timeEnded"`
	CountEntitled                int64  `json:"countEntitled"`
	CountExported                int64  `json:"countExported"`
	CountEntitledForProvisioning int64  `json:"countEntitledForProvisioning"`
}

// Quarantine says why a job was put in quarantine.
type Quarantine struct {
	Reason string `json:"reason"`
	Error  struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// JobStatus is a job's status.
type JobStatus struct {
	// Code is NotConfigured, NotRun, Active, Paused or Quarantine.
	Code                        string      `json:"code"`
	LastExecution               *Execution  `json:"lastExecution"`
	LastSuccessfulExecution     *Execution  `json:"lastSuccessfulExecution"`
	Quarantine                  *Quarantine `json:"quarantine"`
	SteadyStateLastAchievedTime string      `json:"steadyStateLastAchievedTime"`
}

// Job is a provisioning (synchronization) job.
type Job struct {
	ID         string    `json:"id"`
	TemplateID string    `json:"templateId"`
	Schedule   Schedule  `json:"schedule"`
	Status     JobStatus `json:"status"`
}

// Group is a directory group.
type Group struct {
	ID              string `json:"id"`
	DisplayName     string `json:"displayName"`
	SecurityEnabled bool   `json:"securityEnabled"`
}

// User is a directory user.
type User struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	DisplayName       string `json:"displayName"`
}

// Assignment is a user or group assigned to an app.
type Assignment struct {
	ID                   string `json:"id"`
	AppRoleID            string `json:"appRoleId"`
	PrincipalID          string `json:"principalId"`
	PrincipalType        string `json:"principalType"`
	PrincipalDisplayName string `json:"principalDisplayName"`
	ResourceID           string `json:"resourceId"`
}

// odataString quotes s as an OData string literal.
func odataString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// maxPages bounds how many pages a list follows (100 items each).
const maxPages = 200

// list GETs a Graph collection and follows @odata.nextLink to its end. A
// next link must stay on the Graph endpoint the client was given.
func list[T any](ctx context.Context, c *Client, cl call) ([]T, error) {
	var all []T
	for range maxPages {
		var page struct {
			Value []T    `json:"value"`
			Next  string `json:"@odata.nextLink"`
		}
		cl.out = &page
		if err := c.do(ctx, cl); err != nil {
			return all, err
		}
		all = append(all, page.Value...)
		if page.Next == "" {
			return all, nil
		}
		next, err := url.Parse(page.Next)
		if err != nil || next.Scheme != c.base.Scheme || next.Host != c.base.Host || !strings.HasPrefix(next.Path, c.base.Path+"/") {
			return all, &Error{Op: cl.op, Kind: KindDecode, Err: errors.New("the next page's link leaves the Graph endpoint; refusing to send the token there")}
		}
		cl.path, cl.query = strings.TrimPrefix(next.Path, c.base.Path), next.Query()
	}
	return all, &Error{Op: cl.op, Kind: KindOther, Err: fmt.Errorf("more than %d pages", maxPages)}
}

func jobPath(spID, jobID string) string {
	return "/servicePrincipals/" + url.PathEscape(spID) + "/synchronization/jobs/" + url.PathEscape(jobID)
}

// FindServicePrincipals lists the service principals whose display name is
// exactly name (Graph filters by prefix; the exact match is ours).
func (c *Client) FindServicePrincipals(ctx context.Context, name string) ([]ServicePrincipal, error) {
	all, err := list[ServicePrincipal](ctx, c, call{
		op: "find the enterprise app " + strconv.Quote(name), method: http.MethodGet, path: "/servicePrincipals",
		query: url.Values{"$filter": {"startswith(displayName," + odataString(name) + ")"}, "$select": {spSelect}},
		perms: []string{PermApplicationRead},
	})
	if err != nil {
		return nil, err
	}
	var out []ServicePrincipal
	for _, sp := range all {
		if sp.DisplayName == name {
			out = append(out, sp)
		}
	}
	return out, nil
}

// ServicePrincipal reads the service principal with object id id.
func (c *Client) ServicePrincipal(ctx context.Context, id string) (ServicePrincipal, error) {
	var sp ServicePrincipal
	err := c.do(ctx, call{
		op: "read the enterprise app " + id, method: http.MethodGet, path: "/servicePrincipals/" + url.PathEscape(id),
		query: url.Values{"$select": {spSelect}}, out: &sp, perms: []string{PermApplicationRead},
	})
	return sp, err
}

// CreateNonGalleryApp creates an app and its service principal from the
// non-gallery ("Create your own application") template.
func (c *Client) CreateNonGalleryApp(ctx context.Context, name string) (ServicePrincipal, error) {
	var out struct {
		ServicePrincipal ServicePrincipal `json:"servicePrincipal"`
	}
	err := c.do(ctx, call{
		op: "create the non-gallery app " + strconv.Quote(name), method: http.MethodPost,
		path: "/applicationTemplates/" + NonGalleryTemplateID + "/instantiate",
		body: map[string]string{"displayName": name}, out: &out, perms: []string{PermApplicationReadWrite},
	})
	if err == nil && out.ServicePrincipal.ID == "" {
		err = &Error{Op: "create the non-gallery app", Kind: KindDecode, Err: fmt.Errorf("the answer names no service principal")}
	}
	return out.ServicePrincipal, err
}

// Jobs lists the provisioning jobs of service principal spID.
func (c *Client) Jobs(ctx context.Context, spID string) ([]Job, error) {
	return list[Job](ctx, c, call{
		op: "list the provisioning jobs", method: http.MethodGet,
		path:  "/servicePrincipals/" + url.PathEscape(spID) + "/synchronization/jobs",
		perms: []string{PermSynchronization},
	})
}

// Templates lists the provisioning templates of service principal spID.
func (c *Client) Templates(ctx context.Context, spID string) ([]Template, error) {
	return list[Template](ctx, c, call{
		op: "list the provisioning templates", method: http.MethodGet,
		path:  "/servicePrincipals/" + url.PathEscape(spID) + "/synchronization/templates",
		perms: []string{PermSynchronization},
	})
}

// CreateJob creates a provisioning job from templateID; Graph creates it
// disabled.
func (c *Client) CreateJob(ctx context.Context, spID, templateID string) (Job, error) {
	var job Job
	err := c.do(ctx, call{
		op: "create the provisioning job", method: http.MethodPost,
		path: "/servicePrincipals/" + url.PathEscape(spID) + "/synchronization/jobs",
		body: map[string]string{"templateId": templateID}, out: &job, perms: []string{PermSynchronization},
	})
	return job, err
}

type keyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ValidateCredentials is Entra's Test Connection: Graph asks the SCIM
// endpoint baseURL, with token, for a user that does not exist.
func (c *Client) ValidateCredentials(ctx context.Context, spID, jobID, baseURL string, token client.Secret) error {
	err := c.do(ctx, call{
		op: "test the connection to Docker", method: http.MethodPost, path: jobPath(spID, jobID) + "/validateCredentials",
		body: map[string]any{"credentials": []keyValue{
			{secretBaseAddress, baseURL}, {secretSecretToken, token.Value()},
		}},
		perms: []string{PermSynchronization}, secrets: []client.Secret{token},
	})
	var e *Error
	if errors.As(err, &e) && e.Kind == KindBadRequest {
		e.Hint = "Docker did not accept the Tenant URL or Secret Token: check that SCIM is set up on the connection and use its current API Token (generate a new one in Docker if it was lost)"
	}
	return err
}

// SaveCredentials saves the Tenant URL (BaseAddress) and Secret Token of
// the app, with notification e-mails off and the scope "assigned users and
// groups only" (SyncAll false).
func (c *Client) SaveCredentials(ctx context.Context, spID, baseURL string, token client.Secret) error {
	return c.do(ctx, call{
		op: "save the Tenant URL and Secret Token", method: http.MethodPut,
		path: "/servicePrincipals/" + url.PathEscape(spID) + "/synchronization/secrets",
		body: map[string]any{"value": []keyValue{
			{secretBaseAddress, baseURL}, {secretSecretToken, token.Value()},
			{secretSyncNotifySettings, syncNotifySettingsDisabled}, {secretSyncAll, "false"},
		}},
		perms: []string{PermSynchronization}, secrets: []client.Secret{token},
	})
}

// Schema reads the job's synchronization schema, kept whole so that
// PutSchema sends back every field, known or not.
func (c *Client) Schema(ctx context.Context, spID, jobID string) (map[string]any, error) {
	var schema map[string]any
	err := c.do(ctx, call{
		op: "read the job's mappings", method: http.MethodGet, path: jobPath(spID, jobID) + "/schema",
		out: &schema, perms: []string{PermSynchronization}, verbatim: true,
	})
	return schema, err
}

// PutSchema replaces the job's whole synchronization schema.
func (c *Client) PutSchema(ctx context.Context, spID, jobID string, schema map[string]any) error {
	return c.do(ctx, call{
		op: "save the job's mappings", method: http.MethodPut, path: jobPath(spID, jobID) + "/schema",
		body: schema, perms: []string{PermSynchronization},
	})
}

// GroupsWithPrefix lists the groups whose display name starts with prefix
// (e.g. "moby:").
func (c *Client) GroupsWithPrefix(ctx context.Context, prefix string) ([]Group, error) {
	return list[Group](ctx, c, call{
		op: "find the " + prefix + "* groups", method: http.MethodGet, path: "/groups",
		query: url.Values{"$filter": {"startswith(displayName," + odataString(prefix) + ")"}, "$select": {groupSelect}},
		perms: []string{PermGroupRead},
	})
}

// Assignments lists the users and groups assigned to service principal spID.
func (c *Client) Assignments(ctx context.Context, spID string) ([]Assignment, error) {
	return list[Assignment](ctx, c, call{
		op: "list the app's assignments", method: http.MethodGet,
		path:  "/servicePrincipals/" + url.PathEscape(spID) + "/appRoleAssignedTo",
		perms: []string{PermApplicationRead},
	})
}

// Assign assigns the user or group principalID to service principal spID
// with role appRoleID.
func (c *Client) Assign(ctx context.Context, spID, principalID, appRoleID string) (Assignment, error) {
	var a Assignment
	err := c.do(ctx, call{
		op: "assign the group to the app", method: http.MethodPost,
		path: "/servicePrincipals/" + url.PathEscape(spID) + "/appRoleAssignedTo",
		body: map[string]string{"principalId": principalID, "resourceId": spID, "appRoleId": appRoleID},
		out:  &a, perms: []string{PermAppRoleAssignment, PermApplicationRead},
	})
	return a, err
}

// StartJob starts (or resumes) the job.
func (c *Client) StartJob(ctx context.Context, spID, jobID string) error {
	return c.do(ctx, call{
		op: "start provisioning", method: http.MethodPost, path: jobPath(spID, jobID) + "/start",
		perms: []string{PermSynchronization},
	})
}

// Job reads the job, with its schedule and status.
func (c *Client) Job(ctx context.Context, spID, jobID string) (Job, error) {
	var job Job
	err := c.do(ctx, call{
		op: "read the provisioning status", method: http.MethodGet, path: jobPath(spID, jobID),
		out: &job, perms: []string{PermSynchronization},
	})
	return job, err
}

// UserByPrincipalName reads the user whose userPrincipalName is upn.
func (c *Client) UserByPrincipalName(ctx context.Context, upn string) (User, error) {
	var u User
	err := c.do(ctx, call{
		op: "find the user " + strconv.Quote(upn), method: http.MethodGet, path: "/users/" + url.PathEscape(upn),
		query: url.Values{"$select": {userSelect}}, out: &u, perms: []string{PermUserRead},
	})
	return u, err
}

// OnDemandResult is what provisioning one user on demand did.
type OnDemandResult struct {
	// Result is Success, Skipped or Failure.
	Result string `json:"result"`
	// ErrorCode and ErrorMessage explain a Skipped or Failure result.
	ErrorCode    string `json:"errorCode,omitempty"`
	ErrorMessage string `json:"errorMessage,omitempty"`
	// Action is what was done in Docker (Create, Update, Other).
	Action string `json:"action,omitempty"`
	// TargetID is the user's id in Docker's SCIM API.
	TargetID string `json:"targetId,omitempty"`
	// Steps are the provisioning steps, in order.
	Steps []OnDemandStep `json:"steps,omitempty"`
}

// OnDemandStep is one step of an on-demand provisioning.
type OnDemandStep struct {
	Name        string `json:"name"`
	Status      string `json:"status"`
	Description string `json:"description"`
}

// ProvisionOnDemand provisions one user now, with the rule ruleID of the
// job's schema. Graph answers with JSON encoded inside two strings.
func (c *Client) ProvisionOnDemand(ctx context.Context, spID, jobID, ruleID, userID string) (OnDemandResult, error) {
	const op = "provision the test user on demand"
	var pair keyValue
	err := c.do(ctx, call{
		op: op, method: http.MethodPost, path: jobPath(spID, jobID) + "/provisionOnDemand",
		body: map[string]any{"parameters": []map[string]any{{
			"ruleId":   ruleID,
			"subjects": []map[string]string{{"objectId": userID, "objectTypeName": "User"}},
		}}},
		out: &pair, perms: []string{PermSynchronization},
	})
	if err != nil {
		return OnDemandResult{}, err
	}
	var key struct {
		Result  string `json:"result"`
		Details struct {
			ErrorCode    string `json:"errorCode"`
			ErrorMessage string `json:"errorMessage"`
		} `json:"details"`
	}
	var value struct {
		Action            string `json:"action"`
		ProvisioningSteps []struct {
			Name        string `json:"name"`
			Status      string `json:"status"`
			Description string `json:"description"`
		} `json:"provisioningSteps"`
		TargetIdentity struct {
			ID string `json:"id"`
		} `json:"targetIdentity"`
	}
	if json.Unmarshal([]byte(pair.Key), &key) != nil || key.Result == "" {
		return OnDemandResult{}, &Error{Op: op, Kind: KindDecode, Err: fmt.Errorf("the answer's key is not the JSON result Graph documents")}
	}
	_ = json.Unmarshal([]byte(pair.Value), &value) // optional detail
	res := OnDemandResult{
		Result: sanitize(key.Result), ErrorCode: sanitize(key.Details.ErrorCode), ErrorMessage: sanitize(key.Details.ErrorMessage),
		Action: sanitize(value.Action), TargetID: sanitize(value.TargetIdentity.ID),
	}
	for _, s := range value.ProvisioningSteps {
		res.Steps = append(res.Steps, OnDemandStep{Name: sanitize(s.Name), Status: sanitize(s.Status), Description: sanitize(s.Description)})
	}
	return res, nil
}

// Identity is the source or target object of a log entry.
type Identity struct {
	ID           string `json:"id"`
	DisplayName  string `json:"displayName"`
	IdentityType string `json:"identityType"`
}

// LogEntry is one provisioning log entry (provisioningObjectSummary).
type LogEntry struct {
	ID                 string   `json:"id"`
	ActivityDateTime   string   `json:"activityDateTime"`
	JobID              string   `json:"jobId"`
	CycleID            string   `json:"cycleId"`
	ProvisioningAction string   `json:"provisioningAction"`
	SourceIdentity     Identity `json:"sourceIdentity"`
	TargetIdentity     Identity `json:"targetIdentity"`
	StatusInfo         struct {
		Status           string `json:"status"`
		ErrorInformation *struct {
			ErrorCode string `json:"errorCode"`
			Reason    string `json:"reason"`
		} `json:"errorInformation"`
	} `json:"provisioningStatusInfo"`
}

// ProvisioningLogs reads the newest provisioning log entries of job jobID,
// at most top of them.
func (c *Client) ProvisioningLogs(ctx context.Context, jobID string, top int) ([]LogEntry, error) {
	var page struct {
		Value []LogEntry `json:"value"`
	}
	err := c.do(ctx, call{
		op: "read the provisioning logs", method: http.MethodGet, path: "/auditLogs/provisioning",
		query: url.Values{"$filter": {"jobId eq " + odataString(jobID)}, "$top": {strconv.Itoa(top)}},
		out:   &page, perms: []string{PermAuditLogRead},
	})
	for i := range page.Value {
		e := &page.Value[i]
		e.ProvisioningAction, e.StatusInfo.Status = sanitize(e.ProvisioningAction), sanitize(e.StatusInfo.Status)
		e.SourceIdentity.DisplayName, e.TargetIdentity.DisplayName = sanitize(e.SourceIdentity.DisplayName), sanitize(e.TargetIdentity.DisplayName)
		if ei := e.StatusInfo.ErrorInformation; ei != nil {
			ei.ErrorCode, ei.Reason = sanitize(ei.ErrorCode), sanitize(ei.Reason)
		}
	}
	return page.Value, err
}
