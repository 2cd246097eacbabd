package steps

import "fmt"

// MembersUnchecked is the finding when the org's members could not be
// listed: the check of which members SCIM will link did not run. reason
// is the error, already free of secrets.
func MembersUnchecked(org, reason string) Finding {
	return Finding{
		Severity: Warning,
		Title:    "Members not checked: the member list of " + org + " could not be read",
		Detail: fmt.Sprintf("Without the member list, the wizard cannot say which members SCIM will link and which "+
			"stay outside it (guests): %s.", reason),
		Fix: "Check that the Docker Hub token may read members (an organization access token with " +
			"scope-member-read), then check again.",
		DocsURL: MigrateSCIMDocs,
	}
}
