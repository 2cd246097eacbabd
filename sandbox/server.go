package sandbox

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ConsolePrefix is where the sandbox-only console API lives. Docker has no
// such API: these routes stand in for the Admin Console's SSO and SCIM page.
const ConsolePrefix = "/sandbox/console"

// AdminPrefix is where the sandbox-only fault-injection endpoints live.
const AdminPrefix = "/sandbox/admin"

// IdPPushPath is the sandbox-only endpoint of the IdP simulator.
const IdPPushPath = "/sandbox/idp/push"

// SCIMPath is the path of Docker's SCIM 2.0 API under the server's address.
const SCIMPath = "/v2/scim/2.0"

// SeededSCIMConnection is the seeded SSO connection that already has SCIM
// set up; Credentials().SCIMToken is its API token.
const SeededSCIMConnection = "conn-okta-scim"

// CompanyOrg is the company's second organization, which the seeded Okta
// connections serve beside moby.
const CompanyOrg = "whale"

// defaultRateLimit is the per-minute request budget when WithRateLimit is
// not given.
const defaultRateLimit = 100_000

// Credentials are the seeded sign-in values the sandbox accepts.
type Credentials struct {
	Org  string `json:"org"`
	User string `json:"user"`
	PAT  string `json:"pat"`
	OAT  string `json:"oat"`
	// SCIMToken is the SCIM API token of SeededSCIMConnection, or "" when
	// SCIM was disabled on it (possible after a restart from a state file).
	SCIMToken string `json:"scim_token"`
}

// Server is the sandbox: an http.Handler that behaves like Docker.
type Server struct {
	st    *store
	creds Credentials
	// mux routes the requests; built by router on the first request, not
	// by Open: registering the routes is most of Open's CPU, and the
	// wizard starts its built-in sandbox before its first frame.
	mux       *http.ServeMux
	routeOnce sync.Once
	statePath string
	saver     saver
	faults    faultSet
	limiter   rateLimiter
	requests  atomic.Int64
	idpClient *http.Client
	// graph is the Microsoft Graph stand-in's tenant (graph.go).
	graph *graphTenant
	// okta is the Okta stand-in's org (okta.go).
	okta *oktaOrg
	// seededSCIMToken, when set, is the API token of SeededSCIMConnection
	// instead of a random one.
	seededSCIMToken string
	// scale is how many connections and members WithScale adds to the seed.
	scale int
	// migrationMix adds the link report's cases to the seed.
	migrationMix bool
}

// Option changes how New builds a Server.
type Option func(*Server)

// WithClock makes the server read time from now; tests use it to expire JWTs
// and to move the rate-limit window.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.st.now = now }
}

// WithState keeps the sandbox's data in the JSON file at path: New loads it
// when it exists, and every successful change is written to it (to a
// temporary file first, then renamed over it). The file holds hashes of
// secrets only, so on every start from it the sandbox mints a fresh PAT, OAT
// and SCIM token for the seeded credentials.
func WithState(path string) Option {
	return func(s *Server) { s.statePath = path }
}

// WithSeededSCIMToken makes tok the API token of SeededSCIMConnection instead
// of a random one, for reproducible demos and tests (golden files).
func WithSeededSCIMToken(tok string) Option {
	return func(s *Server) { s.seededSCIMToken = tok }
}

// New returns a sandbox seeded with the organization "moby", its admin, five
// SSO connections (one with SCIM already set up), teams and members. Tokens
// are random for every Server. New panics when a WithState file exists but
// cannot be read; use Open to get that as an error.
func New(opts ...Option) *Server {
	s, err := Open(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Open is New that reports a state file it cannot read as an error.
func Open(opts ...Option) (*Server, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("sandbox: no randomness: %w", err)
	}
	s := &Server{
		st:        &store{now: time.Now, jwtKey: key},
		limiter:   rateLimiter{limit: defaultRateLimit},
		idpClient: &http.Client{Timeout: 30 * time.Second},
		graph:     newGraphTenant(),
		okta:      newOktaOrg(),
	}
	for _, o := range opts {
		o(s)
	}
	loaded, err := s.load()
	if err != nil {
		return nil, err
	}
	if !loaded {
		seed(s.st)
		if s.migrationMix {
			seedMigrationMix(s.st)
		}
		grow(s.st, s.scale)
	}
	s.st.index()
	s.mintCredentials()
	if s.statePath != "" {
		if err := s.save(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// router is the request router, built on first use.
func (s *Server) router() *http.ServeMux {
	s.routeOnce.Do(func() {
		s.mux = http.NewServeMux()
		s.routes()
	})
	return s.mux
}

// mintCredentials issues a fresh PAT, OAT and (when SCIM is on) SCIM token
// of the seeded connection. Only their hashes go into the store.
func (s *Server) mintCredentials() {
	st := s.st
	s.creds = Credentials{
		Org:  st.Org.Name,
		User: st.AdminName,
		PAT:  PATPrefix + randomString(27),
		OAT:  OATPrefix + randomString(27),
	}
	st.PATHash = hashSecret(s.creds.PAT)
	st.OATHash = hashSecret(s.creds.OAT)
	if c := st.connection(SeededSCIMConnection); c != nil && c.SCIMEnabled {
		s.creds.SCIMToken = st.newSCIMToken(c)
		if s.seededSCIMToken != "" {
			s.creds.SCIMToken = s.seededSCIMToken
			c.SCIMTokenHash = hashSecret(s.seededSCIMToken)
			c.scimToken = s.seededSCIMToken
		}
	}
}

// seedPassword is the seeded admin's password; the store keeps its hash.
const seedPassword = "sandbox-password"

// seed fills an empty store with the organization the sandbox starts with.
func seed(st *store) {
	// The seeded org and its members predate the sandbox's start, as a real
	// org's would: a read-back of users provisioned "since setup" must not
	// count them, even when setup happens in the sandbox's first second.
	now := st.now().UTC().Add(-30 * 24 * time.Hour)
	st.Org = orgInfo{ID: newUUID(), Name: "moby", FullName: "Moby Project", Plan: "business", Domains: []string{"moby.example"}, Joined: now}
	st.AdminName = "mobyadmin"
	st.PasswordHash = hashSecret(seedPassword)
	st.index()
	mk := func(id, name string, t ConnectionType, idp string) *connection {
		return &connection{Connection: Connection{
			ID: id, Name: name, Type: t, IdP: idp,
			Domains: []string{"moby.example"}, JIT: true, DefaultTeam: "company", Organizations: []string{"moby"},
		}}
	}
	st.Conns = []*connection{
		mk("conn-okta-saml", "Okta SAML", SAML, "okta"),
		mk("conn-entra-saml", "Entra ID SAML", SAML, "entra"),
		mk("conn-entra-oidc", "Entra ID OIDC", AzureOIDC, "entra"),
		mk("conn-onelogin-saml", "OneLogin SAML", SAML, "onelogin"),
		mk(SeededSCIMConnection, "Okta SAML (SCIM on)", SAML, "okta"),
	}
	st.connection(SeededSCIMConnection).SCIMEnabled = true
	// The Okta connections are the company's: they serve its second
	// organization too, so groups may be named whale:team and dockerOrg
	// may be whale. The sandbox keeps whale's teams but serves the Hub API
	// for moby only.
	for _, id := range []string{"conn-okta-saml", SeededSCIMConnection} {
		st.connection(id).Organizations = []string{"moby", CompanyOrg}
	}

	const system = "system"
	for _, name := range []string{"owners", "company", "developers", "designers"} {
		st.createTeam(system, name, "")
	}
	st.createTeam(system, "desktop", "").Org = CompanyOrg
	for _, m := range []struct {
		username, email, given, family, role, source, conn string
		teams                                              []string
	}{
		{"mobyadmin", "admin@moby.example", "Moby", "Admin", roleOwner, sourceOwner, "", []string{"owners"}},
		{"janedoe", "jane.doe@moby.example", "Jane", "Doe", roleMember, sourceJIT, "conn-okta-saml", []string{"company", "developers"}},
		{"robsmith", "rob.smith@moby.example", "Rob", "Smith", roleMember, sourceManual, "", []string{"developers"}},
		{"kimchen", "kim.chen@moby.example", "Kim", "Chen", roleEditor, sourceJIT, "conn-entra-saml", []string{"company", "designers"}},
		{"gracehopper", "grace.hopper@moby.example", "Grace", "Hopper", roleMember, sourceSCIM, SeededSCIMConnection, []string{"company"}},
		{"samlee", "sam.lee@moby.example", "Sam", "Lee", roleMember, sourceAccount, "", nil},
	} {
		u := &user{
			ID: newUUID(), Username: m.username, Email: m.email, GivenName: m.given, FamilyName: m.family,
			Active: m.source != sourceAccount, Role: m.role, Source: m.source, Connection: m.conn, Created: now, Modified: now,
		}
		st.addUser(u)
		if m.source == sourceAccount {
			continue
		}
		st.join(system, u, "")
		for _, t := range m.teams {
			st.join(system, u, t)
		}
	}
}

// Credentials returns the seeded sign-in values.
func (s *Server) Credentials() Credentials { return s.creds }

// RequestCount is the number of requests served so far, not counting the
// fault-injection admin endpoints.
func (s *Server) RequestCount() int { return int(s.requests.Load()) }

// ServeHTTP implements http.Handler: it counts the request, applies the rate
// limit and any injected fault, then routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, AdminPrefix+"/") {
		s.limiter.headers(w, s.st.now())
		s.router().ServeHTTP(w, r)
		return
	}
	s.requests.Add(1)
	if !s.limiter.take(w, r, s.st.now()) {
		return
	}
	if !s.faults.apply(w, r) {
		return
	}
	if s.statePath != "" && r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.serveAndSave(w, r)
		return
	}
	s.router().ServeHTTP(w, r)
}

// notFound answers a request no route took: 405 with Allow when the path
// exists for other methods, else 404, in Docker's error shape for the API.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.router().Handler(probe); pattern != "/" && pattern != SCIMPath+"/" {
			allow = append(allow, m)
		}
	}
	status, msg := http.StatusNotFound, "no endpoint "+r.Method+" "+r.URL.Path
	if len(allow) > 0 {
		status, msg = http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path+"; allowed: "+strings.Join(allow, ", ")
		w.Header().Set("Allow", strings.Join(allow, ", "))
	}
	if strings.HasPrefix(r.URL.Path, SCIMPath+"/") {
		writeSCIMError(w, status, "", msg)
		return
	}
	writeHubError(w, status, msg)
}

func (s *Server) routes() {
	m := s.mux
	// Docker Hub API.
	m.HandleFunc("POST /v2/auth/token", s.authToken)
	m.HandleFunc("POST /v2/users/login", s.usersLogin)
	m.HandleFunc("POST /v2/users/login/{$}", s.usersLogin)
	m.HandleFunc("GET /v2/user/orgs/{$}", s.hubAuth(s.userOrgs))
	m.HandleFunc("GET /v2/orgs/{org}/{$}", s.hubAuth(s.orgAuth(false, s.getOrg)))
	m.HandleFunc("GET /v2/orgs/{org}/members", s.hubAuth(s.orgAuth(true, s.listMembers)))
	m.HandleFunc("GET /v2/orgs/{org}/groups", s.hubAuth(s.orgAuth(true, s.listGroups)))
	m.HandleFunc("POST /v2/orgs/{org}/groups", s.hubAuth(s.orgAuth(true, s.createGroup)))
	m.HandleFunc("GET /v2/orgs/{org}/groups/{team}", s.hubAuth(s.orgAuth(true, s.getGroup)))
	m.HandleFunc("GET /v2/orgs/{org}/groups/{team}/members", s.hubAuth(s.orgAuth(true, s.listGroupMembers)))
	m.HandleFunc("GET /v2/auditlogs/{org}", s.hubAuth(s.orgAuth(true, s.auditLogs)))

	// Docker's SCIM 2.0 API.
	m.HandleFunc("GET "+SCIMPath+"/ServiceProviderConfig", s.scimAuth(s.serviceProviderConfig))
	m.HandleFunc("GET "+SCIMPath+"/ResourceTypes", s.scimAuth(s.resourceTypes))
	m.HandleFunc("GET "+SCIMPath+"/ResourceTypes/{name}", s.scimAuth(s.resourceType))
	m.HandleFunc("GET "+SCIMPath+"/Schemas", s.scimAuth(s.schemas))
	m.HandleFunc("GET "+SCIMPath+"/Schemas/{id}", s.scimAuth(s.schema))
	m.HandleFunc("GET "+SCIMPath+"/Users", s.scimAuth(s.listUsers))
	m.HandleFunc("POST "+SCIMPath+"/Users", s.scimAuth(s.createUser))
	m.HandleFunc("GET "+SCIMPath+"/Users/{id}", s.scimAuth(s.getUser))
	m.HandleFunc("PUT "+SCIMPath+"/Users/{id}", s.scimAuth(s.putUser))
	m.HandleFunc("PATCH "+SCIMPath+"/Users/{id}", s.scimAuth(s.patchUser))
	m.HandleFunc("DELETE "+SCIMPath+"/Users/{id}", s.scimAuth(s.deleteUser))
	m.HandleFunc("GET "+SCIMPath+"/Groups", s.scimAuth(s.listGroupsSCIM))
	m.HandleFunc("POST "+SCIMPath+"/Groups", s.scimAuth(s.createGroupSCIM))
	m.HandleFunc("GET "+SCIMPath+"/Groups/{id}", s.scimAuth(s.getGroupSCIM))
	m.HandleFunc("PUT "+SCIMPath+"/Groups/{id}", s.scimAuth(s.putGroupSCIM))
	m.HandleFunc("PATCH "+SCIMPath+"/Groups/{id}", s.scimAuth(s.patchGroupSCIM))
	m.HandleFunc("DELETE "+SCIMPath+"/Groups/{id}", s.scimAuth(s.deleteGroupSCIM))
	m.HandleFunc(SCIMPath+"/", s.notFound)

	// Sandbox-only: Docker publishes no API for these.
	m.HandleFunc("GET "+ConsolePrefix+"/orgs/{org}", s.hubAuth(s.orgAuth(false, s.consoleOrg)))
	m.HandleFunc("GET "+ConsolePrefix+"/orgs/{org}/connections", s.hubAuth(s.orgAuth(false, s.listConnections)))
	m.HandleFunc("POST "+ConsolePrefix+"/orgs/{org}/connections/{id}/scim", s.hubAuth(s.orgAuth(false, s.setupSCIM)))
	m.HandleFunc("GET "+ConsolePrefix+"/orgs/{org}/connections/{id}/scim", s.hubAuth(s.orgAuth(false, s.editSCIM)))
	m.HandleFunc("POST "+ConsolePrefix+"/orgs/{org}/connections/{id}/scim/token", s.hubAuth(s.orgAuth(false, s.refreshSCIMToken)))
	m.HandleFunc("POST "+ConsolePrefix+"/orgs/{org}/connections/{id}/scim/disable", s.hubAuth(s.orgAuth(false, s.disableSCIM)))
	m.HandleFunc("PUT "+ConsolePrefix+"/orgs/{org}/connections/{id}/jit", s.hubAuth(s.orgAuth(false, s.setJIT)))
	m.HandleFunc("POST "+IdPPushPath, s.idpPush)
	m.HandleFunc("POST "+AdminPrefix+"/faults", s.addFaultHTTP)
	m.HandleFunc("DELETE "+AdminPrefix+"/faults", s.clearFaultsHTTP)

	s.graphRoutes()
	s.oktaRoutes()
	m.HandleFunc("/", s.notFound)
}
