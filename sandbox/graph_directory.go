package sandbox

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// startsWithFilter matches $filter=startswith(displayName,'…') with the
// OData escape ” for a quote.
var startsWithFilter = regexp.MustCompile(`^startswith\(\s*displayName\s*,\s*'((?:[^']|'')*)'\s*\)$`)

// displayNamePrefix reads the request's startswith filter; ok is false (and
// a 400 is written) for any other filter.
func displayNamePrefix(w http.ResponseWriter, r *http.Request) (prefix string, ok bool) {
	f := strings.TrimSpace(r.URL.Query().Get("$filter"))
	if f == "" {
		return "", true
	}
	m := startsWithFilter.FindStringSubmatch(f)
	if m == nil {
		writeGraphError(w, http.StatusBadRequest, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property 'displayName' of resource 'ServicePrincipal'.")
		return "", false
	}
	return strings.ReplaceAll(m[1], "''", "'"), true
}

func (sp *graphSP) json() map[string]any {
	return map[string]any{"id": sp.ID, "appId": sp.AppID, "displayName": sp.DisplayName, "appRoles": sp.AppRoles,
		"servicePrincipalType": "Application", "accountEnabled": true, "tags": []string{"WindowsAzureActiveDirectoryIntegratedApp"}}
}

// sp returns the service principal with object id id; the caller holds the lock.
func (t *graphTenant) sp(id string) *graphSP {
	for _, sp := range t.sps {
		if sp.ID == id {
			return sp
		}
	}
	return nil
}

// spOr404 finds the service principal of the request's {id} (locking) or
// answers Graph's 404.
func (s *Server) spOr404(w http.ResponseWriter, r *http.Request) *graphSP {
	sp := s.graph.sp(r.PathValue("id"))
	if sp == nil {
		writeGraphError(w, http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+r.PathValue("id")+"' does not exist or one of its queried reference-property objects are not present.")
	}
	return sp
}

// withSP runs fn with the service principal of the request's {id}, under
// the lock, or answers Graph's 404.
func (s *Server) withSP(w http.ResponseWriter, r *http.Request, fn func(sp *graphSP)) {
	s.graph.mu.Lock()
	defer s.graph.mu.Unlock()
	if sp := s.spOr404(w, r); sp != nil {
		fn(sp)
	}
}

// graphNamed is a directory object a list filters by display name.
type graphNamed interface {
	name() string
	json() map[string]any
}

func (sp *graphSP) name() string { return sp.DisplayName }

func (g *graphGroup) name() string { return g.DisplayName }

func (g *graphGroup) json() map[string]any {
	return map[string]any{"id": g.ID, "displayName": g.DisplayName, "securityEnabled": true, "mailEnabled": false}
}

// writeGraphNamed answers one page of the tenant's objects (read by all,
// under the lock) whose display name starts with the request's startswith
// filter, ignoring case.
func writeGraphNamed[T graphNamed](s *Server, w http.ResponseWriter, r *http.Request, what string, all func(*graphTenant) []T) {
	prefix, ok := displayNamePrefix(w, r)
	if !ok {
		return
	}
	s.graph.mu.Lock()
	defer s.graph.mu.Unlock()
	out := []map[string]any{}
	for _, o := range all(s.graph) {
		if strings.HasPrefix(strings.ToLower(o.name()), strings.ToLower(prefix)) {
			out = append(out, o.json())
		}
	}
	writeGraphPage(w, r, what, out)
}

func (s *Server) graphListSPs(w http.ResponseWriter, r *http.Request) {
	writeGraphNamed(s, w, r, "servicePrincipals", func(t *graphTenant) []*graphSP { return t.sps })
}

// graphPageSize is how many items a stand-in collection returns per page,
// as Graph's default page size.
const graphPageSize = 100

// writeGraphPage answers one page of items with Graph's @odata.nextLink
// ($skiptoken) when more follow.
func writeGraphPage[T any](w http.ResponseWriter, r *http.Request, what string, items []T) {
	skip, err := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
	if r.URL.Query().Get("$skiptoken") != "" && (err != nil || skip < 0) {
		writeGraphError(w, http.StatusBadRequest, "BadRequest", "The $skiptoken is not valid.")
		return
	}
	skip = min(max(skip, 0), len(items))
	end := min(skip+graphPageSize, len(items))
	out := map[string]any{"@odata.context": graphContext(r, what), "value": append([]T{}, items[skip:end]...)}
	if end < len(items) {
		q := r.URL.Query()
		q.Set("$skiptoken", strconv.Itoa(end))
		out["@odata.nextLink"] = baseURL(r) + r.URL.Path + "?" + q.Encode()
	}
	writeGraph(w, http.StatusOK, out)
}

// AddGraphGroup adds a security group named name to the Graph stand-in's
// tenant, with the tenant's users named by memberUPNs as members.
func (s *Server) AddGraphGroup(name string, memberUPNs ...string) {
	s.graph.mu.Lock()
	defer s.graph.mu.Unlock()
	g := &graphGroup{ID: newUUID(), DisplayName: name}
	for _, upn := range memberUPNs {
		if u := s.graph.user(upn); u != nil {
			g.Members = append(g.Members, u.ID)
		}
	}
	s.graph.groups = append(s.graph.groups, g)
}

func graphContext(r *http.Request, what string) string {
	return baseURL(r) + GraphPrefix + "/$metadata#" + what
}

func (s *Server) graphGetSP(w http.ResponseWriter, r *http.Request) {
	s.withSP(w, r, func(sp *graphSP) { writeGraph(w, http.StatusOK, sp.json()) })
}

func (s *Server) graphInstantiate(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("tid") != nonGalleryTemplate {
		writeGraphError(w, http.StatusNotFound, "Request_ResourceNotFound", "The stand-in knows only the non-gallery application template "+nonGalleryTemplate+".")
		return
	}
	var req struct {
		DisplayName string `json:"displayName"`
	}
	if !decodeGraph(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.DisplayName) == "" {
		writeGraphError(w, http.StatusBadRequest, "Request_BadRequest", "displayName is required.")
		return
	}
	s.graph.mu.Lock()
	sp := s.graph.newSP(req.DisplayName)
	s.graph.mu.Unlock()
	writeGraph(w, http.StatusCreated, map[string]any{
		"@odata.context":   graphContext(r, "microsoft.graph.applicationServicePrincipal"),
		"application":      map[string]any{"id": sp.AppObjectID, "appId": sp.AppID, "displayName": sp.DisplayName},
		"servicePrincipal": sp.json(),
	})
}

func (s *Server) graphListAssignments(w http.ResponseWriter, r *http.Request) {
	s.withSP(w, r, func(sp *graphSP) {
		writeGraphPage(w, r, "servicePrincipals('"+sp.ID+"')/appRoleAssignedTo", sp.Assignments)
	})
}

func (s *Server) graphAssign(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PrincipalID string `json:"principalId"`
		ResourceID  string `json:"resourceId"`
		AppRoleID   string `json:"appRoleId"`
	}
	if !decodeGraph(w, r, &req) {
		return
	}
	s.withSP(w, r, func(sp *graphSP) {
		if req.ResourceID != sp.ID {
			writeGraphError(w, http.StatusBadRequest, "Request_BadRequest", "resourceId must be the id of the service principal in the URL.")
			return
		}
		roleOK := req.AppRoleID == "00000000-0000-0000-0000-000000000000"
		for _, role := range sp.AppRoles {
			roleOK = roleOK || role.ID == req.AppRoleID
		}
		if !roleOK {
			writeGraphError(w, http.StatusBadRequest, "Request_BadRequest", "Permission being assigned was not found on application '"+sp.AppID+"'.")
			return
		}
		a := graphAssignment{ID: randomString(43), AppRoleID: req.AppRoleID, CreatedDateTime: s.st.now().UTC().Format(time.RFC3339),
			PrincipalID: req.PrincipalID, ResourceDisplayName: sp.DisplayName, ResourceID: sp.ID}
		if g := s.graph.group(req.PrincipalID); g != nil {
			a.PrincipalType, a.PrincipalDisplayName = "Group", g.DisplayName
		} else if u := s.graph.user(req.PrincipalID); u != nil {
			a.PrincipalType, a.PrincipalDisplayName = "User", u.DisplayName
		} else {
			writeGraphError(w, http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+req.PrincipalID+"' does not exist or one of its queried reference-property objects are not present.")
			return
		}
		for _, old := range sp.Assignments {
			if old.PrincipalID == a.PrincipalID && old.AppRoleID == a.AppRoleID {
				writeGraphError(w, http.StatusBadRequest, "Request_BadRequest", "Permission being assigned already exists on the object.")
				return
			}
		}
		sp.Assignments = append(sp.Assignments, a)
		writeGraph(w, http.StatusCreated, a)
	})
}

// group and user look an object up by id; the caller holds the lock.
func (t *graphTenant) group(id string) *graphGroup {
	for _, g := range t.groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func (t *graphTenant) user(id string) *graphUser {
	for _, u := range t.users {
		if u.ID == id || strings.EqualFold(u.UPN, id) {
			return u
		}
	}
	return nil
}

func (s *Server) graphListGroups(w http.ResponseWriter, r *http.Request) {
	writeGraphNamed(s, w, r, "groups", func(t *graphTenant) []*graphGroup { return t.groups })
}

func (s *Server) graphGetUser(w http.ResponseWriter, r *http.Request) {
	s.graph.mu.Lock()
	defer s.graph.mu.Unlock()
	u := s.graph.user(r.PathValue("id"))
	if u == nil {
		writeGraphError(w, http.StatusNotFound, "Request_ResourceNotFound", "Resource '"+r.PathValue("id")+"' does not exist or one of its queried reference-property objects are not present.")
		return
	}
	writeGraph(w, http.StatusOK, map[string]any{"id": u.ID, "userPrincipalName": u.UPN, "displayName": u.DisplayName,
		"givenName": u.GivenName, "surname": u.Surname, "mail": u.UPN})
}
