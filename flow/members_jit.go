package flow

import (
	"context"
	"errors"
	"strings"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// JITAdvice is the migration's last step as the report sees it: whether JIT
// provisioning can be turned off now, and why (not).
type JITAdvice struct {
	// Ready is true when every member that should link is linked, SCIM is
	// on and JIT is still on: the admin can disable JIT now.
	Ready bool `json:"ready"`
	// Done is true when JIT is already off.
	Done bool `json:"done"`
	// Text says what to do next, with Docker's UI path in **bold**.
	Text string `json:"text"`
	// DocsURL is Docker's page for this step.
	DocsURL string `json:"docs_url"`
}

// AdviseJIT tells the admin what the migration's last step needs, for the
// SSO connection conn. Docker allows Disable JIT provisioning only while
// SCIM is on (migrate-scim.md, "Disable JIT provisioning").
func AdviseJIT(r LinkReport, conn client.Connection) JITAdvice {
	docs := steps.DocsURL("security/provisioning/scim/migrate-scim.md#disable-jit-provisioning")
	switch {
	case !conn.JIT:
		return JITAdvice{Done: true, DocsURL: docs, Text: "JIT provisioning is off: sign-in no longer adds members, and the IdP alone provisions and deprovisions the linked ones."}
	case !conn.SCIMEnabled:
		return JITAdvice{DocsURL: docs, Text: "SCIM is off on this connection, and Docker lets you disable JIT only while SCIM is on: set up SCIM first."}
	case !r.AllLinked():
		return JITAdvice{DocsURL: docs, Text: "Keep JIT on until the members left to link are linked: " + r.Headline() + "."}
	}
	return JITAdvice{Ready: true, DocsURL: docs, Text: "Every member SCIM can manage is linked: you can turn JIT off now with " + steps.DisableJITPath() + "."}
}

// ErrJITNotReady is returned by DisableJIT when AdviseJIT does not say Ready.
var ErrJITNotReady = errors.New("JIT provisioning cannot be turned off yet")

// DisableJIT turns JIT provisioning off on conn through console (the
// sandbox's console API; against Docker the admin does it in Docker Home),
// but only when AdviseJIT says Ready. It returns the connection as the
// console reports it afterwards.
func DisableJIT(ctx context.Context, console client.Console, org string, r LinkReport, conn client.Connection) (client.Connection, error) {
	if a := AdviseJIT(r, conn); !a.Ready {
		return conn, errors.Join(ErrJITNotReady, errors.New(a.Text))
	}
	return console.SetJIT(ctx, org, conn.ID, false)
}

// RehearsalPush is what the sandbox's IdP simulator pushes when the admin
// fixes member m in the IdP: a member that will link is assigned with its
// Docker email; a suspected mismatch is assigned with the Docker email and
// the look-alikes pushed under the wrong email are deactivated. ok is false
// for members the IdP has nothing to do for (linked, guests).
func RehearsalPush(m MemberLink) (req client.PushRequest, ok bool) {
	if m.State != MemberWillLink && m.State != MemberEmailMismatch {
		return client.PushRequest{}, false
	}
	given, family, _ := strings.Cut(strings.TrimSpace(m.FullName), " ")
	req.Users = []client.PushUser{{UserName: m.Email, GivenName: given, FamilyName: strings.TrimSpace(family)}}
	for _, l := range m.LookAlikes {
		if l.Active {
			req.Deactivate = append(req.Deactivate, l.UserName)
		}
	}
	return req, true
}
