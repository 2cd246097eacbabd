// Command docker-scim is a terminal wizard that walks a Docker organization
// admin through SCIM provisioning. main holds flags and wiring only.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/atotto/clipboard"
	"github.com/spf13/cobra"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/tui"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	client.Version = version
	if err := newRootCmd().Execute(); err != nil {
		os.Exit(1)
	}
}

type wizardOptions struct {
	sandbox   bool
	clipboard string
}

func newRootCmd() *cobra.Command {
	var opts wizardOptions
	cmd := &cobra.Command{
		Use:   "docker-scim",
		Short: "Set up SCIM provisioning for a Docker organization, step by step",
		Long: `docker-scim walks a Docker organization admin through SCIM provisioning:
pick the SSO connection, Setup SCIM, copy the SCIM Base URL and API Token,
and follow the identity provider's checklist (Okta, Entra ID / Azure AD,
OneLogin), including group mapping.

With --sandbox (the default while no Docker credentials are given) it runs
against a built-in local stand-in for Docker, so nothing real is touched.`,
		Example:       "  docker-scim --sandbox",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: false,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWizard(cmd.Context(), opts, cmd.ErrOrStderr())
		},
	}
	cmd.Flags().BoolVar(&opts.sandbox, "sandbox", false, "run against the built-in sandbox (a local stand-in for Docker)")
	cmd.Flags().StringVar(&opts.clipboard, "clipboard", envOr("DOCKER_SCIM_CLIPBOARD", "auto"),
		"how c copies: auto (native clipboard, else OSC 52), native, or osc52 [$DOCKER_SCIM_CLIPBOARD]")
	cmd.AddCommand(newSandboxCmd())
	return cmd
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// runWizard starts an in-process sandbox, signs in to it and runs the TUI.
// Until the guided real-Docker path lands, the wizard always uses the sandbox.
func runWizard(ctx context.Context, opts wizardOptions, stderr io.Writer) error {
	mode := tui.ClipboardMode(opts.clipboard)
	switch mode {
	case tui.ClipboardAuto, tui.ClipboardNative, tui.ClipboardOSC52:
	default:
		return fmt.Errorf("--clipboard %q: use auto, native or osc52", opts.clipboard)
	}
	sb, err := sandbox.Start("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = sb.Shutdown(sctx)
	}()
	creds := sb.Credentials()
	hub, err := client.NewHub(sb.URL)
	if err != nil {
		return err
	}
	if err := hub.SignIn(ctx, creds.Org, client.NewSecret(creds.OAT)); err != nil {
		return err
	}
	var cb tui.Clipboard
	if !clipboard.Unsupported {
		cb = nativeClipboard{}
	}
	m := tui.New(tui.Config{
		Org:           creds.Org,
		Console:       client.SandboxConsole{Hub: hub},
		Clipboard:     cb,
		ClipboardMode: mode,
		Sandbox:       true,
		InTmux:        os.Getenv("TMUX") != "",
	})
	_, err = tea.NewProgram(m, tea.WithContext(ctx), tea.WithOutput(stderr)).Run()
	if errors.Is(err, tea.ErrInterrupted) {
		return nil
	}
	return err
}

// nativeClipboard is the operating system's clipboard.
type nativeClipboard struct{}

// WriteAll copies text with github.com/atotto/clipboard.
func (nativeClipboard) WriteAll(text string) error { return clipboard.WriteAll(text) }
