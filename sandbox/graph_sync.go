package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// graphJob is a provisioning job of the stand-in.
type graphJob struct {
	ID            string
	TemplateID    string
	ScheduleState string // Disabled, Active, Paused
	StatusCode    string // NotConfigured, NotRun, Active, Paused, Quarantine
	LastExecution map[string]any
	LastSuccess   map[string]any
	Quarantine    map[string]any
	Schema        map[string]any
}

// neverInterval is the schedule interval of a job that never ran.
const neverInterval = "P10675199DT2H48M5.4775807S"

// scimRuleID is the id of the stand-in's only synchronization rule.
const scimRuleID = "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8"

func (j *graphJob) json() map[string]any {
	interval := neverInterval
	if j.ScheduleState == "Active" {
		interval = "PT40M"
	}
	return map[string]any{
		"id": j.ID, "templateId": j.TemplateID,
		"schedule": map[string]any{"expiration": nil, "interval": interval, "state": j.ScheduleState},
		"status": map[string]any{
			"code": j.StatusCode, "countSuccessiveCompleteFailures": 0, "escrowsPruned": false,
			"lastExecution": j.LastExecution, "lastSuccessfulExecution": j.LastSuccess,
			"lastSuccessfulExecutionWithExports": j.LastSuccess, "quarantine": j.Quarantine,
			"steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z", "steadyStateLastAchievedTime": "0001-01-01T00:00:00Z",
			"synchronizedEntryCountByType": []any{}, "troubleshootingUrl": nil,
		},
		"synchronizationJobSettings": []map[string]string{{"name": "QuarantineTooManyDeletesThreshold", "value": "500"}},
	}
}

// attrMapping is one attribute mapping of the default schema.
func attrMapping(source, target string, priority int) map[string]any {
	return map[string]any{
		"defaultValue": nil, "exportMissingReferences": false, "flowBehavior": "FlowWhenChanged", "flowType": "Always",
		"matchingPriority": priority, "targetAttributeName": target,
		"source": map[string]any{"expression": "[" + source + "]", "name": source, "parameters": []any{}, "type": "Attribute"},
	}
}

// defaultSchema is the schema of a new job from the "scim" template: the
// user and group mappings of Entra's SCIM tutorial (the group mapping off,
// as Docker's group-mapping page has the admin turn it on).
func defaultSchema() map[string]any {
	userMappings := []any{
		attrMapping("userPrincipalName", "userName", 1),
		attrMapping("mailNickname", "externalId", 0),
		attrMapping("displayName", "displayName", 0),
		attrMapping("givenName", "name.givenName", 0),
		attrMapping("surname", "name.familyName", 0),
		attrMapping("mail", `emails[type eq "work"].value`, 0),
	}
	active := attrMapping("IsSoftDeleted", "active", 0)
	active["source"] = map[string]any{"expression": "Not([IsSoftDeleted])", "name": "Not", "type": "Function",
		"parameters": []any{map[string]any{"key": "source", "value": map[string]any{"expression": "[IsSoftDeleted]", "name": "IsSoftDeleted", "parameters": []any{}, "type": "Attribute"}}}}
	userMappings = append(userMappings, active)
	return map[string]any{
		"id": "scim", "version": "Date:2026-12-01~Version:1",
		"directories": []any{
			map[string]any{"name": "Azure Active Directory", "objects": []any{map[string]any{"name": "User"}, map[string]any{"name": "Group"}}},
			map[string]any{"name": "customappsso", "objects": []any{map[string]any{"name": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}, map[string]any{"name": "urn:ietf:params:scim:schemas:core:2.0:Group"}}},
		},
		"synchronizationRules": []any{map[string]any{
			"id": scimRuleID, "name": "USER_GROUP_TO_SCIM", "editable": true, "priority": 1,
			"sourceDirectoryName": "Azure Active Directory", "targetDirectoryName": "customappsso",
			"objectMappings": []any{
				map[string]any{"name": "Provision Microsoft Entra ID Users", "enabled": true, "flowTypes": "Add, Update, Delete",
					"sourceObjectName": "User", "targetObjectName": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
					"scope": nil, "metadata": []any{}, "attributeMappings": userMappings},
				map[string]any{"name": "Provision Microsoft Entra ID Groups", "enabled": false, "flowTypes": "Add, Update, Delete",
					"sourceObjectName": "Group", "targetObjectName": "urn:ietf:params:scim:schemas:core:2.0:Group",
					"scope": nil, "metadata": []any{}, "attributeMappings": []any{
						attrMapping("displayName", "displayName", 1), attrMapping("objectId", "externalId", 0), attrMapping("members", "members", 0)}},
			},
		}},
	}
}

// jobOr404 finds the request's {id} and {job}; the caller holds the lock.
func (s *Server) jobOr404(w http.ResponseWriter, r *http.Request) (*graphSP, *graphJob) {
	sp := s.spOr404(w, r)
	if sp == nil {
		return nil, nil
	}
	for _, j := range sp.Jobs {
		if j.ID == r.PathValue("job") {
			return sp, j
		}
	}
	writeGraphError(w, http.StatusNotFound, "NotFound", "The synchronization job '"+r.PathValue("job")+"' was not found.")
	return nil, nil
}

func (s *Server) graphTemplates(w http.ResponseWriter, r *http.Request) {
	s.withSP(w, r, func(sp *graphSP) {
		writeGraph(w, http.StatusOK, map[string]any{"value": []any{map[string]any{
			"id": "scim", "applicationId": sp.AppID, "default": true, "description": nil, "discoverable": true,
			"factoryTag": "scim", "metadata": []any{}, "schema": nil,
		}}})
	})
}

func (s *Server) graphListJobs(w http.ResponseWriter, r *http.Request) {
	s.withSP(w, r, func(sp *graphSP) {
		out := []any{}
		for _, j := range sp.Jobs {
			out = append(out, j.json())
		}
		writeGraph(w, http.StatusOK, map[string]any{"value": out})
	})
}

func (s *Server) graphCreateJob(w http.ResponseWriter, r *http.Request) {
	var req struct {
		TemplateID string `json:"templateId"`
	}
	if !decodeGraph(w, r, &req) {
		return
	}
	s.withSP(w, r, func(sp *graphSP) {
		if req.TemplateID != "scim" {
			writeGraphError(w, http.StatusBadRequest, "BadRequest", "The template '"+req.TemplateID+"' is not a template of this application; list them with GET …/synchronization/templates.")
			return
		}
		j := &graphJob{ID: "scim." + strings.ReplaceAll(newUUID(), "-", "")[:32] + "." + strings.ReplaceAll(sp.ID, "-", "")[:12],
			TemplateID: "scim", ScheduleState: "Disabled", StatusCode: "NotConfigured", Schema: defaultSchema()}
		sp.Jobs = append(sp.Jobs, j)
		writeGraph(w, http.StatusCreated, j.json())
	})
}

func (s *Server) graphGetJob(w http.ResponseWriter, r *http.Request) {
	s.graph.mu.Lock()
	defer s.graph.mu.Unlock()
	if _, j := s.jobOr404(w, r); j != nil {
		writeGraph(w, http.StatusOK, j.json())
	}
}

type graphKV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// graphSecretKeys are the synchronizationSecret keys the stand-in accepts
// (synchronization-synchronizationsecretkeystringvaluepair.md lists more).
var graphSecretKeys = map[string]bool{"BaseAddress": true, "SecretToken": true, "SyncNotificationSettings": true, "SyncAll": true, "SkipOutOfScopeDeletions": true}

func (s *Server) graphPutSecrets(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Value []graphKV `json:"value"`
	}
	if !decodeGraph(w, r, &req) {
		return
	}
	for _, kv := range req.Value {
		if !graphSecretKeys[kv.Key] {
			writeGraphError(w, http.StatusBadRequest, "BadRequest", "The secret key '"+kv.Key+"' is not a synchronizationSecret.")
			return
		}
	}
	s.withSP(w, r, func(sp *graphSP) {
		for _, kv := range req.Value {
			sp.Secrets[kv.Key] = kv.Value
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Server) graphValidate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Credentials         []graphKV `json:"credentials"`
		UseSavedCredentials bool      `json:"useSavedCredentials"`
	}
	if !decodeGraph(w, r, &req) {
		return
	}
	s.graph.mu.Lock()
	sp, j := s.jobOr404(w, r)
	if j == nil {
		s.graph.mu.Unlock()
		return
	}
	creds := map[string]string{}
	if req.UseSavedCredentials {
		for k, v := range sp.Secrets {
			creds[k] = v
		}
	}
	for _, kv := range req.Credentials {
		creds[kv.Key] = kv.Value
	}
	s.graph.mu.Unlock()
	if creds["BaseAddress"] == "" {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "Test Connection needs the BaseAddress (Tenant URL) credential.")
		return
	}
	if err := s.testConnection(r.Context(), creds["BaseAddress"], creds["SecretToken"]); err != nil {
		writeGraphError(w, http.StatusBadRequest, "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable",
			"You appear to have entered invalid credentials: "+err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// testConnection does Entra's Test Connection: it asks the SCIM endpoint
// for a user whose userName is a random GUID and expects an empty list.
func (s *Server) testConnection(ctx context.Context, base, token string) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("the Tenant URL %q is not an http(s) URL", base)
	}
	var list struct {
		TotalResults *int `json:"totalResults"`
	}
	sim := NewSimulator(base, token, s.idpClient)
	q := url.Values{"filter": {fmt.Sprintf("userName eq %q", newUUID())}}
	if err := sim.do(ctx, http.MethodGet, "/Users?"+q.Encode(), nil, &list); err != nil {
		return err
	}
	if list.TotalResults == nil || *list.TotalResults != 0 {
		return fmt.Errorf("the SCIM endpoint did not answer with an empty ListResponse")
	}
	return nil
}

func (s *Server) graphGetSchema(w http.ResponseWriter, r *http.Request) {
	s.graph.mu.Lock()
	defer s.graph.mu.Unlock()
	if _, j := s.jobOr404(w, r); j != nil {
		writeGraph(w, http.StatusOK, j.Schema)
	}
}

func (s *Server) graphPutSchema(w http.ResponseWriter, r *http.Request) {
	var schema map[string]any
	if !decodeGraph(w, r, &schema) {
		return
	}
	if _, ok := schema["synchronizationRules"].([]any); !ok {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "The schema has no synchronizationRules: PUT replaces the whole schema, so send it all.")
		return
	}
	s.graph.mu.Lock()
	defer s.graph.mu.Unlock()
	if _, j := s.jobOr404(w, r); j != nil {
		j.Schema = schema
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) graphPause(w http.ResponseWriter, r *http.Request) {
	s.graph.mu.Lock()
	defer s.graph.mu.Unlock()
	if _, j := s.jobOr404(w, r); j != nil {
		j.ScheduleState, j.StatusCode = "Paused", "Paused"
		w.WriteHeader(http.StatusNoContent)
	}
}

// graphStart starts the job and runs its first cycle before answering (a
// real tenant runs it in the background within minutes; the stand-in runs
// it at once so the whole path stays deterministic).
func (s *Server) graphStart(w http.ResponseWriter, r *http.Request) {
	s.graph.mu.Lock()
	sp, j := s.jobOr404(w, r)
	if j == nil {
		s.graph.mu.Unlock()
		return
	}
	if sp.Secrets["BaseAddress"] == "" {
		s.graph.mu.Unlock()
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "Save the admin credentials (BaseAddress and SecretToken) before starting the job.")
		return
	}
	j.ScheduleState, j.StatusCode, j.Quarantine = "Active", "NotRun", nil
	plan := s.graph.cyclePlan(sp, j)
	s.graph.mu.Unlock()

	began := s.st.now().UTC().Format(time.RFC3339)
	exported, err := s.runCycle(r.Context(), plan)
	ended := s.st.now().UTC().Format(time.RFC3339)
	exec := map[string]any{"state": "Succeeded", "timeBegan": began, "timeEnded": ended, "countExported": exported,
		"countEntitled": len(plan.users), "countEntitledForProvisioning": len(plan.users), "error": nil}
	s.graph.mu.Lock()
	defer s.graph.mu.Unlock()
	if err != nil {
		exec["state"] = "Failed"
		exec["error"] = map[string]any{"code": "SystemForCrossDomainIdentityManagementServiceIncompatible", "message": err.Error()}
		j.StatusCode = "Quarantine"
		j.Quarantine = map[string]any{"currentBegan": ended, "nextAttempt": ended, "reason": "EncounteredQuarantineException",
			"seriesBegan": ended, "seriesCount": 1, "error": exec["error"]}
	} else {
		j.StatusCode = "Active"
		j.LastSuccess = exec
	}
	j.LastExecution = exec
	w.WriteHeader(http.StatusNoContent)
}

// cycle is what one provisioning cycle pushes.
type cycle struct {
	spID, spName, jobID, base, token string
	users                            []graphUser
	groups                           []graphGroup
	groupsOn                         bool
}

// cyclePlan collects the assigned users (directly or as direct members of
// an assigned group) and, when the Group mapping is on, the assigned
// groups; the caller holds the lock.
func (t *graphTenant) cyclePlan(sp *graphSP, j *graphJob) cycle {
	c := cycle{spID: sp.ID, spName: sp.DisplayName, jobID: j.ID, base: sp.Secrets["BaseAddress"], token: sp.Secrets["SecretToken"], groupsOn: groupMappingOn(j.Schema)}
	seen := map[string]bool{}
	addUser := func(id string) {
		if u := t.user(id); u != nil && !seen[id] {
			seen[id] = true
			c.users = append(c.users, *u)
		}
	}
	for _, a := range sp.Assignments {
		if a.PrincipalType == "User" {
			addUser(a.PrincipalID)
			continue
		}
		if g := t.group(a.PrincipalID); g != nil {
			for _, m := range g.Members {
				addUser(m)
			}
			c.groups = append(c.groups, graphGroup{ID: g.ID, DisplayName: g.DisplayName, Members: append([]string(nil), g.Members...)})
		}
	}
	return c
}

// groupMappingOn reports whether the schema's Group object mapping is enabled.
func groupMappingOn(schema map[string]any) bool {
	rules, _ := schema["synchronizationRules"].([]any)
	for _, r := range rules {
		rule, _ := r.(map[string]any)
		maps, _ := rule["objectMappings"].([]any)
		for _, m := range maps {
			mm, _ := m.(map[string]any)
			if src, _ := mm["sourceObjectName"].(string); strings.EqualFold(src, "Group") {
				on, _ := mm["enabled"].(bool)
				return on
			}
		}
	}
	return false
}

// runCycle pushes the plan's users, then its groups with their members, and
// logs each object. It returns how many objects it exported.
func (s *Server) runCycle(ctx context.Context, c cycle) (int, error) {
	sim := NewSimulator(c.base, c.token, s.idpClient)
	cycleID := newUUID()
	scimIDs := map[string]string{}
	exported := 0
	for _, u := range c.users {
		id, action, err := s.entraPushUser(ctx, sim, u)
		s.graphLog(c, cycleID, "User", u.ID, u.DisplayName, id, action, err)
		if err != nil {
			if quarantines(err) {
				return exported, err
			}
			continue
		}
		scimIDs[u.ID] = id
		if action != "other" {
			exported++
		}
	}
	if !c.groupsOn {
		return exported, nil
	}
	for _, g := range c.groups {
		var members []string
		for _, m := range g.Members {
			if id := scimIDs[m]; id != "" {
				members = append(members, id)
			}
		}
		id, action, err := s.entraPushGroup(ctx, sim, g, members)
		s.graphLog(c, cycleID, "Group", g.ID, g.DisplayName, id, action, err)
		if err != nil {
			if quarantines(err) {
				return exported, err
			}
			continue
		}
		exported++
	}
	return exported, nil
}

// quarantines reports a failure that stops the whole cycle and puts the job
// in quarantine (the SCIM endpoint refuses the credentials or cannot be
// reached); any other failure is logged for its object and the cycle goes on.
func quarantines(err error) bool {
	var se *SimError
	return !errors.As(err, &se) || se.Status == 0 || se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden
}

// scimUserView is what the stand-in reads back of a SCIM user.
type scimUserView struct {
	ID     string `json:"id"`
	Active *bool  `json:"active"`
	Name   struct {
		GivenName  string `json:"givenName"`
		FamilyName string `json:"familyName"`
	} `json:"name"`
}

// entraPushUser provisions u as Entra does: GET /Users?filter=userName eq,
// then POST /Users when missing, or PATCH /Users/{id} with Replace
// operations for what differs. action is create, update or other.
func (s *Server) entraPushUser(ctx context.Context, sim *Simulator, u graphUser) (id, action string, err error) {
	var list struct {
		Resources []scimUserView `json:"Resources"`
	}
	q := url.Values{"filter": {fmt.Sprintf("userName eq %q", u.UPN)}}
	if err := sim.do(ctx, http.MethodGet, "/Users?"+q.Encode(), nil, &list); err != nil {
		return "", "create", err
	}
	if len(list.Resources) == 0 {
		var created scimUserView
		body := map[string]any{
			"schemas":    []string{schemaUser, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"},
			"externalId": u.MailNickname, "userName": u.UPN, "active": true, "displayName": u.DisplayName,
			"emails": []map[string]any{{"primary": true, "type": "work", "value": u.UPN}},
			"name":   map[string]string{"givenName": u.GivenName, "familyName": u.Surname, "formatted": u.DisplayName},
		}
		if err := sim.do(ctx, http.MethodPost, "/Users", body, &created); err != nil {
			return "", "create", err
		}
		return created.ID, "create", nil
	}
	cur := list.Resources[0]
	var ops []map[string]any
	if cur.Active == nil || !*cur.Active {
		ops = append(ops, map[string]any{"op": "Replace", "path": "active", "value": "True"})
	}
	if cur.Name.GivenName != u.GivenName {
		ops = append(ops, map[string]any{"op": "Replace", "path": "name.givenName", "value": u.GivenName})
	}
	if cur.Name.FamilyName != u.Surname {
		ops = append(ops, map[string]any{"op": "Replace", "path": "name.familyName", "value": u.Surname})
	}
	if len(ops) == 0 {
		return cur.ID, "other", nil
	}
	body := map[string]any{"schemas": []string{schemaPatchOp}, "Operations": ops}
	if err := sim.do(ctx, http.MethodPatch, "/Users/"+url.PathEscape(cur.ID), body, nil); err != nil {
		return cur.ID, "update", err
	}
	return cur.ID, "update", nil
}

// entraPushGroup provisions g as Entra does: GET /Groups (members excluded)
// by displayName, POST /Groups without members when missing, then PATCH
// Add members.
func (s *Server) entraPushGroup(ctx context.Context, sim *Simulator, g graphGroup, members []string) (id, action string, err error) {
	var list struct {
		Resources []simResource `json:"Resources"`
	}
	q := url.Values{"excludedAttributes": {"members"}, "filter": {fmt.Sprintf("displayName eq %q", g.DisplayName)}}
	if err := sim.do(ctx, http.MethodGet, "/Groups?"+q.Encode(), nil, &list); err != nil {
		return "", "create", err
	}
	action = "update"
	if len(list.Resources) == 0 {
		var created simResource
		body := map[string]any{
			"schemas":    []string{schemaGroup, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"},
			"externalId": g.ID, "displayName": g.DisplayName, "members": []any{},
		}
		if err := sim.do(ctx, http.MethodPost, "/Groups", body, &created); err != nil {
			return "", "create", err
		}
		list.Resources, action = []simResource{created}, "create"
	}
	id = list.Resources[0].ID
	if len(members) == 0 {
		return id, action, nil
	}
	value := make([]map[string]any, 0, len(members))
	for _, m := range members {
		value = append(value, map[string]any{"value": m})
	}
	body := map[string]any{"schemas": []string{schemaPatchOp}, "Operations": []map[string]any{{"op": "Add", "path": "members", "value": value}}}
	return id, action, sim.do(ctx, http.MethodPatch, "/Groups/"+url.PathEscape(id), body, nil)
}

// graphLog records one provisioningObjectSummary.
func (s *Server) graphLog(c cycle, cycleID, kind, sourceID, name, targetID, action string, err error) {
	status := map[string]any{"status": "success", "errorInformation": nil}
	if err != nil {
		status = map[string]any{"status": "failure", "errorInformation": map[string]any{
			"errorCode": "SystemForCrossDomainIdentityManagementBadResponse", "reason": err.Error()}}
	}
	entry := map[string]any{
		"id": newUUID(), "activityDateTime": s.st.now().UTC().Format(time.RFC3339Nano), "jobId": c.jobID, "cycleId": cycleID,
		"changeId": newUUID(), "provisioningAction": action, "durationInMilliseconds": 0, "provisioningStatusInfo": status,
		"provisioningSteps": []any{},
		"servicePrincipal":  map[string]any{"id": c.spID, "displayName": c.spName},
		"sourceSystem":      map[string]any{"id": nil, "displayName": "Azure Active Directory"},
		"targetSystem":      map[string]any{"id": nil, "displayName": "customappsso"},
		"sourceIdentity":    map[string]any{"id": sourceID, "displayName": name, "identityType": kind},
		"targetIdentity":    map[string]any{"id": targetID, "displayName": name, "identityType": kind},
	}
	s.graph.mu.Lock()
	s.graph.logs = append(s.graph.logs, entry)
	s.graph.mu.Unlock()
}

// onDemandLimit is Graph's documented limit: 5 provisionOnDemand requests
// per 10 seconds.
const (
	onDemandLimit  = 5
	onDemandWindow = 10 * time.Second
)

func (s *Server) graphOnDemand(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Parameters []struct {
			RuleID   string `json:"ruleId"`
			Subjects []struct {
				ObjectID       string `json:"objectId"`
				ObjectTypeName string `json:"objectTypeName"`
			} `json:"subjects"`
		} `json:"parameters"`
	}
	if !decodeGraph(w, r, &req) {
		return
	}
	if len(req.Parameters) != 1 || len(req.Parameters[0].Subjects) != 1 {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "The stand-in provisions one subject per call: parameters[0].subjects[0].")
		return
	}
	p := req.Parameters[0]
	subj := p.Subjects[0]
	now := s.st.now()
	s.graph.mu.Lock()
	sp, j := s.jobOr404(w, r)
	if j == nil {
		s.graph.mu.Unlock()
		return
	}
	recent := s.graph.onDemand[j.ID][:0]
	for _, at := range s.graph.onDemand[j.ID] {
		if now.Sub(at) < onDemandWindow {
			recent = append(recent, at)
		}
	}
	if len(recent) >= onDemandLimit {
		s.graph.onDemand[j.ID] = recent
		s.graph.mu.Unlock()
		wait := onDemandWindow - now.Sub(recent[0])
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second))))
		writeGraphError(w, http.StatusTooManyRequests, "TooManyRequests", "Too many provisionOnDemand requests: at most 5 in 10 seconds.")
		return
	}
	s.graph.onDemand[j.ID] = append(recent, now)
	if p.RuleID != scimRuleID && strings.TrimSuffix(p.RuleID, "#V2") != scimRuleID {
		s.graph.mu.Unlock()
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "The ruleId is not a synchronization rule of this job's schema.")
		return
	}
	if !strings.EqualFold(subj.ObjectTypeName, "User") {
		s.graph.mu.Unlock()
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "The stand-in provisions users on demand (objectTypeName User).")
		return
	}
	u := s.graph.user(subj.ObjectID)
	if u == nil {
		s.graph.mu.Unlock()
		writeGraphError(w, http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+subj.ObjectID+"' does not exist.")
		return
	}
	plan := s.graph.cyclePlan(sp, j)
	s.graph.mu.Unlock()
	if plan.base == "" {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "Save the admin credentials (BaseAddress and SecretToken) before provisioning on demand.")
		return
	}
	inScope := false
	for _, pu := range plan.users {
		inScope = inScope || pu.ID == u.ID
	}
	key := map[string]any{"result": "Success", "details": map[string]any{}}
	value := map[string]any{"action": "Other", "changeId": newUUID(), "reportableIdentifier": u.UPN,
		"sourceIdentity": map[string]any{"id": u.ID, "type": "User", "displayName": nil, "details": nil},
		"sourceSystem":   map[string]any{"id": nil, "name": "Azure Active Directory", "details": nil},
		"targetSystem":   map[string]any{"id": nil, "name": "customappsso", "details": nil}}
	steps := []map[string]any{{"name": "EntryImport", "type": "Import", "status": "Success", "description": "Retrieved User '" + u.UPN + "' from Azure Active Directory"}}
	if !inScope {
		key = map[string]any{"result": "Skipped", "details": map[string]any{"errorCode": "NotEffectivelyEntitled",
			"errorMessage": "The user is not assigned to the app, directly or through an assigned group."}}
		steps = append(steps, map[string]any{"name": "EntrySynchronizationScoping", "type": "Scoping", "status": "Skipped", "description": "User is out of scope"})
	} else {
		id, action, err := s.entraPushUser(r.Context(), NewSimulator(plan.base, plan.token, s.idpClient), *u)
		s.graphLog(plan, newUUID(), "User", u.ID, u.DisplayName, id, action, err)
		value["targetIdentity"] = map[string]any{"id": id, "type": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "displayName": nil, "details": nil}
		switch {
		case err != nil:
			key = map[string]any{"result": "Failure", "details": map[string]any{"errorCode": "SystemForCrossDomainIdentityManagementBadResponse", "errorMessage": err.Error()}}
			steps = append(steps, map[string]any{"name": "EntryExportAdd", "type": "Export", "status": "Failure", "description": err.Error()})
		case action == "other":
			key = map[string]any{"result": "Skipped", "details": map[string]any{"errorCode": "RedundantExport", "errorMessage": "The user already matches in Docker."}}
			steps = append(steps, map[string]any{"name": "EntrySynchronizationSkip", "type": "Export", "status": "Skipped", "description": "No change needed"})
		default:
			value["action"] = map[string]string{"create": "Create", "update": "Update"}[action]
			steps = append(steps, map[string]any{"name": "EntryExport", "type": "Export", "status": "Success", "description": action + "d User '" + u.UPN + "' in customappsso"})
		}
	}
	value["provisioningSteps"] = steps
	keyJSON, _ := json.Marshal(key)
	valueJSON, _ := json.Marshal(value)
	writeGraph(w, http.StatusOK, map[string]any{
		"@odata.context": graphContext(r, "microsoft.graph.stringKeyStringValuePair"),
		"key":            string(keyJSON), "value": string(valueJSON),
	})
}

// logsFilter matches the one $filter the stand-in's provisioning logs take.
var logsFilter = regexp.MustCompile(`^jobId\s+eq\s+'((?:[^']|'')*)'$`)

func (s *Server) graphLogs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	jobID := ""
	if f := strings.TrimSpace(q.Get("$filter")); f != "" {
		m := logsFilter.FindStringSubmatch(f)
		if m == nil {
			writeGraphError(w, http.StatusBadRequest, "BadRequest", "The stand-in filters provisioning logs by jobId eq '…' only.")
			return
		}
		jobID = strings.ReplaceAll(m[1], "''", "'")
	}
	top := 1000
	if t := q.Get("$top"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 {
			writeGraphError(w, http.StatusBadRequest, "BadRequest", "$top must be a positive number.")
			return
		}
		top = n
	}
	s.graph.mu.Lock()
	defer s.graph.mu.Unlock()
	out := []map[string]any{}
	for i := len(s.graph.logs) - 1; i >= 0 && len(out) < top; i-- {
		if e := s.graph.logs[i]; jobID == "" || e["jobId"] == jobID {
			out = append(out, e)
		}
	}
	writeGraph(w, http.StatusOK, map[string]any{"@odata.context": graphContext(r, "auditLogs/provisioning"), "value": out})
}
