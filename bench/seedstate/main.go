// Command seedstate writes a sandbox state file of a large organization:
// the sandbox's seed plus n SSO connections and n members (SCIM users, all
// in the team "company"), to try the wizard at scale:
//
//	go run ./bench/seedstate -n 10000 /tmp/moby-10k.json
//	go run . --sandbox --sandbox-state /tmp/moby-10k.json
//
// The file must not exist yet: an existing state is never overwritten.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/docker-scim/docker-scim/sandbox"
)

func main() {
	n := flag.Int("n", 10_000, "how many connections and members to add to the seed")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: seedstate [-n 10000] FILE")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	path := flag.Arg(0)
	if _, err := os.Stat(path); err == nil {
		fmt.Fprintf(os.Stderr, "seedstate: %s exists; remove it first or pick another name\n", path)
		os.Exit(1)
	}
	if _, err := sandbox.Open(sandbox.WithState(path), sandbox.WithScale(*n)); err != nil {
		fmt.Fprintln(os.Stderr, "seedstate:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: the seed plus %d connections and %d members\n", path, *n, *n)
}
