package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxBody caps every request body the sandbox reads.
const maxBody = 1 << 20

// decodeStrict reads one JSON value from the request body into v. It caps
// the body at maxBody and names the field when a value has the wrong type.
func decodeStrict(w http.ResponseWriter, r *http.Request, v any) (status int, msg string) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	err := dec.Decode(v)
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return 0, ""
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, "request body is larger than " + strconv.Itoa(maxBody) + " bytes"
	case errors.Is(err, io.EOF):
		return http.StatusBadRequest, "request body is empty: send a JSON object"
	case errors.As(err, &typeErr):
		return http.StatusBadRequest, "field " + strconv.Quote(typeErr.Field) + " must be a JSON " + typeErr.Type.String() + ", not " + typeErr.Value
	default:
		return http.StatusBadRequest, "malformed JSON: " + err.Error()
	}
}

// decodeBody reads a JSON request body into v and answers 400 (or 413) in
// Docker's `error` shape when it cannot.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if status, msg := decodeStrict(w, r, v); status != 0 {
		writeHubError(w, status, msg)
		return false
	}
	return true
}

type authTokenRequest struct {
	Identifier string `json:"identifier"`
	Secret     string `json:"secret"`
}

type authTokenResponse struct {
	AccessToken string `json:"access_token"`
}

// signIn checks identifier and secret and returns the claims of a new JWT.
// allowOAT is false for the deprecated /v2/users/login, which takes users only.
func (s *Server) signIn(identifier, secret string, allowOAT bool) (claims, bool) {
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	c := claims{IssuedAt: now.Unix(), ExpiresAt: now.Add(jwtLifetime).Unix(), Issuer: "docker-scim-sandbox"}
	h := hashSecret(secret)
	switch {
	case allowOAT && strings.HasPrefix(secret, OATPrefix) && h == st.OATHash && strings.EqualFold(identifier, st.Org.Name):
		c.Kind, c.Org, c.Subject = kindOAT, st.Org.Name, "oat:"+st.Org.Name
	case strings.HasPrefix(secret, PATPrefix) && h == st.PATHash && strings.EqualFold(identifier, st.AdminName):
		c.Kind, c.Username, c.Subject = kindPAT, st.AdminName, st.AdminName
	case h == st.PasswordHash && strings.EqualFold(identifier, st.AdminName):
		c.Kind, c.Username, c.Subject = kindPassword, st.AdminName, st.AdminName
	default:
		return claims{}, false
	}
	return c, true
}

// authToken serves POST /v2/auth/token: a password or PAT with the username,
// or an OAT with the organization name, exchanged for a 10-minute JWT.
func (s *Server) authToken(w http.ResponseWriter, r *http.Request) {
	var req authTokenRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Identifier == "" || req.Secret == "" {
		writeHubError(w, http.StatusBadRequest, "identifier and secret are required")
		return
	}
	c, ok := s.signIn(req.Identifier, req.Secret, true)
	if !ok {
		writeHubError(w, http.StatusUnauthorized, "incorrect username or password")
		return
	}
	writeHub(w, http.StatusOK, authTokenResponse{AccessToken: signJWT(s.st.jwtKey, c)})
}

// usersLogin serves the deprecated POST /v2/users/login: username and
// password (or PAT) for {token}; 401 is {detail, login_2fa_token}.
func (s *Server) usersLogin(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	c, ok := s.signIn(req.Username, req.Password, false)
	if req.Username == "" || req.Password == "" || !ok {
		writeHub(w, http.StatusUnauthorized, struct {
			Detail        string  `json:"detail"`
			Login2FAToken *string `json:"login_2fa_token"`
		}{Detail: "Incorrect authentication credentials"})
		return
	}
	writeHub(w, http.StatusOK, struct {
		Token string `json:"token"`
	}{signJWT(s.st.jwtKey, c)})
}

type claimsKey struct{}

// hubAuth requires a valid JWT from POST /v2/auth/token.
func (s *Server) hubAuth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := bearer(r.Header.Get("Authorization"))
		if !ok {
			writeHubError(w, http.StatusUnauthorized, "authentication required: send a bearer token from POST /v2/auth/token")
			return
		}
		s.st.mu.Lock()
		c, err := verifyJWT(s.st.jwtKey, tok, s.st.now())
		s.st.mu.Unlock()
		if err != nil {
			writeHubError(w, http.StatusUnauthorized, "invalid or expired token: sign in again with POST /v2/auth/token")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, c)))
	}
}

func claimsOf(r *http.Request) claims { c, _ := r.Context().Value(claimsKey{}).(claims); return c }

// actor is the audit-log actor of a Hub request.
func actor(r *http.Request) string {
	c := claimsOf(r)
	if c.Username != "" {
		return c.Username
	}
	return c.Subject
}

// patForbidden is exactly what Docker answers when a PAT-derived JWT calls
// an organization endpoint.
var patForbidden = struct {
	Message string         `json:"message"`
	ErrInfo map[string]any `json:"errinfo"`
}{"token issued from personal access token is not allowed", map[string]any{}}

// orgAuth checks that {org} is the sandbox's organization (404 otherwise)
// and that the caller may act on it. With noPAT, a JWT minted from a PAT gets
// Docker's 403; an OAT, a password JWT and the admin's user JWT pass.
func (s *Server) orgAuth(noPAT bool, next http.HandlerFunc) http.HandlerFunc {
	return s.orgsAuth(false, noPAT, next)
}

// companyAuth is orgAuth for the Hub routes served for both organizations
// of the company (members and teams): {org} may also be CompanyOrg.
func (s *Server) companyAuth(noPAT bool, next http.HandlerFunc) http.HandlerFunc {
	return s.orgsAuth(true, noPAT, next)
}

func (s *Server) orgsAuth(company, noPAT bool, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.st.mu.Lock()
		org := s.st.Org.Name
		s.st.mu.Unlock()
		if company && strings.EqualFold(r.PathValue("org"), CompanyOrg) {
			org = CompanyOrg
		}
		if !strings.EqualFold(r.PathValue("org"), org) {
			writeHubError(w, http.StatusNotFound, "organization "+strconv.Quote(r.PathValue("org"))+" not found")
			return
		}
		c := claimsOf(r)
		if noPAT && c.Kind == kindPAT {
			writeHub(w, http.StatusForbidden, patForbidden)
			return
		}
		// The seeded OAT is the company owner's: the sandbox accepts it for
		// both of the company's organizations (a simplification; a Docker
		// OAT is granted per organization).
		if c.Kind == kindOAT && !strings.EqualFold(c.Org, org) && org != CompanyOrg {
			writeHubError(w, http.StatusForbidden, "this organization access token belongs to another organization")
			return
		}
		next(w, r)
	}
}

// page is a validated page/page_size pair.
type page struct{ number, size int }

// parsePage reads page (from 1) and page_size (capped at max) and answers
// 400 when either is not a positive integer.
func parsePage(w http.ResponseWriter, r *http.Request, defaultSize, max int) (page, bool) {
	p := page{number: 1, size: defaultSize}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"page", &p.number}, {"page_size", &p.size}} {
		raw := r.URL.Query().Get(f.name)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			writeHubError(w, http.StatusBadRequest, f.name+" must be a positive integer, got "+strconv.Quote(raw))
			return p, false
		}
		*f.dst = n
	}
	p.size = min(p.size, max)
	return p, true
}

// paginated is Docker's list envelope; next and previous are absolute URLs.
type paginated[T any] struct {
	Count    int     `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  []T     `json:"results"`
}

// writePage answers 200 with page p of all, with absolute next/previous
// links. A page past the end (other than page 1) is 404, as on Docker.
func writePage[T any](w http.ResponseWriter, r *http.Request, all []T, p page) {
	writeBuiltPage(w, p, pageOf(r, all, p, func(v T) T { return v }))
}

// writeBuiltPage answers with a page built by pageOf (nil: past the end).
func writeBuiltPage[U any](w http.ResponseWriter, p page, out *paginated[U]) {
	if out == nil {
		writeHubError(w, http.StatusNotFound, "Invalid page: page "+strconv.Itoa(p.number)+" is past the last page")
		return
	}
	writeHub(w, http.StatusOK, *out)
}

// pageOf builds page p of all, converting only that page's items with
// conv; nil when the page is past the end (other than page 1).
func pageOf[T, U any](r *http.Request, all []T, p page, conv func(T) U) *paginated[U] {
	start := (p.number - 1) * p.size
	if start >= len(all) && p.number > 1 {
		return nil
	}
	end := min(start+p.size, len(all))
	out := &paginated[U]{Count: len(all), Results: make([]U, 0, max(end-start, 0))}
	for _, v := range all[min(start, end):end] {
		out.Results = append(out.Results, conv(v))
	}
	link := func(n int) *string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		q.Set("page_size", strconv.Itoa(p.size))
		u := baseURL(r) + r.URL.Path + "?" + q.Encode()
		return &u
	}
	if end < len(all) {
		out.Next = link(p.number + 1)
	}
	if p.number > 1 {
		out.Previous = link(p.number - 1)
	}
	return out
}

// accountJSON is Docker's `user` shape, shared by org_member and group_member.
type accountJSON struct {
	ID            string `json:"id"`
	Company       string `json:"company"`
	DateJoined    string `json:"date_joined"`
	FullName      string `json:"full_name"`
	GravatarEmail string `json:"gravatar_email"`
	GravatarURL   string `json:"gravatar_url"`
	Location      string `json:"location"`
	ProfileURL    string `json:"profile_url"`
	Type          string `json:"type"`
	Username      string `json:"username"`
}

func dockerTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func account(u *user) accountJSON {
	return accountJSON{
		ID: strings.ReplaceAll(u.ID, "-", ""), DateJoined: dockerTime(u.Created), FullName: u.fullName(),
		Type: "User", Username: u.Username,
	}
}

type orgMember struct {
	accountJSON
	Email        string   `json:"email"`
	Role         string   `json:"role"`
	Groups       []string `json:"groups"`
	IsGuest      bool     `json:"is_guest"`
	PrimaryEmail string   `json:"primary_email"`
}

type orgJSON struct {
	ID            string `json:"id"`
	OrgName       string `json:"orgname"`
	FullName      string `json:"full_name"`
	Company       string `json:"company"`
	Location      string `json:"location"`
	Type          string `json:"type"`
	DateJoined    string `json:"date_joined"`
	GravatarEmail string `json:"gravatar_email"`
	GravatarURL   string `json:"gravatar_url"`
	ProfileURL    string `json:"profile_url"`
}

func (s *Server) orgJSON() orgJSON {
	o := s.st.Org
	return orgJSON{
		ID: strings.ReplaceAll(o.ID, "-", ""), OrgName: o.Name, FullName: o.FullName,
		Type: "Organization", DateJoined: dockerTime(o.Joined),
	}
}

// userOrgs serves the undocumented GET /v2/user/orgs/ that Docker's clients
// use. An OAT is not a user, so it gets Docker's 403.
func (s *Server) userOrgs(w http.ResponseWriter, r *http.Request) {
	if claimsOf(r).Kind == kindOAT {
		writeHub(w, http.StatusForbidden, struct {
			Message string         `json:"message"`
			ErrInfo map[string]any `json:"errinfo"`
		}{"token issued from organization access token is not allowed", map[string]any{}})
		return
	}
	p, ok := parsePage(w, r, 25, 100)
	if !ok {
		return
	}
	s.st.mu.Lock()
	all := []orgJSON{s.orgJSON()}
	s.st.mu.Unlock()
	writePage(w, r, all, p)
}

// getOrg serves the undocumented GET /v2/orgs/{org}/ (PAT allowed, as on Docker).
func (s *Server) getOrg(w http.ResponseWriter, r *http.Request) {
	s.st.mu.Lock()
	o := s.orgJSON()
	s.st.mu.Unlock()
	writeHub(w, http.StatusOK, o)
}

// teamOrg is the team.Org of the request's {org}: "" for the organization
// the sandbox serves, CompanyOrg for the company's other one.
func teamOrg(r *http.Request) string {
	if strings.EqualFold(r.PathValue("org"), CompanyOrg) {
		return CompanyOrg
	}
	return ""
}

// orgMembers returns the members of org (a teamOrg value) in the order they
// joined: for CompanyOrg, the active users SCIM provisioned into it
// (dockerOrg) or put in one of its teams. The caller holds the lock.
func (s *Server) orgMembers(org string) []*user {
	if org == "" {
		return s.st.members()
	}
	var out []*user
	for _, u := range s.st.Users {
		if !u.Active {
			continue
		}
		if u.DockerOrg == org || slices.ContainsFunc(s.st.Teams, func(t *team) bool { return t.Org == org && t.has(u.ID) }) {
			out = append(out, u)
		}
	}
	return out
}

func roleLabel(role string) string {
	switch role {
	case roleOwner:
		return "Owner"
	case roleEditor:
		return "Editor"
	}
	return "Member"
}

// listMembers serves GET /v2/orgs/{org}/members: one {count, next, previous,
// results} object (not the array the spec shows), filtered by search, role
// and type.
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) {
	p, ok := parsePage(w, r, 25, 100)
	if !ok {
		return
	}
	q := r.URL.Query()
	search, role, typ := strings.ToLower(q.Get("search")), strings.ToLower(q.Get("role")), strings.ToLower(q.Get("type"))
	if role != "" && role != roleOwner && role != roleEditor && role != roleMember {
		writeHubError(w, http.StatusBadRequest, "role must be owner, editor or member, got "+strconv.Quote(role))
		return
	}
	if typ != "" && typ != "all" && typ != "member" && typ != "invitee" {
		writeHubError(w, http.StatusBadRequest, "type must be all, member or invitee, got "+strconv.Quote(typ))
		return
	}
	s.st.mu.Lock()
	var matched []*user
	if typ != "invitee" { // the sandbox has no pending invites
		for _, u := range s.orgMembers(teamOrg(r)) {
			if (role == "" || u.Role == role) && u.matchesSearch(search) {
				matched = append(matched, u)
			}
		}
	}
	// Only the page's members are built: a preflight pages through 10,000.
	out := pageOf(r, matched, p, func(u *user) orgMember {
		_, domain, _ := strings.Cut(u.Email, "@")
		return orgMember{
			accountJSON: account(u), Email: u.Email, Role: roleLabel(u.Role), Groups: s.st.teamsIn(teamOrg(r), u),
			IsGuest: !slices.ContainsFunc(s.st.Org.Domains, func(d string) bool { return strings.EqualFold(d, domain) }), PrimaryEmail: u.Email,
		}
	})
	s.st.mu.Unlock()
	writeBuiltPage(w, p, out)
}

type orgGroup struct {
	ID          int64  `json:"id"`
	UUID        string `json:"uuid"`
	Name        string `json:"name"`
	Description string `json:"description"`
	MemberCount int    `json:"member_count"`
}

func groupJSON(t *team) orgGroup {
	return orgGroup{ID: t.ID, UUID: t.UUID, Name: t.Name, Description: t.Description, MemberCount: len(t.Members)}
}

// listGroups serves GET /v2/orgs/{org}/groups with search and username filters.
func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) {
	p, ok := parsePage(w, r, 25, 100)
	if !ok {
		return
	}
	search, username := strings.ToLower(r.URL.Query().Get("search")), r.URL.Query().Get("username")
	s.st.mu.Lock()
	var all []orgGroup
	var u *user
	if username != "" {
		if u = s.st.byUsername[strings.ToLower(username)]; u == nil {
			s.st.mu.Unlock()
			writeHubError(w, http.StatusNotFound, "user "+strconv.Quote(username)+" not found")
			return
		}
	}
	for _, t := range s.st.Teams {
		if t.Org == teamOrg(r) && (search == "" || strings.Contains(strings.ToLower(t.Name), search)) && (u == nil || t.has(u.ID)) {
			all = append(all, groupJSON(t))
		}
	}
	s.st.mu.Unlock()
	writePage(w, r, all, p)
}

// validTeamName reports whether name is what Docker accepts as a team
// name: 1 to 30 ASCII letters, digits, '-' or '_', starting with a letter
// or digit. (It was a package-level regexp whose compile, with its {0,29}
// repetition, cost every start about a million instructions.)
func validTeamName(name string) bool {
	if len(name) == 0 || len(name) > 30 {
		return false
	}
	for i := range len(name) {
		c := name[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && (i == 0 || c != '-' && c != '_') {
			return false
		}
	}
	return true
}

// createGroup serves POST /v2/orgs/{org}/groups {name, description}.
func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if !validTeamName(req.Name) {
		writeHubError(w, http.StatusBadRequest, "name "+strconv.Quote(req.Name)+" is not a valid team name: use 1 to 30 letters, digits, '-' or '_', starting with a letter or digit")
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if s.st.teamIn(teamOrg(r), req.Name) != nil {
		writeHubError(w, http.StatusConflict, "team "+strconv.Quote(req.Name)+" already exists")
		return
	}
	t := s.st.createTeam(actor(r), req.Name, req.Description)
	if t.Org = teamOrg(r); t.Org != "" {
		s.st.changedTeam(t)
	}
	writeHub(w, http.StatusCreated, groupJSON(t))
}

// teamOr404 finds the request's {team}, or answers 404; the caller holds
// the store lock.
func (s *Server) teamOr404(w http.ResponseWriter, r *http.Request) *team {
	t := s.st.teamIn(teamOrg(r), r.PathValue("team"))
	if t == nil {
		writeHubError(w, http.StatusNotFound, "team "+strconv.Quote(r.PathValue("team"))+" not found")
	}
	return t
}

// getGroup serves GET /v2/orgs/{org}/groups/{team}.
func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if t := s.teamOr404(w, r); t != nil {
		writeHub(w, http.StatusOK, groupJSON(t))
	}
}

type groupMember struct {
	accountJSON
	Email string `json:"email"`
}

// listGroupMembers serves GET /v2/orgs/{org}/groups/{team}/members.
func (s *Server) listGroupMembers(w http.ResponseWriter, r *http.Request) {
	p, ok := parsePage(w, r, 25, 100)
	if !ok {
		return
	}
	search := strings.ToLower(r.URL.Query().Get("search"))
	s.st.mu.Lock()
	t := s.teamOr404(w, r)
	if t == nil {
		s.st.mu.Unlock()
		return
	}
	var all []groupMember
	for _, id := range t.Members {
		u := s.st.byID[id]
		if u.matchesSearch(search) {
			all = append(all, groupMember{accountJSON: account(u), Email: u.Email})
		}
	}
	s.st.mu.Unlock()
	writePage(w, r, all, p)
}

type auditLogJSON struct {
	Account     string            `json:"account"`
	Action      string            `json:"action"`
	Name        string            `json:"name"`
	Actor       string            `json:"actor"`
	Data        map[string]string `json:"data"`
	Timestamp   string            `json:"timestamp"`
	Description string            `json:"action_description"`
}

// auditLogs serves GET /v2/auditlogs/{org}: newest first, filtered by action,
// name, actor, from and to (RFC 3339), paged by page/page_size (default 25).
func (s *Server) auditLogs(w http.ResponseWriter, r *http.Request) {
	p, ok := parsePage(w, r, 25, 100)
	if !ok {
		return
	}
	q := r.URL.Query()
	var bounds [2]time.Time
	for i, name := range []string{"from", "to"} {
		if raw := q.Get(name); raw != "" {
			t, err := time.Parse(time.RFC3339, raw)
			if err != nil {
				writeHubError(w, http.StatusBadRequest, name+" must be an RFC 3339 time such as 2026-01-02T15:04:05Z, got "+strconv.Quote(raw))
				return
			}
			bounds[i] = t
		}
	}
	s.st.mu.Lock()
	var logs []auditLogJSON
	for i := len(s.st.Audit) - 1; i >= 0; i-- {
		e := s.st.Audit[i]
		if (q.Get("action") != "" && e.Action != q.Get("action")) || (q.Get("name") != "" && e.Name != q.Get("name")) ||
			(q.Get("actor") != "" && e.Actor != q.Get("actor")) ||
			(!bounds[0].IsZero() && e.Timestamp.Before(bounds[0])) || (!bounds[1].IsZero() && e.Timestamp.After(bounds[1])) {
			continue
		}
		logs = append(logs, auditLogJSON{e.Account, e.Action, e.Name, e.Actor, e.Data, e.Timestamp.Format(time.RFC3339), e.Description})
	}
	s.st.mu.Unlock()
	start := min((p.number-1)*p.size, len(logs))
	end := min(start+p.size, len(logs))
	writeHub(w, http.StatusOK, struct {
		Logs []auditLogJSON `json:"logs"`
	}{append([]auditLogJSON{}, logs[start:end]...)})
}

// baseURL is the scheme and host the request came in on.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host}).String()
}
