package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// dockerLabels are words of Docker Home's UI that must come from
// steps/data/docker.yaml (or, in client, from client/dockerui.go, which a
// cli test keeps equal to it), never from a string literal elsewhere.
var dockerLabels = []string{
	"Admin Console →", "Admin Console >", "Identity & auth", "SSO and SCIM", "Setup SCIM", "Enable SCIM", "Edit SCIM",
	"Disable SCIM", "Enable JIT provisioning", "Disable JIT provisioning", "Enable enforcement", "Export members",
}

// TestDockerLabelsLiveInStepsData: every Docker UI path and label lives
// once, in steps' data with its source; Go code outside steps names them
// through steps (comments may mention them).
func TestDockerLabelsLiveInStepsData(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != "." && (path == "steps" || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata"):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || path == "client/dockerui.go":
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, l := range dockerLabels {
				if strings.Contains(s, l) {
					t.Errorf("%s: the string %q names Docker's %q: take it from steps (steps/data/docker.yaml)", fset.Position(lit.Pos()), s, l)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
