// Package sandbox is a local stand-in for Docker: it serves, over real HTTP,
// the parts of the Docker Hub API and Docker's SCIM 2.0 API that docker-scim
// uses, plus a small console API that only the sandbox has.
//
// Docker publishes no API for SSO connections or for Setup SCIM; against
// hub.docker.com those steps are done by hand in the Admin Console. The
// sandbox serves them under ConsolePrefix so the whole wizard can run offline,
// in demos and in tests. Everything under ConsolePrefix is sandbox-only.
package sandbox
