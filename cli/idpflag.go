package cli

import (
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/docker-scim/docker-scim/steps"
)

// idpUsage is the --idp flag's help before the registry is read; the
// help shows the IdPs of the registry (see describeIdPs).
const idpUsage = "identity provider"

// addIdPFlag adds --idp (default $DOCKER_SCIM_IDP) to cmd, with shell
// completion from the IdP registry; note is added to its help.
func addIdPFlag(cmd *cobra.Command, target *string, note string) {
	cmd.Flags().StringVar(target, "idp", os.Getenv(envIdP), idpUsage+note+" [$"+envIdP+"]")
	_ = cmd.RegisterFlagCompletionFunc("idp", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return steps.IdPNames(), cobra.ShellCompDirectiveNoFileComp
	})
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
