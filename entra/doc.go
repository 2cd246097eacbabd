// Package entra configures Microsoft Entra ID provisioning (SCIM) for Docker
// through Microsoft Graph: it finds or creates the enterprise app's service
// principal, creates the provisioning job from its template, saves and tests
// the Tenant URL and Secret Token, turns on the group mapping, assigns the
// org:team groups, starts the job, provisions a user on demand and reads the
// job status and provisioning logs.
//
// It speaks plain net/http and has no UI. Every failure is an *Error that
// names the cause (a missing Graph permission, a missing directory role,
// throttling) and the fix. Tokens are client.Secret values: they are never
// part of an error, a log line or a dry-run plan.
//
// The calls and their shapes follow Microsoft's Graph v1.0 reference pages
// listed in shared/reference/entra-graph/README.md; the contract test in
// this package holds each documented method, path and body with its page.
package entra
