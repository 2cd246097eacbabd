// Package okta does the part of Docker's Okta group-mapping checklist that
// Okta's published Management API covers: it finds the Docker app, creates
// the missing org:team groups, assigns them to the app (which provisions
// their members) and pushes them (Group Push mappings). The app's SCIM
// connection itself (base URL, token, provisioning actions, Push Groups)
// has no API and stays manual.
//
// It speaks plain net/http with an Okta API token ("SSWS" authorization)
// and has no UI. Every failure is an *Error with Okta's errorCode, the
// cause and the fix; the token is never part of an error.
package okta
