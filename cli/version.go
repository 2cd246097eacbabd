package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

// VersionOptions are what the version command runs with (it has no flags).
type VersionOptions struct {
	factory *Factory
}

// NewCmdVersion is the version command; runF, when not nil, runs instead
// of versionRun.
func NewCmdVersion(f *Factory, runF func(*VersionOptions) error) *cobra.Command {
	o := &VersionOptions{factory: f}
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version of docker-scim",
		Example: "  docker-scim version",
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return versionRun(o)
		},
	}
}

// versionRun prints the version with the Go version and platform.
func versionRun(o *VersionOptions) error {
	_, err := fmt.Fprintf(o.factory.IO.Out, "docker-scim %s (%s, %s/%s)\n", o.factory.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
