package sandbox

import (
	"crypto/rand"
	"net/http"
	"time"
)

// ConsolePrefix is where the sandbox-only console API lives. Docker has no
// such API: these routes stand in for the Admin Console's SSO and SCIM page.
const ConsolePrefix = "/sandbox/console"

// SCIMPath is the path of Docker's SCIM 2.0 API under the server's address.
const SCIMPath = "/v2/scim/2.0"

// Credentials are the seeded sign-in values the sandbox accepts.
type Credentials struct {
	Org  string `json:"org"`
	User string `json:"user"`
	PAT  string `json:"pat"`
	OAT  string `json:"oat"`
}

// Server is the sandbox: an http.Handler that behaves like Docker.
type Server struct {
	st    *store
	creds Credentials
	mux   *http.ServeMux
}

// Option changes how New builds a Server.
type Option func(*Server)

// WithClock makes the server read time from now; tests use it to expire JWTs.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.st.now = now }
}

// New returns a sandbox seeded with one organization, its admin and one SSO
// connection of each kind. Tokens are random for every Server.
func New(opts ...Option) *Server {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic("sandbox: no randomness: " + err.Error())
	}
	creds := Credentials{
		Org:  "moby",
		User: "mobyadmin",
		PAT:  PATPrefix + randomString(27),
		OAT:  OATPrefix + randomString(27),
	}
	st := &store{
		now:     time.Now,
		org:     creds.Org,
		admin:   account{username: creds.User, email: "admin@moby.example", password: "sandbox-password"},
		patHash: hashSecret(creds.PAT),
		oatHash: hashSecret(creds.OAT),
		jwtKey:  key,
		conns:   seedConnections(),
	}
	s := &Server{st: st, creds: creds, mux: http.NewServeMux()}
	for _, o := range opts {
		o(s)
	}
	s.routes()
	return s
}

func seedConnections() []*connection {
	mk := func(id, name string, t ConnectionType, idp string) *connection {
		return &connection{Connection: Connection{
			ID: id, Name: name, Type: t, IdP: idp,
			Domains: []string{"moby.example"}, JIT: true, DefaultTeam: "company",
		}}
	}
	return []*connection{
		mk("conn-okta-saml", "Okta SAML", SAML, "okta"),
		mk("conn-entra-saml", "Entra ID SAML", SAML, "entra"),
		mk("conn-entra-oidc", "Entra ID OIDC", AzureOIDC, "entra"),
		mk("conn-onelogin-saml", "OneLogin SAML", SAML, "onelogin"),
	}
}

// Credentials returns the seeded sign-in values.
func (s *Server) Credentials() Credentials { return s.creds }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) routes() {
	s.mux.HandleFunc("POST /v2/auth/token", s.authToken)

	// Sandbox-only: Docker publishes no API for these.
	s.mux.HandleFunc("GET "+ConsolePrefix+"/orgs/{org}/connections", s.hubAuth(s.listConnections))
	s.mux.HandleFunc("POST "+ConsolePrefix+"/orgs/{org}/connections/{id}/scim", s.hubAuth(s.setupSCIM))
	s.mux.HandleFunc("POST "+ConsolePrefix+"/orgs/{org}/connections/{id}/scim/token", s.hubAuth(s.refreshSCIMToken))

	s.mux.HandleFunc("GET "+SCIMPath+"/ServiceProviderConfig", s.scimAuth(s.serviceProviderConfig))

	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeHubError(w, http.StatusNotFound, "page not found")
	})
}
