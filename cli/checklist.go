package cli

import (
	"context"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/docker-scim/docker-scim/steps"
)

// ChecklistOptions are the checklist command's flags and what it runs
// with.
type ChecklistOptions struct {
	factory *Factory

	idp            string
	connectionType string
	format         string
	org            string
	connection     string
	baseURL        string
	groups         []string
}

// NewCmdChecklist is the checklist command; runF, when not nil, runs
// instead of checklistRun (tests check the parsed options with it).
func NewCmdChecklist(f *Factory, runF func(*ChecklistOptions) error) *cobra.Command {
	o := &ChecklistOptions{factory: f}
	cmd := &cobra.Command{
		Use:   "checklist",
		Short: "Print an identity provider's SCIM checklist as Markdown or JSON",
		Long: `checklist prints what to do in the identity provider for one connection
type: each step with the exact UI labels, where the SCIM Base URL and API
Token go (the IdP's own field names), notes and links. Markdown suits a
change ticket; JSON suits a script. The API Token is never part of it.

Okta and OneLogin have checklists for SAML connections; Entra ID has both
SAML and OIDC (OIDC needs a second enterprise app for SCIM).

Set SOURCE_DATE_EPOCH (seconds since 1970) to fix the "generated" time, for
reproducible output.

` + exitCodesHelp,
		Example: `  docker-scim checklist --idp okta
  docker-scim checklist --idp entra --connection-type oidc --org moby --format json > runbook.json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(o.groups) > 0 && o.org == "" {
				return usagef("--group needs --org: the group names are checked against the organization's name")
			}
			if runF != nil {
				return runF(o)
			}
			return checklistRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	addIdPFlag(cmd, &o.idp, " (required)")
	addConnectionTypeFlag(cmd, &o.connectionType, "saml")
	stringEnumFlag(cmd, &o.format, "format", "", "markdown", []string{"markdown", "json"}, "output format", "md")
	fl.StringVar(&o.org, "org", os.Getenv(envOrg), "Docker organization, for the title [$"+envOrg+"]")
	fl.StringVar(&o.connection, "connection", os.Getenv(envConnection), "SSO connection name, for the record [$"+envConnection+"]")
	fl.StringArrayVar(&o.groups, "group", nil, "an IdP group name to check against Docker's group mapping (org:team, needs --org); listed in the output (repeatable)")
	fl.StringVar(&o.baseURL, "base-url", os.Getenv(envBaseURL), "SCIM Base URL to write next to its field label [$"+envBaseURL+"]")
	return cmd
}

// checklistRun prints the checklist as a runbook.
func checklistRun(ctx context.Context, o *ChecklistOptions) error {
	stdout := o.factory.IO.Out
	var idp steps.IdP
	if o.idp == "" {
		// Asked in a terminal (on stderr: stdout is the checklist);
		// without one, the error names the flag.
		p := &plainMode{ask: newPrompter(o.factory.IO, o.factory.IO.ErrOut)}
		var err error
		if idp, err = p.chooseIdP(ctx, ""); err != nil {
			return err
		}
	} else {
		var err error
		if idp, err = steps.ParseIdP(o.idp); err != nil {
			return usagef("--idp: %v", err)
		}
	}
	ct, err := parseConnectionType(o.connectionType)
	if err != nil {
		return err
	}
	if _, err := steps.ChecklistFor(idp, ct); err != nil {
		return usagef("--idp %s with --connection-type %s: %v", idp, ct, err)
	}
	generated, err := generatedAt()
	if err != nil {
		return err
	}
	org := o.org
	if org == "" {
		org = "your organization"
	}
	rb := steps.Runbook{Org: org, Connection: o.connection, IdP: idp, ConnectionType: ct, BaseURL: o.baseURL, GeneratedAt: generated}
	for _, g := range o.groups {
		rb.Groups = append(rb.Groups, steps.ValidateGroupName(o.org, g, nil))
	}
	if o.format == "json" {
		b, err := rb.JSON()
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	_, err = io.WriteString(stdout, rb.Markdown())
	return err
}

// generatedAt is now, or SOURCE_DATE_EPOCH when set (reproducible output).
func generatedAt() (time.Time, error) {
	v := os.Getenv("SOURCE_DATE_EPOCH")
	if v == "" {
		return time.Now(), nil
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, usagef("SOURCE_DATE_EPOCH %q: want whole seconds since 1970: %v", v, err)
	}
	return time.Unix(secs, 0).UTC(), nil
}
