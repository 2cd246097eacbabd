package sandbox

import (
	"fmt"
	"time"
)

// WithScale adds n SSO connections and n organization members to the seed:
// SCIM users of SeededSCIMConnection, all in the team "company" (so that
// team has n+ members), created and last modified before the sandbox
// started, so none of them counts as provisioned "since setup". It only
// applies when the sandbox starts from the seed, not from a WithState file
// that exists; with WithState the scaled org is written to that file, and
// `docker-scim --sandbox --sandbox-state FILE` can start from it.
func WithScale(n int) Option {
	return func(s *Server) { s.scale = max(n, 0) }
}

// scaledConnections cycles the scaled connections through the IdPs and types the
// Admin Console offers.
var scaledConnections = []struct {
	idp string
	typ ConnectionType
}{{"okta", SAML}, {"entra", SAML}, {"entra", AzureOIDC}, {"onelogin", SAML}}

// grow adds n connections and n SCIM members to a freshly seeded store.
func grow(st *store, n int) {
	if n == 0 {
		return
	}
	// Older than the seed's members, newest last, one second apart at most.
	start := st.now().UTC().Add(-60 * 24 * time.Hour)
	step := min(time.Second, 30*24*time.Hour/time.Duration(n))
	for i := range n {
		c := scaledConnections[i%len(scaledConnections)]
		st.Conns = append(st.Conns, &connection{Connection: Connection{
			ID: fmt.Sprintf("conn-%s-%05d", c.idp, i), Name: fmt.Sprintf("%s %s %05d", c.idp, c.typ, i), Type: c.typ, IdP: c.idp,
			Domains: []string{st.Org.Domains[0]}, JIT: true, DefaultTeam: "company",
		}})
	}
	for i := range n {
		at := start.Add(time.Duration(i) * step)
		u := &user{
			ID: newUUID(), Username: fmt.Sprintf("scaled%05d", i), Email: fmt.Sprintf("scaled.user%05d@%s", i, st.Org.Domains[0]),
			GivenName: "Scaled", FamilyName: fmt.Sprintf("User %05d", i), Active: true, Role: roleMember,
			Source: sourceSCIM, Connection: SeededSCIMConnection, Created: at, Modified: at,
		}
		st.addUser(u)
		events := len(st.Audit)
		st.join("system", u, "company")
		for j := events; j < len(st.Audit); j++ {
			st.Audit[j].Timestamp = at // the events are as old as the member
		}
	}
}
