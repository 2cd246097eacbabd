package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The Okta stand-in: a small Okta org answering the Management API calls
// docker-scim makes for Docker's group mapping (apps, groups, app group
// assignments, Group Push mappings), with Okta's error body and
// X-Rate-Limit-* headers. Assigning a group provisions its members and a
// Group Push mapping pushes the group to the app's SCIM connection over
// real HTTP, as Okta does. The SCIM connection itself has no Okta API: the
// sandbox-only OktaSCIMPath stands for typing it into Okta's Admin Console.
// State lives in memory only.

// OktaPrefix is where the Okta stand-in serves Okta's API (/api/v1/…).
const OktaPrefix = "/okta"

// OktaSCIMPath is the sandbox-only endpoint that sets an Okta app's SCIM
// connection (base URL and Bearer token), which Okta offers no API for.
const OktaSCIMPath = "/sandbox/okta/scim-connection"

// oktaRateLimit is the stand-in's per-minute budget for each API token.
const oktaRateLimit = 600

type oktaUser struct{ ID, Login, First, Last string }

type oktaGroup struct {
	ID, Name, Description string
	Members               []string
	Created               time.Time
}

type oktaMapping struct {
	ID, SourceGroupID, TargetGroupID, Status, ErrorSummary string
	Created                                                time.Time
}

type oktaApp struct {
	ID, Label, Name     string
	SCIMBase, SCIMToken string
	Groups              []string
	Mappings            []*oktaMapping
	// scimIDs are the SCIM ids of the users provisioned to the app.
	scimIDs map[string]string
}

type oktaOrg struct {
	mu     sync.Mutex
	tokens map[string]bool // API token → its admin may manage groups and apps
	calls  map[string][]time.Time
	users  []*oktaUser
	groups []*oktaGroup
	apps   []*oktaApp
}

func oktaID(prefix string) string { return prefix + randomString(17) }

func newOktaOrg() *oktaOrg {
	o := &oktaOrg{tokens: map[string]bool{}, calls: map[string][]time.Time{}}
	mk := func(login, first, last string) *oktaUser {
		u := &oktaUser{ID: oktaID("00u"), Login: login, First: first, Last: last}
		o.users = append(o.users, u)
		return u
	}
	ada := mk("ada.lovelace@moby.example", "Ada", "Lovelace")
	alan := mk("alan.turing@moby.example", "Alan", "Turing")
	mk("linus.t@moby.example", "Linus", "T")
	o.groups = []*oktaGroup{
		{ID: oktaID("00g"), Name: "moby:developers", Description: "Developers", Members: []string{ada.ID, alan.ID}},
		{ID: oktaID("00g"), Name: "Everyone", Description: "All users in the org"},
	}
	o.apps = []*oktaApp{{ID: oktaID("0oa"), Label: "Docker", Name: "docker_scim", scimIDs: map[string]string{}}}
	return o
}

// IssueOktaToken mints an Okta API token of the stand-in; admin says
// whether its admin may manage groups and applications.
func (s *Server) IssueOktaToken(admin bool) string {
	tok := "00" + randomString(40)
	s.okta.mu.Lock()
	s.okta.tokens[tok] = admin
	s.okta.mu.Unlock()
	return tok
}

func writeOktaError(w http.ResponseWriter, status int, code, summary string, causes ...string) {
	list := []map[string]string{}
	for _, c := range causes {
		list = append(list, map[string]string{"errorSummary": c})
	}
	writeJSON(w, status, "application/json", map[string]any{
		"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oae" + randomString(19), "errorCauses": list,
	})
}

// oktaAuth checks the SSWS token and Okta's rate limit, and needs the
// admin permission when manage is set.
func (s *Server) oktaAuth(manage bool, h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "SSWS ")
		now := s.st.now()
		s.okta.mu.Lock()
		admin, known := s.okta.tokens[strings.TrimSpace(tok)]
		recent := s.okta.calls[tok][:0]
		for _, at := range s.okta.calls[tok] {
			if now.Sub(at) < time.Minute {
				recent = append(recent, at)
			}
		}
		s.okta.calls[tok] = append(recent, now)
		used := len(recent) + 1
		reset := now.Add(time.Minute)
		if len(recent) > 0 {
			reset = recent[0].Add(time.Minute)
		}
		s.okta.mu.Unlock()
		w.Header().Set("X-Rate-Limit-Limit", strconv.Itoa(oktaRateLimit))
		w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(max(oktaRateLimit-used, 0)))
		w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(reset.Unix(), 10))
		switch {
		case !ok || !known:
			writeOktaError(w, http.StatusUnauthorized, "E0000011", "Invalid token provided")
		case used > oktaRateLimit:
			writeOktaError(w, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
		case manage && !admin:
			writeOktaError(w, http.StatusForbidden, "E0000006", "You do not have permission to perform the requested action")
		default:
			h(w, r)
		}
	}
}

// decodeOkta reads a JSON body; a bad one is Okta's 400 E0000003.
func decodeOkta(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		writeOktaError(w, http.StatusBadRequest, "E0000003", "The request body was not well-formed.")
		return false
	}
	return true
}

func (s *Server) oktaRoutes() {
	m, p := s.mux, OktaPrefix+"/api/v1"
	m.HandleFunc("GET "+p+"/apps", s.oktaAuth(false, s.oktaListApps))
	m.HandleFunc("GET "+p+"/groups", s.oktaAuth(false, s.oktaListGroups))
	m.HandleFunc("POST "+p+"/groups", s.oktaAuth(true, s.oktaCreateGroup))
	m.HandleFunc("GET "+p+"/apps/{app}/groups", s.oktaAuth(false, s.oktaAppGroups))
	m.HandleFunc("PUT "+p+"/apps/{app}/groups/{group}", s.oktaAuth(true, s.oktaAssignGroup))
	m.HandleFunc("GET "+p+"/apps/{app}/group-push/mappings", s.oktaAuth(false, s.oktaListMappings))
	m.HandleFunc("POST "+p+"/apps/{app}/group-push/mappings", s.oktaAuth(true, s.oktaCreateMapping))
	m.HandleFunc(OktaPrefix+"/", func(w http.ResponseWriter, r *http.Request) {
		writeOktaError(w, http.StatusNotFound, "E0000022", "The endpoint does not support the provided HTTP method")
	})
	m.HandleFunc("PUT "+OktaSCIMPath, s.oktaAuth(true, s.oktaSetSCIM))
}

func (o *oktaOrg) app(id string) *oktaApp {
	for _, a := range o.apps {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func (o *oktaOrg) group(id string) *oktaGroup {
	for _, g := range o.groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func (o *oktaOrg) user(id string) *oktaUser {
	for _, u := range o.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// appOr404 finds the request's {app}; the caller holds the lock.
func (s *Server) appOr404(w http.ResponseWriter, r *http.Request) *oktaApp {
	a := s.okta.app(r.PathValue("app"))
	if a == nil {
		writeOktaError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: "+r.PathValue("app")+" (AppInstance)")
	}
	return a
}

// appGroupOr404 finds the request's {app} and the group groupID, or answers
// Okta's 404 for the first one missing (g is then nil); the caller holds
// the lock.
func (s *Server) appGroupOr404(w http.ResponseWriter, r *http.Request, groupID string) (a *oktaApp, g *oktaGroup) {
	if a = s.appOr404(w, r); a == nil {
		return nil, nil
	}
	if g = s.oktaGroupOr404(w, groupID); g == nil {
		return nil, nil
	}
	return a, g
}

// oktaGroupOr404 finds group id or answers Okta's 404; the caller holds the lock.
func (s *Server) oktaGroupOr404(w http.ResponseWriter, id string) *oktaGroup {
	g := s.okta.group(id)
	if g == nil {
		writeOktaError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: "+id+" (UserGroup)")
	}
	return g
}

func (a *oktaApp) json() map[string]any {
	return map[string]any{"id": a.ID, "label": a.Label, "name": a.Name, "status": "ACTIVE", "signOnMode": "SAML_2_0",
		"features": []string{"PUSH_NEW_USERS", "PUSH_PROFILE_UPDATES", "GROUP_PUSH"}}
}

func (g *oktaGroup) json() map[string]any {
	return map[string]any{"id": g.ID, "type": "OKTA_GROUP", "created": g.Created.UTC().Format(time.RFC3339),
		"profile": map[string]string{"name": g.Name, "description": g.Description}}
}

func (m *oktaMapping) json() map[string]any {
	out := map[string]any{"id": m.ID, "sourceGroupId": m.SourceGroupID, "targetGroupId": m.TargetGroupID, "status": m.Status,
		"created": m.Created.UTC().Format(time.RFC3339)}
	if m.ErrorSummary != "" {
		out["errorSummary"] = m.ErrorSummary
	}
	return out
}

// oktaLimit reads Okta's limit query parameter (default and cap 200).
func oktaLimit(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || n < 1 || n > 200 {
		return 200
	}
	return n
}

// writeOktaSearch answers, up to the request's limit, the org's objects
// (read by all, under the lock) for which match holds with the request's
// lower-cased q.
func writeOktaSearch[T interface{ json() map[string]any }](s *Server, w http.ResponseWriter, r *http.Request, all func(*oktaOrg) []T, match func(o T, q string) bool) {
	q := strings.ToLower(r.URL.Query().Get("q"))
	s.okta.mu.Lock()
	defer s.okta.mu.Unlock()
	out := []map[string]any{}
	for _, o := range all(s.okta) {
		if match(o, q) && len(out) < oktaLimit(r) {
			out = append(out, o.json())
		}
	}
	writeJSON(w, http.StatusOK, "application/json", out)
}

func (s *Server) oktaListApps(w http.ResponseWriter, r *http.Request) {
	writeOktaSearch(s, w, r, func(o *oktaOrg) []*oktaApp { return o.apps }, func(a *oktaApp, q string) bool {
		return strings.HasPrefix(strings.ToLower(a.Label), q) || strings.HasPrefix(strings.ToLower(a.Name), q)
	})
}

func (s *Server) oktaListGroups(w http.ResponseWriter, r *http.Request) {
	writeOktaSearch(s, w, r, func(o *oktaOrg) []*oktaGroup { return o.groups }, func(g *oktaGroup, q string) bool {
		return strings.HasPrefix(strings.ToLower(g.Name), q)
	})
}

func (s *Server) oktaCreateGroup(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Profile struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"profile"`
	}
	if !decodeOkta(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.Profile.Name) == "" {
		writeOktaError(w, http.StatusBadRequest, "E0000001", "Api validation failed: name", "name: The field cannot be left blank")
		return
	}
	s.okta.mu.Lock()
	defer s.okta.mu.Unlock()
	for _, g := range s.okta.groups {
		if strings.EqualFold(g.Name, req.Profile.Name) {
			writeOktaError(w, http.StatusBadRequest, "E0000001", "Api validation failed: name", "name: An object with this field already exists in the current organization")
			return
		}
	}
	g := &oktaGroup{ID: oktaID("00g"), Name: req.Profile.Name, Description: req.Profile.Description, Created: s.st.now()}
	s.okta.groups = append(s.okta.groups, g)
	writeJSON(w, http.StatusOK, "application/json", g.json())
}

// writeAppList answers the JSON array list makes of the request's {app},
// under the lock, or Okta's 404.
func (s *Server) writeAppList(w http.ResponseWriter, r *http.Request, list func(a *oktaApp) []map[string]any) {
	s.okta.mu.Lock()
	defer s.okta.mu.Unlock()
	if a := s.appOr404(w, r); a != nil {
		writeJSON(w, http.StatusOK, "application/json", list(a))
	}
}

func (s *Server) oktaAppGroups(w http.ResponseWriter, r *http.Request) {
	s.writeAppList(w, r, func(a *oktaApp) []map[string]any {
		out := []map[string]any{}
		for i, id := range a.Groups {
			out = append(out, map[string]any{"id": id, "priority": i, "profile": map[string]any{}})
		}
		return out
	})
}

// oktaAssignGroup assigns a group to the app and provisions its members
// to the app's SCIM connection, if it has one.
func (s *Server) oktaAssignGroup(w http.ResponseWriter, r *http.Request) {
	s.okta.mu.Lock()
	a, g := s.appGroupOr404(w, r, r.PathValue("group"))
	if g == nil {
		s.okta.mu.Unlock()
		return
	}
	if !slices.Contains(a.Groups, g.ID) {
		a.Groups = append(a.Groups, g.ID)
	}
	var users []oktaUser
	for _, id := range g.Members {
		if u := s.okta.user(id); u != nil {
			users = append(users, *u)
		}
	}
	base, token, prio := a.SCIMBase, a.SCIMToken, slices.Index(a.Groups, g.ID)
	s.okta.mu.Unlock()
	if base != "" {
		sim := NewSimulator(base, token, s.idpClient)
		for _, u := range users {
			// A member Docker refuses stays unprovisioned; Okta shows it as
			// a provisioning task, the assignment still stands.
			if id, err := oktaPushUser(r.Context(), sim, u); err == nil {
				s.okta.mu.Lock()
				a.scimIDs[u.ID] = id
				s.okta.mu.Unlock()
			}
		}
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"id": g.ID, "priority": prio, "profile": map[string]any{},
		"lastUpdated": s.st.now().UTC().Format(time.RFC3339)})
}

// oktaPushUser provisions u the way Okta does: look it up by userName,
// create it when missing.
func oktaPushUser(ctx context.Context, sim *Simulator, u oktaUser) (string, error) {
	found, ok, err := sim.FindUser(ctx, u.Login)
	if err != nil || ok {
		return found.ID, err
	}
	ref, err := sim.CreateUser(ctx, SimUser{UserName: u.Login, GivenName: u.First, FamilyName: u.Last})
	return ref.ID, err
}

func (s *Server) oktaListMappings(w http.ResponseWriter, r *http.Request) {
	s.writeAppList(w, r, func(a *oktaApp) []map[string]any {
		out := []map[string]any{}
		for _, m := range a.Mappings {
			out = append(out, m.json())
		}
		return out
	})
}

// oktaCreateMapping creates a Group Push mapping and pushes the group, with
// the members provisioned to the app, to the app's SCIM connection.
func (s *Server) oktaCreateMapping(w http.ResponseWriter, r *http.Request) {
	var req struct {
		SourceGroupID   string `json:"sourceGroupId"`
		Status          string `json:"status"`
		TargetGroupID   string `json:"targetGroupId"`
		TargetGroupName string `json:"targetGroupName"`
	}
	if !decodeOkta(w, r, &req) {
		return
	}
	if req.SourceGroupID == "" || (req.TargetGroupID == "") == (req.TargetGroupName == "") {
		writeOktaError(w, http.StatusBadRequest, "E0000001", "Api validation failed: sourceGroupId and exactly one of targetGroupId or targetGroupName are required")
		return
	}
	s.okta.mu.Lock()
	a, g := s.appGroupOr404(w, r, req.SourceGroupID)
	if g == nil {
		s.okta.mu.Unlock()
		return
	}
	var members []string
	for _, id := range g.Members {
		if scimID := a.scimIDs[id]; scimID != "" {
			members = append(members, scimID)
		}
	}
	base, token := a.SCIMBase, a.SCIMToken
	s.okta.mu.Unlock()
	m := &oktaMapping{ID: oktaID("gPm"), SourceGroupID: g.ID, Status: "ACTIVE", Created: s.st.now()}
	if req.Status == "INACTIVE" {
		m.Status = "INACTIVE"
	}
	name := req.TargetGroupName
	if name == "" {
		name = g.Name
	}
	switch {
	case base == "":
		m.Status, m.ErrorSummary = "ERROR", "The app's SCIM connection is not set up: enter the SCIM connector base URL and Bearer token in the app's Provisioning tab."
	case m.Status == "ACTIVE":
		ref, err := NewSimulator(base, token, s.idpClient).PushGroup(r.Context(), name, members)
		if err != nil {
			m.Status, m.ErrorSummary = "ERROR", err.Error()
		}
		m.TargetGroupID = ref.ID
	}
	s.okta.mu.Lock()
	a.Mappings = append(a.Mappings, m)
	s.okta.mu.Unlock()
	writeJSON(w, http.StatusCreated, "application/json", m.json())
}

// oktaSetSCIM serves the sandbox-only OktaSCIMPath: it sets the app's SCIM
// connection, as an admin types it into Okta's Provisioning tab.
func (s *Server) oktaSetSCIM(w http.ResponseWriter, r *http.Request) {
	var req struct {
		App     string `json:"app"`
		BaseURL string `json:"base_url"`
		Token   string `json:"token"`
	}
	if !decodeOkta(w, r, &req) {
		return
	}
	if u, err := url.Parse(req.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || req.Token == "" {
		writeOktaError(w, http.StatusBadRequest, "E0000001", fmt.Sprintf("base_url must be an http(s) URL and token is required (got %q)", req.BaseURL))
		return
	}
	s.okta.mu.Lock()
	defer s.okta.mu.Unlock()
	a := s.okta.app(req.App)
	if a == nil {
		writeOktaError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: "+req.App+" (AppInstance)")
		return
	}
	a.SCIMBase, a.SCIMToken = req.BaseURL, req.Token
	w.WriteHeader(http.StatusNoContent)
}

// oktaFaultCode is Okta's errorCode for an injected status.
func oktaFaultCode(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "E0000011"
	case http.StatusForbidden:
		return "E0000006"
	case http.StatusNotFound:
		return "E0000007"
	case http.StatusTooManyRequests:
		return "E0000047"
	}
	return "E0000009" // Internal Server Error
}
