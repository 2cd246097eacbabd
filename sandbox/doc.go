// Package sandbox is a local stand-in for Docker: it serves, over real HTTP,
// the parts of the Docker Hub API and Docker's SCIM 2.0 API that docker-scim
// uses, with Docker's paths, JSON shapes, errors and rate-limit headers,
// plus sandbox-only endpoints Docker does not have.
//
// Docker's routes: POST /v2/auth/token, POST /v2/users/login, GET
// /v2/user/orgs/, GET /v2/orgs/{org}/, GET /v2/orgs/{org}/members, GET/POST
// /v2/orgs/{org}/groups, GET /v2/orgs/{org}/groups/{team}[/members], GET
// /v2/auditlogs/{org}, and SCIM 2.0 under SCIMPath (ServiceProviderConfig,
// ResourceTypes, Schemas, Users, Groups).
//
// Sandbox-only routes: the console API under ConsolePrefix (SSO
// connections, Enable SCIM, a sandbox-only token refresh, disable, JIT;
// Docker has no API for these, they are done by hand in Docker Home), the
// IdP simulator at
// IdPPushPath, and fault injection under AdminPrefix.
//
// Tests use New with httptest, or Start for a loopback listener; Fault,
// WithRateLimit and WithState shape its behaviour. docs/sandbox.md
// documents every endpoint.
package sandbox
