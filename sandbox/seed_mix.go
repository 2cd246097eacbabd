package sandbox

import "time"

// WithMigrationMix adds to the seed the cases a JIT-to-SCIM migration meets,
// so that it can be rehearsed offline: a JIT member the IdP pushed under
// another email (SCIM made a second account for the same person), a guest
// on a domain that is not verified, and a SCIM user the IdP deactivated.
// With the seed's JIT and manual members and its owner, five members are
// left to link. It applies only when the sandbox starts from the seed, not
// from a state file.
func WithMigrationMix() Option {
	return func(s *Server) { s.migrationMix = true }
}

// MixedIdPUser is the IdP's record of the person behind the seeded email
// mismatch, with the email the IdP pushed: the Docker account is
// alex.kim@moby.example.
const MixedIdPUser = "akim@moby.example"

// seedMigrationMix adds the mix to a freshly seeded store.
func seedMigrationMix(st *store) {
	const system = "system"
	now := st.now().UTC().Add(-20 * 24 * time.Hour)
	for _, m := range []struct {
		username, email, given, family, source, conn string
		member, active                               bool
		teams                                        []string
	}{
		{"alexkim", "alex.kim@moby.example", "Alex", "Kim", sourceJIT, "conn-okta-saml", true, true, []string{"company"}},
		{"akim", MixedIdPUser, "Alex", "Kim", sourceSCIM, SeededSCIMConnection, true, true, []string{"company"}},
		{"patjones", "pat.jones@partner.example", "Pat", "Jones", sourceManual, "", true, true, []string{"designers"}},
		{"tomfrost", "tom.frost@moby.example", "Tom", "Frost", sourceSCIM, SeededSCIMConnection, false, false, nil},
	} {
		u := &user{
			ID: newUUID(), Username: m.username, Email: m.email, GivenName: m.given, FamilyName: m.family,
			Active: m.active, Role: roleMember, Source: m.source, Connection: m.conn, Created: now, Modified: now,
		}
		st.addUser(u)
		if !m.member {
			continue
		}
		st.join(system, u, "")
		for _, t := range m.teams {
			st.join(system, u, t)
		}
	}
}
