package steps

import (
	"strings"
	"testing"
)

func TestEveryIdPSaysHowToAssign(t *testing.T) {
	for _, p := range IdPs() {
		a := p.Assignment()
		if a.Term == "" || !strings.Contains(a.Text, "**") || !strings.HasPrefix(a.DocsURL, "https://") || !a.Source.valid() {
			t.Errorf("%s: incomplete assignment %+v", p, a)
		}
	}
	if a := IdP("pingone").Assignment(); a != (Assignment{}) {
		t.Errorf("an unknown IdP has an assignment: %+v", a)
	}
}

func TestBrokenAssignmentFails(t *testing.T) {
	for _, tt := range []struct{ name, file, old, new, wantErr string }{
		{"missing", "entra.yaml", "assign_users:", "assign_userz:", "assign_userz"},
		{"no term", "okta.yaml", "term: assign the user to the app", "term: ''", "needs a term"},
		{"bad source", "onelogin.yaml", "give the user the app\n  text: Give the user the Docker app (**Users** → the user → **Applications**), then approve the assignment if it waits in **Pending**.\n  docs: https://boxyhq.com/docs/directory-sync/providers/onelogin\n  source: vendor",
			"give the user the app\n  text: Give the user the Docker app (**Users** → the user → **Applications**), then approve the assignment if it waits in **Pending**.\n  docs: https://boxyhq.com/docs/directory-sync/providers/onelogin\n  source: blog", `assign_users: source "blog"`},
		{"in common", "common.yaml", "sections:", "assign_users: {term: x, text: '**x**', docs: 'https://x.example', source: wizard}\nsections:", "only there"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files := realFiles(t)
			edited := strings.Replace(string(files[tt.file]), tt.old, tt.new, 1)
			if edited == string(files[tt.file]) {
				t.Fatalf("the edit changed nothing in %s: update the test", tt.file)
			}
			files[tt.file] = []byte(edited)
			_, err := parseCatalog(files)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v does not mention %q", err, tt.wantErr)
			}
		})
	}
}
