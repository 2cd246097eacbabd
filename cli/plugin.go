package cli

import (
	"encoding/json"

	"github.com/docker/cli/cli-plugins/metadata"
	"github.com/spf13/cobra"
)

// pluginName is the docker subcommand this binary provides when installed as
// ~/.docker/cli-plugins/docker-scim: `docker scim …`.
const pluginName = "scim"

// projectURL is the plugin's homepage, shown by `docker info` and `docker help`.
const projectURL = "https://github.com/docker-scim/docker-scim"

// pluginArgs detects a docker CLI plugin invocation and returns the arguments
// for the root command. The docker CLI runs a plugin as
// `docker-scim scim <args>` (argv[1] is the plugin name); it asks for
// metadata with `docker-scim docker-cli-plugin-metadata`, which the root
// command handles as a hidden subcommand.
func pluginArgs(args []string) (rest []string, asPlugin bool) {
	if len(args) > 0 && args[0] == pluginName {
		return args[1:], true
	}
	return args, false
}

// pluginMetadata is what `docker-cli-plugin-metadata` prints, following the
// docker CLI plugin contract (schema version 0.1.0).
func pluginMetadata(version string) metadata.Metadata {
	return metadata.Metadata{
		SchemaVersion:    "0.1.0",
		Vendor:           "docker-scim",
		Version:          version,
		ShortDescription: "Set up SCIM provisioning for a Docker organization",
		URL:              projectURL,
	}
}

// PluginMetadataOptions are what the plugin metadata command runs with
// (it has no flags).
type PluginMetadataOptions struct {
	factory *Factory
}

// NewCmdPluginMetadata is the hidden subcommand the docker CLI calls to
// discover the plugin; runF, when not nil, runs instead of
// pluginMetadataRun.
func NewCmdPluginMetadata(f *Factory, runF func(*PluginMetadataOptions) error) *cobra.Command {
	o := &PluginMetadataOptions{factory: f}
	return &cobra.Command{
		Use:    metadata.MetadataSubcommandName,
		Short:  "Print the docker CLI plugin metadata (JSON)",
		Hidden: true,
		Args:   usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return pluginMetadataRun(o)
		},
	}
}

// pluginMetadataRun prints the plugin metadata as the docker CLI reads it.
func pluginMetadataRun(o *PluginMetadataOptions) error {
	enc := json.NewEncoder(o.factory.IO.Out)
	enc.SetIndent("", "     ")
	return enc.Encode(pluginMetadata(o.factory.Version))
}
