package main

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// module is this module's path; the rules below name packages relative to it.
const module = "github.com/docker-scim/docker-scim"

// ui is every package that draws a terminal UI: none of them may reach the
// packages without UI.
var ui = []string{"charm.land/bubbletea/v2", "charm.land/bubbles/v2", "charm.land/lipgloss/v2"}

// forbidden lists, for each package, what it must not import, directly or
// through another package: dependencies point one way, front-ends (cli,
// tui) → engine (flow) → client and steps, which know nothing of each
// other; the sandbox is only wired in by cli.
var forbidden = map[string][]string{
	"client":   append([]string{"steps", "flow", "tui", "cli", "sandbox"}, ui...),
	"steps":    append([]string{"client", "flow", "tui", "cli", "sandbox"}, ui...),
	"textsafe": append([]string{"client", "steps", "flow", "tui", "cli", "sandbox"}, ui...),
	"entra":    append([]string{"flow", "tui", "cli", "sandbox"}, ui...),
	"okta":     append([]string{"flow", "tui", "cli", "sandbox"}, ui...),
	"flow":     append([]string{"tui", "cli", "sandbox"}, ui...),
	"sandbox":  {"client", "steps", "flow", "tui", "cli"},
	"tui":      {"cli", "sandbox"},
}

// goPackage is the part of `go list -json` the layout test reads.
type goPackage struct {
	ImportPath string
	Name       string
	GoFiles    []string
	Deps       []string
}

// listPackages lists every package of the module with `go list -json`:
// its non-test Go files and its transitive dependencies (Deps).
func listPackages(t *testing.T) map[string]goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]goPackage{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs[strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")] = p
	}
	return pkgs
}

// TestRootHoldsMainOnly: the root package is main.go alone; the commands
// live in package cli.
func TestRootHoldsMainOnly(t *testing.T) {
	root, ok := listPackages(t)[""]
	if !ok {
		t.Fatal("go list did not report the root package")
	}
	if root.Name != "main" || !slices.Equal(root.GoFiles, []string{"main.go"}) {
		t.Fatalf("root package %s has %v, want main.go alone (commands go to cli/)", root.Name, root.GoFiles)
	}
}

// TestNoUpwardImports: no package imports, even indirectly, one above it
// (see forbidden).
func TestNoUpwardImports(t *testing.T) {
	pkgs := listPackages(t)
	for pkg, banned := range forbidden {
		p, ok := pkgs[pkg]
		if !ok {
			t.Errorf("go list did not report %s: update the layout rules", pkg)
			continue
		}
		for _, b := range banned {
			full := b
			if !strings.Contains(b, ".") {
				full = module + "/" + b
			}
			for _, d := range p.Deps {
				if d == full || strings.HasPrefix(d, full+"/") {
					t.Errorf("%s imports %s (directly or through another package): dependencies must point the other way", pkg, d)
				}
			}
		}
	}
}

// TestScreensFollowCapabilities: the wizard's screens decide what to offer
// from the environment's capabilities (flow.Env.ListsConnections,
// SimulatesPush, …), never from where it runs: no screen reads
// Env.Sandbox, Env.Console or Env.Simulator. Only the root names the
// sandbox, in its header and in the saved progress's identity.
func TestScreensFollowCapabilities(t *testing.T) {
	allowed := map[string][]string{"root.go": {"Sandbox"}, "state.go": {"Sandbox"}}
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join("tui", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no wizard sources: %v", err)
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			switch name := sel.Sel.Name; name {
			case "Sandbox", "Console", "Simulator":
				if !slices.Contains(allowed[filepath.Base(path)], name) && isEnvField(sel.X) {
					t.Errorf("%s: a screen reads Env.%s: use a capability of flow.Env instead", fset.Position(sel.Pos()), name)
				}
			}
			return true
		})
	}
}

// isEnvField reports whether x looks like the flow environment: an
// expression ending in .Env or env (s.c.cfg.Env, s.env, env).
func isEnvField(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.SelectorExpr:
		return x.Sel.Name == "Env" || x.Sel.Name == "env"
	case *ast.Ident:
		return x.Name == "env"
	}
	return false
}
