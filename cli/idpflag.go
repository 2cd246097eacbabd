package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/docker-scim/docker-scim/steps"
)

// idpUsage is the --idp flag's help before the registry is read; the
// help shows the IdPs of the registry (see describeIdPs).
const idpUsage = "identity provider"

// addIdPFlag adds --idp (default $DOCKER_SCIM_IDP) to cmd: one of the
// IdP registry's ids or aliases, offered by shell completion; note is
// added to its help.
func addIdPFlag(cmd *cobra.Command, target *string, note string) {
	v := &enumValue{value: target, options: steps.IdPNames, env: envIdP,
		accept: func(s string) bool { _, err := steps.ParseIdP(s); return err == nil }}
	enumFlag(cmd, v, "idp", "", idpUsage+note)
}

// describeIdPs completes the --idp help with the IdP ids from the
// registry. It runs only when help is shown: reading the registry decodes
// every data file, which the wizard's first frame should not wait for.
func describeIdPs(cmd *cobra.Command) {
	if f := cmd.Flags().Lookup("idp"); f != nil && strings.HasPrefix(f.Usage, idpUsage) && !strings.HasPrefix(f.Usage, idpUsage+":") {
		f.Usage = idpUsage + ": " + steps.IdPChoices() + f.Usage[len(idpUsage):]
	}
}

// withIdPHelp makes root's help (and every subcommand's) describe --idp
// from the registry.
func withIdPHelp(root *cobra.Command) {
	help := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		describeIdPs(c)
		help(c, args)
	})
}
