// Package cli holds docker-scim's commands, one file per command, in the
// manner of gh: an IO struct for the streams and terminal facts, a Factory
// that reads secrets, starts the sandbox and signs in to Docker Hub, and a
// Prompter for the plain mode's questions.
package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Run executes the command line args and returns the exit code. As a
// docker CLI plugin (args[0] is "scim") the commands show as
// `docker scim …`.
func Run(ctx context.Context, args []string, s *IO, version string) int {
	stdout := &writtenWriter{w: s.Out}
	s.Out = stdout
	f := &Factory{IO: s, Version: version}
	root := NewCmdRoot(f, nil)
	exec := root
	if rest, asPlugin := pluginArgs(args); asPlugin {
		root.Use = pluginName
		exec = &cobra.Command{Use: "docker", SilenceErrors: true, SilenceUsage: true}
		exec.AddCommand(root)
		args = append([]string{pluginName}, rest...)
	}
	exec.SetArgs(args)
	exec.SetIn(s.In)
	exec.SetOut(s.Out)
	exec.SetErr(s.ErrOut)
	failed, err := exec.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil && !errors.Is(err, errInterrupted) {
		err = fmt.Errorf("%w: %w", errInterrupted, err)
	}
	code := exitCode(err)
	if wantsJSON(failed) && stdout.empty() {
		// Every --json run prints one object, even when it failed
		// before its result (a usage error, a failed sign-in).
		_ = writeJSONResult(stdout, struct{}{}, err)
	}
	if errors.Is(err, errInterrupted) {
		// ctrl+c: the admin knows; exit code 130 says it to scripts.
		return code
	}
	if code == exitUnlinked {
		fmt.Fprintf(s.ErrOut, "%v (exit code 3).\n", err)
		return code
	}
	fmt.Fprintf(s.ErrOut, "Error: %v\n", err)
	if code == exitUsage {
		fmt.Fprintf(s.ErrOut, "Run '%s --help' for usage.\n", failed.CommandPath())
	}
	return code
}

// wantsJSON reports whether cmd was given --json.
func wantsJSON(cmd *cobra.Command) bool {
	if cmd == nil {
		return false
	}
	fl := cmd.Flags().Lookup("json")
	return fl != nil && fl.Value.String() == "true"
}

// globalOptions apply to every command.
type globalOptions struct {
	noInput    bool
	accessible bool
	noColor    bool
}

// NewCmdRoot is the docker-scim command: the wizard, with the other
// commands below it. runF, when not nil, runs instead of the wizard
// (wizardRun), with the flags checked (tests check the options with it).
func NewCmdRoot(f *Factory, runF func(*WizardOptions) error) *cobra.Command {
	g := &f.global
	opts := &WizardOptions{factory: f, global: g}
	cmd := &cobra.Command{
		Use:   "docker-scim",
		Short: "Set up SCIM provisioning for a Docker organization, step by step",
		Long: `docker-scim walks a Docker organization admin through SCIM provisioning:
pick the SSO connection, turn SCIM on for it, copy the SCIM Base URL and API Token,
verify them, and follow the identity provider's checklist (Okta, Entra ID /
Azure AD, OneLogin), including group mapping.

With --sandbox it runs against a built-in local stand-in for Docker, so
nothing real is touched. Without it, the steps in Docker Home are guided
(Docker publishes no API for them) and you paste the SCIM Base URL and API
Token that Docker shows once SCIM is on.

The full-screen wizard runs only when stdin and stdout are terminals, TERM is
not "dumb", and neither --no-input nor --accessible is given. Otherwise the
same steps run as plain lines: questions on stderr, answers read one per line
from stdin, results on stdout. With --no-input nothing is asked, and missing
values fail at once with exit code 2, naming the flag.

Secrets are never flag values: pipe them with --token-stdin or
--hub-token-stdin, or set DOCKER_SCIM_TOKEN / DOCKER_SCIM_HUB_TOKEN. With no
Docker Hub token given, the credentials of ` + "`docker login`" + ` are used.

` + exitCodesHelp,
		Example: `  # Try the whole flow on the built-in sandbox
  docker-scim --sandbox

  # Plain mode for scripts: every answer from flags, JSON result on stdout
  printf '%s\n' "$SCIM_TOKEN" | docker-scim --no-input --org moby \
      --connection-type saml --idp okta \
      --base-url https://hub.docker.com/v2/scim/2.0 --token-stdin --json`,
		Version:       f.Version,
		Args:          usageArgs(cobra.NoArgs),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			f.IO.NeverPrompt = g.noInput
			return checkEnumDefaults(cmd)
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := opts.validate()
			if err != nil {
				return err
			}
			opts.plan = p
			if runF != nil {
				return runF(opts)
			}
			return wizardRun(cmd.Context(), opts)
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{msg: err.Error()} })
	cmd.SetVersionTemplate("docker-scim {{.Version}}\n")

	pf := cmd.PersistentFlags()
	pf.BoolVar(&g.noInput, "no-input", envBool("DOCKER_SCIM_NO_INPUT"),
		"never prompt: take every answer from flags and environment variables [$DOCKER_SCIM_NO_INPUT]")
	pf.BoolVar(&g.accessible, "accessible", envBool("DOCKER_SCIM_ACCESSIBLE"),
		"plain prompts a screen reader can follow: no full-screen UI, animation or styling [$DOCKER_SCIM_ACCESSIBLE]")
	pf.BoolVar(&g.noColor, "no-color", false, "no colour in the output (NO_COLOR and CLICOLOR_FORCE are honoured too)")

	addWizardFlags(cmd, opts)
	withIdPHelp(cmd)
	// Command names are padded to the longest visible one, not to a hidden
	// command's.
	cobra.AddTemplateFunc("visiblePadding", visiblePadding)
	cmd.SetUsageTemplate(strings.Replace(cmd.UsageTemplate(), "{{rpad .Name .NamePadding }}", "{{rpad .Name (visiblePadding .Parent)}}", 1))
	cmd.AddCommand(NewCmdVerify(f, nil), NewCmdMembers(f, nil), NewCmdChecklist(f, nil), NewCmdSandbox(f, nil), NewCmdVersion(f, nil), NewCmdPluginMetadata(f, nil), NewCmdEntra(f), NewCmdOkta(f))
	// `completion <unknown shell>` is a usage error (exit 2), not help.
	cmd.InitDefaultCompletionCmd()
	for _, c := range cmd.Commands() {
		if c.Name() == "completion" {
			c.Args = usageArgs(cobra.NoArgs)
			c.RunE = func(c *cobra.Command, args []string) error {
				return usagef("completion needs a shell: bash, zsh, fish or powershell")
			}
		}
	}
	return cmd
}

// usageArgs makes an argument validator's errors usage errors (exit code 2).
func usageArgs(validate cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := validate(cmd, args); err != nil {
			return &usageError{msg: err.Error()}
		}
		return nil
	}
}

// visiblePadding is the width of the longest name among parent's visible
// subcommands, for the help's command list.
func visiblePadding(parent *cobra.Command) int {
	w := 0
	for _, c := range parent.Commands() {
		if c.IsAvailableCommand() || c.Name() == "help" {
			w = max(w, len(c.Name()))
		}
	}
	return w
}

// newCmdGroup is a command that only groups its subcommands (entra, okta):
// it takes no arguments of its own.
func newCmdGroup(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: usageArgs(cobra.NoArgs)}
	cmd.AddCommand(subs...)
	return cmd
}
