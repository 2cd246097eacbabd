package cli

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// enumValue is a string flag that takes one of a set of values (gh's
// cmdutil.StringEnumFlag): another value is a usage error that names the
// valid ones.
type enumValue struct {
	value *string
	// options are the values help and completion offer; a function so
	// that the IdP registry is read only when needed.
	options func() []string
	// accept also allows other spellings (aliases) when set.
	accept func(string) bool
	// env is the environment variable that gives the default, or "".
	env string
}

func (e *enumValue) valid(v string) bool {
	return slices.Contains(e.options(), v) || e.accept != nil && e.accept(v)
}

// Set implements pflag.Value.
func (e *enumValue) Set(v string) error {
	if !e.valid(v) {
		return fmt.Errorf("valid values are %s", strings.Join(e.options(), ", "))
	}
	*e.value = v
	return nil
}

// String implements pflag.Value.
func (e *enumValue) String() string { return *e.value }

// Type implements pflag.Value.
func (e *enumValue) Type() string { return "string" }

// stringEnumFlag adds --name, one of options, to cmd: its default is $env
// (when env is set and not empty) or def; its help lists the options and
// its shell completion offers them. aliases are accepted too, unlisted.
func stringEnumFlag(cmd *cobra.Command, p *string, name, env, def string, options []string, usage string, aliases ...string) *pflag.Flag {
	v := &enumValue{value: p, options: func() []string { return options }, env: env}
	if len(aliases) > 0 {
		v.accept = func(s string) bool { return slices.Contains(aliases, s) }
	}
	return enumFlag(cmd, v, name, def, usage+": "+strings.Join(options, ", "))
}

// addConnectionTypeFlag adds --connection-type, saml or oidc (Docker's
// azure_ad_oidc is accepted too), default $DOCKER_SCIM_CONNECTION_TYPE or
// def.
func addConnectionTypeFlag(cmd *cobra.Command, p *string, def string) {
	v := &enumValue{value: p, env: envConnectionType,
		options: func() []string { return []string{string(steps.SAML), string(steps.OIDC)} },
		accept:  func(s string) bool { _, err := flow.ParseConnectionType(s); return err == nil }}
	enumFlag(cmd, v, "connection-type", def, "SSO connection type: saml or oidc")
}

// enumFlag adds the enum flag v as --name with default $v.env or def.
func enumFlag(cmd *cobra.Command, v *enumValue, name, def, usage string) *pflag.Flag {
	*v.value = def
	if v.env != "" {
		*v.value = envOr(v.env, def)
		usage += " [$" + v.env + "]"
	}
	f := cmd.Flags().VarPF(v, name, "", usage)
	_ = cmd.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return v.options(), cobra.ShellCompDirectiveNoFileComp
	})
	return f
}

// checkEnumDefaults fails with a usage error when an enum flag's default,
// read from its environment variable, is not one of its values: a flag
// value is checked as it is parsed, a default is not.
func checkEnumDefaults(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		v, ok := f.Value.(*enumValue)
		if !ok || f.Changed || err != nil || *v.value == "" || v.valid(*v.value) {
			return
		}
		if v.env != "" && os.Getenv(v.env) == *v.value {
			err = usagef("$%s %q (the default of --%s): valid values are %s", v.env, *v.value, f.Name, strings.Join(v.options(), ", "))
		}
	})
	return err
}

// enumArrayValue is a repeatable flag whose every value is one of a set
// (gh's cmdutil.StringSliceEnumFlag).
type enumArrayValue struct {
	values  *[]string
	options []string
}

// Set implements pflag.Value: it adds v.
func (e *enumArrayValue) Set(v string) error {
	if !slices.Contains(e.options, v) {
		return fmt.Errorf("valid values are %s", strings.Join(e.options, ", "))
	}
	*e.values = append(*e.values, v)
	return nil
}

// String implements pflag.Value.
func (e *enumArrayValue) String() string { return "[" + strings.Join(*e.values, ",") + "]" }

// Type implements pflag.Value.
func (e *enumArrayValue) Type() string { return "stringArray" }

// stringArrayEnumFlag adds the repeatable --name, each value one of
// options, to cmd; its help lists them and completion offers them.
func stringArrayEnumFlag(cmd *cobra.Command, p *[]string, name string, options []string, usage string) *pflag.Flag {
	f := cmd.Flags().VarPF(&enumArrayValue{values: p, options: options}, name, "", usage+": "+strings.Join(options, ", "))
	_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(options, cobra.ShellCompDirectiveNoFileComp))
	return f
}

// addJSONFlag adds --json to cmd (gh's cmdutil.AddJSONFlags, for a command
// with one result): what is what it prints, as one JSON object on stdout.
// A run that fails before its result still prints one object (see Run).
func addJSONFlag(cmd *cobra.Command, p *bool, what string) {
	cmd.Flags().BoolVar(p, "json", false, "print "+what+" as one JSON object on stdout")
}
