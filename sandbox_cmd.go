package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/docker-scim/docker-scim/sandbox"
)

type sandboxOptions struct {
	addr string
	json bool
}

func newSandboxCmd() *cobra.Command {
	var opts sandboxOptions
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the built-in sandbox (a local stand-in for Docker) on its own",
		Long: `sandbox serves a local stand-in for Docker's API on a loopback address until
SIGINT or SIGTERM: the Hub sign-in (POST /v2/auth/token), the SCIM 2.0 API
(/v2/scim/2.0) and a sandbox-only console API (/sandbox/console) for the
steps Docker has no API for (SSO connections, Setup SCIM).

With --json it prints exactly one JSON line on stdout with url, org, user,
pat (a personal access token it accepts) and oat (an organization access
token it accepts).`,
		Example: "  docker-scim sandbox --addr 127.0.0.1:0 --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSandbox(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&opts.addr, "addr", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free one)")
	cmd.Flags().BoolVar(&opts.json, "json", false, "print one JSON line with the URL and credentials")
	return cmd
}

func runSandbox(ctx context.Context, opts sandboxOptions, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	sb, err := sandbox.Start(opts.addr)
	if err != nil {
		return err
	}
	creds := sb.Credentials()
	if opts.json {
		line := struct {
			URL string `json:"url"`
			sandbox.Credentials
		}{sb.URL, creds}
		if err := json.NewEncoder(stdout).Encode(line); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "Sandbox serving on %s\norg %s, user %s\npat %s\noat %s\n", sb.URL, creds.Org, creds.User, creds.PAT, creds.OAT)
	}
	fmt.Fprintln(stderr, "Press Ctrl+C to stop.")
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return sb.Shutdown(sctx)
}
