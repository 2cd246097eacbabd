// Command docker-scim is a terminal wizard that walks a Docker organization
// admin through SCIM provisioning. main only wires: the commands live in
// package cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/docker-scim/docker-scim/cli"
	"github.com/docker-scim/docker-scim/client"
)

// version is set at build time with -ldflags "-X main.version=…"; `go
// install …@vX` builds report the module version instead of "dev".
var version = "dev"

func main() {
	if info, ok := debug.ReadBuildInfo(); ok && version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	client.Version = version
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.System(), version)
	stop()
	os.Exit(code)
}
