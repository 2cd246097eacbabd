package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// The Graph stand-in: a small Microsoft Entra ID tenant that answers the
// Microsoft Graph v1.0 calls docker-scim makes to configure provisioning,
// in the shapes Microsoft's reference pages document (paths, bodies, status
// codes, the {"error": {"code", "message", "innerError"}} body, 429 with
// Retry-After). When its provisioning job starts, or provisions a user on
// demand, it pushes users and groups to the saved Tenant URL over real HTTP
// the way Entra does (see graph_sync.go). Its state lives in memory only.

// GraphPrefix is where the Graph stand-in serves Microsoft Graph v1.0.
const GraphPrefix = "/graph/v1.0"

// LoginPrefix is where the stand-in serves the Microsoft identity
// platform's endpoints (…/{tenant}/oauth2/v2.0/devicecode and /token).
const LoginPrefix = "/login"

// The Graph permissions the stand-in checks, and the directory role.
const (
	graphAppRead      = "Application.Read.All"
	graphAppReadWrite = "Application.ReadWrite.All"
	graphSyncRead     = "Synchronization.Read.All"
	graphSyncWrite    = "Synchronization.ReadWrite.All"
	graphAssign       = "AppRoleAssignment.ReadWrite.All"
	graphGroupRead    = "Group.Read.All"
	graphUserRead     = "User.Read.All"
	graphAuditRead    = "AuditLog.Read.All"
)

// allGraphScopes is every permission a seeded admin token carries.
var allGraphScopes = []string{graphAppReadWrite, graphSyncWrite, graphAssign, graphGroupRead, graphUserRead, graphAuditRead}

// nonGalleryTemplate is the application template id of "Create your own
// application" (applicationtemplate-instantiate.md).
const nonGalleryTemplate = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621"

type graphToken struct {
	scopes []string
	// admin is the Application Administrator role of the signed-in user.
	admin   bool
	expires time.Time
}

type graphUser struct {
	ID, UPN, DisplayName, GivenName, Surname, MailNickname string
}

type graphGroup struct {
	ID, DisplayName string
	Members         []string // user ids, direct members only
}

type graphAppRole struct {
	ID                 string   `json:"id"`
	Value              *string  `json:"value"`
	DisplayName        string   `json:"displayName"`
	Description        string   `json:"description"`
	AllowedMemberTypes []string `json:"allowedMemberTypes"`
	IsEnabled          bool     `json:"isEnabled"`
	Origin             string   `json:"origin"`
}

type graphAssignment struct {
	ID                   string `json:"id"`
	AppRoleID            string `json:"appRoleId"`
	CreatedDateTime      string `json:"createdDateTime"`
	PrincipalDisplayName string `json:"principalDisplayName"`
	PrincipalID          string `json:"principalId"`
	PrincipalType        string `json:"principalType"`
	ResourceDisplayName  string `json:"resourceDisplayName"`
	ResourceID           string `json:"resourceId"`
}

type graphSP struct {
	ID, AppID, AppObjectID, DisplayName string
	AppRoles                            []graphAppRole
	Secrets                             map[string]string
	Jobs                                []*graphJob
	Assignments                         []graphAssignment
}

// graphTenant is the stand-in's directory.
type graphTenant struct {
	mu       sync.Mutex
	id       string
	tokens   map[string]*graphToken
	devices  map[string]*deviceGrant
	users    []*graphUser
	groups   []*graphGroup
	sps      []*graphSP
	logs     []map[string]any
	onDemand map[string][]time.Time // job id → recent provisionOnDemand calls
}

func newGraphTenant() *graphTenant {
	t := &graphTenant{id: newUUID(), tokens: map[string]*graphToken{}, devices: map[string]*deviceGrant{}, onDemand: map[string][]time.Time{}}
	mkUser := func(upn, given, sur string) *graphUser {
		nick, _, _ := strings.Cut(upn, "@")
		u := &graphUser{ID: newUUID(), UPN: upn, DisplayName: given + " " + sur, GivenName: given, Surname: sur, MailNickname: nick}
		t.users = append(t.users, u)
		return u
	}
	ada := mkUser("ada.lovelace@moby.example", "Ada", "Lovelace")
	alan := mkUser("alan.turing@moby.example", "Alan", "Turing")
	jane := mkUser("jane.doe@moby.example", "Jane", "Doe")
	linus := mkUser("linus.t@moby.example", "Linus", "T")
	t.groups = []*graphGroup{
		{ID: newUUID(), DisplayName: "moby:developers", Members: []string{ada.ID, alan.ID}},
		{ID: newUUID(), DisplayName: "moby:designers", Members: []string{jane.ID}},
		{ID: newUUID(), DisplayName: "All staff", Members: []string{ada.ID, alan.ID, jane.ID, linus.ID}},
	}
	t.newSP("Docker")
	return t
}

// newSP adds an app made from the non-gallery template; the caller holds
// the lock (or owns t).
func (t *graphTenant) newSP(name string) *graphSP {
	access := "msiam_access"
	sp := &graphSP{
		ID: newUUID(), AppID: newUUID(), AppObjectID: newUUID(), DisplayName: name, Secrets: map[string]string{},
		AppRoles: []graphAppRole{
			{ID: "18d14569-c3bd-439b-9a66-3a2aee01d14f", DisplayName: "User", Description: "User", AllowedMemberTypes: []string{"User"}, IsEnabled: true, Origin: "Application"},
			{ID: newUUID(), Value: &access, DisplayName: "msiam_access", Description: "msiam_access", AllowedMemberTypes: []string{"User"}, IsEnabled: true, Origin: "Application"},
		},
	}
	t.sps = append(t.sps, sp)
	return sp
}

// IssueGraphToken mints a Graph access token of the stand-in with the given
// permissions (every one docker-scim needs when scopes is empty); admin
// gives the signed-in user the Application Administrator role.
func (s *Server) IssueGraphToken(scopes []string, admin bool) string {
	if len(scopes) == 0 {
		scopes = allGraphScopes
	}
	tok := "sbx_graph_" + randomString(32)
	s.graph.mu.Lock()
	s.graph.tokens[tok] = &graphToken{scopes: slices.Clone(scopes), admin: admin, expires: s.st.now().Add(time.Hour)}
	s.graph.mu.Unlock()
	return tok
}

// GraphTenantID is the stand-in tenant's id (for the login endpoints).
func (s *Server) GraphTenantID() string { return s.graph.id }

// graphError is Microsoft Graph's error body.
type graphError struct {
	Error graphErrorBody `json:"error"`
}

type graphErrorBody struct {
	Code       string         `json:"code"`
	Message    string         `json:"message"`
	InnerError map[string]any `json:"innerError"`
}

func writeGraph(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, "application/json", v)
}

func writeGraphError(w http.ResponseWriter, status int, code, message string) {
	id := newUUID()
	w.Header().Set("request-id", id)
	writeGraph(w, status, graphError{Error: graphErrorBody{Code: code, Message: message,
		InnerError: map[string]any{"date": time.Now().UTC().Format(time.RFC3339), "request-id": id, "client-request-id": id}}})
}

// graphAuth wraps h: it needs a valid stand-in token carrying one of the
// permissions in anyOf, and the admin role when role is set.
func (s *Server) graphAuth(role bool, anyOf []string, h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		raw, ok := bearer(r.Header.Get("Authorization"))
		if !ok {
			writeGraphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.")
			return
		}
		s.graph.mu.Lock()
		tok := s.graph.tokens[raw]
		s.graph.mu.Unlock()
		switch {
		case tok == nil:
			writeGraphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "The access token is not valid for this tenant.")
			return
		case !s.st.now().Before(tok.expires):
			writeGraphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
			return
		case !slices.ContainsFunc(anyOf, func(p string) bool { return slices.Contains(tok.scopes, p) }):
			writeGraphError(w, http.StatusForbidden, "Authorization_RequestDenied",
				"Insufficient privileges to complete the operation: the token needs one of "+strings.Join(anyOf, ", ")+".")
			return
		case role && !tok.admin:
			writeGraphError(w, http.StatusForbidden, "Authorization_RequestDenied",
				"Insufficient privileges to complete the operation: the signed-in user needs the Application Administrator or Cloud Application Administrator role.")
			return
		}
		h(w, r)
	}
}

// decodeGraph reads a JSON body; a bad one is Graph's 400 BadRequest.
func decodeGraph(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload: "+err.Error())
		return false
	}
	return true
}

func (s *Server) graphRoutes() {
	m := s.mux
	g := GraphPrefix
	appRead := []string{graphAppRead, graphAppReadWrite}
	syncRead := []string{graphSyncRead, graphSyncWrite}
	syncWrite := []string{graphSyncWrite}
	m.HandleFunc("GET "+g+"/servicePrincipals", s.graphAuth(false, appRead, s.graphListSPs))
	m.HandleFunc("GET "+g+"/servicePrincipals/{id}", s.graphAuth(false, appRead, s.graphGetSP))
	m.HandleFunc("POST "+g+"/applicationTemplates/{tid}/instantiate", s.graphAuth(true, []string{graphAppReadWrite}, s.graphInstantiate))
	m.HandleFunc("GET "+g+"/servicePrincipals/{id}/synchronization/templates", s.graphAuth(false, syncRead, s.graphTemplates))
	m.HandleFunc("GET "+g+"/servicePrincipals/{id}/synchronization/jobs", s.graphAuth(false, syncRead, s.graphListJobs))
	m.HandleFunc("POST "+g+"/servicePrincipals/{id}/synchronization/jobs", s.graphAuth(true, syncWrite, s.graphCreateJob))
	m.HandleFunc("GET "+g+"/servicePrincipals/{id}/synchronization/jobs/{job}", s.graphAuth(false, syncRead, s.graphGetJob))
	m.HandleFunc("PUT "+g+"/servicePrincipals/{id}/synchronization/secrets", s.graphAuth(true, syncWrite, s.graphPutSecrets))
	m.HandleFunc("POST "+g+"/servicePrincipals/{id}/synchronization/jobs/{job}/validateCredentials", s.graphAuth(true, syncWrite, s.graphValidate))
	m.HandleFunc("GET "+g+"/servicePrincipals/{id}/synchronization/jobs/{job}/schema", s.graphAuth(false, syncRead, s.graphGetSchema))
	m.HandleFunc("PUT "+g+"/servicePrincipals/{id}/synchronization/jobs/{job}/schema", s.graphAuth(true, syncWrite, s.graphPutSchema))
	m.HandleFunc("POST "+g+"/servicePrincipals/{id}/synchronization/jobs/{job}/start", s.graphAuth(true, syncWrite, s.graphStart))
	m.HandleFunc("POST "+g+"/servicePrincipals/{id}/synchronization/jobs/{job}/pause", s.graphAuth(true, syncWrite, s.graphPause))
	m.HandleFunc("POST "+g+"/servicePrincipals/{id}/synchronization/jobs/{job}/provisionOnDemand", s.graphAuth(true, syncWrite, s.graphOnDemand))
	m.HandleFunc("GET "+g+"/servicePrincipals/{id}/appRoleAssignedTo", s.graphAuth(false, appRead, s.graphListAssignments))
	m.HandleFunc("POST "+g+"/servicePrincipals/{id}/appRoleAssignedTo", s.graphAuth(true, []string{graphAssign}, s.graphAssign))
	m.HandleFunc("GET "+g+"/groups", s.graphAuth(false, []string{graphGroupRead}, s.graphListGroups))
	m.HandleFunc("GET "+g+"/users/{id}", s.graphAuth(false, []string{graphUserRead}, s.graphGetUser))
	m.HandleFunc("GET "+g+"/auditLogs/provisioning", s.graphAuth(false, []string{graphAuditRead}, s.graphLogs))
	m.HandleFunc(g+"/", func(w http.ResponseWriter, r *http.Request) {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+strings.TrimPrefix(r.URL.Path, g+"/")+"'.")
	})
	m.HandleFunc("POST "+LoginPrefix+"/{tenant}/oauth2/v2.0/devicecode", s.graphDeviceCode)
	m.HandleFunc("POST "+LoginPrefix+"/{tenant}/oauth2/v2.0/token", s.graphTokenEndpoint)
	m.HandleFunc("GET "+LoginPrefix+"/device", s.graphDevicePage)
}
