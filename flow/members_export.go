package flow

import (
	"encoding/json"
	"fmt"
	"strings"
)

// JSON is the report as indented JSON (it holds no secret).
func (r LinkReport) JSON() ([]byte, error) {
	if r.Members == nil {
		r.Members = []MemberLink{}
	}
	if r.SCIMOnly == nil {
		r.SCIMOnly = []SCIMUserLink{}
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write the link report as JSON: %w", err)
	}
	return append(b, '\n'), nil
}

// Headline is the report in one line, e.g. "5 of 7 members not yet linked".
func (r LinkReport) Headline() string {
	switch n := r.Counts.Linked; {
	case r.AllLinked() && n == 0:
		return "No member is left to link: SCIM manages none yet"
	case r.AllLinked() && n == 1:
		return "The one member SCIM can manage is linked"
	case r.AllLinked():
		return fmt.Sprintf("All %d members that SCIM can manage are linked", n)
	}
	total := r.Counts.Linked + r.Unlinked()
	noun := "members"
	if total == 1 {
		noun = "member"
	}
	return fmt.Sprintf("%d of %d %s not yet linked", r.Unlinked(), total, noun)
}

// Markdown is the report as a Markdown document: counts first, then one
// table per state with what the state means and where Docker documents it.
func (r LinkReport) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# SCIM link report: %s\n\n", mdCell(r.Org))
	if !r.ReadAt.IsZero() {
		fmt.Fprintf(&b, "Read %s. ", r.ReadAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	fmt.Fprintf(&b, "%s.\n\n", r.Headline())
	b.WriteString("| State | Count |\n| --- | ---: |\n")
	for _, s := range LinkStates() {
		fmt.Fprintf(&b, "| %s | %d |\n", s.Label(), r.Counts.Of(s))
	}
	fmt.Fprintf(&b, "| Members | %d |\n| SCIM users | %d |\n", r.Counts.Members, r.Counts.SCIMUsers)
	for _, s := range LinkStates() {
		rows := r.rows(s)
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s (%d)\n\n%s See %s.\n", s.Label(), len(rows), s.Meaning(r.IdP), s.DocsURL())
		if s == MemberWillLink && r.Assign.Text != "" {
			fmt.Fprintf(&b, "\nIn %s: %s\n", r.IdP.Label(), r.Assign.Text)
		}
		head := linkHeader(s)
		sep := make([]string, len(head))
		for i := range sep {
			sep[i] = "---"
		}
		b.WriteString("\n" + mdRow(head) + mdRow(sep))
		for _, row := range rows {
			b.WriteString(mdRow(row))
		}
	}
	return b.String()
}

// linkHeader is the column titles of state s's table.
func linkHeader(s LinkState) []string {
	switch s {
	case MemberLinked:
		return []string{"Member", "Email", "Role", "Teams", "IdP name", "Active in SCIM"}
	case MemberEmailMismatch:
		return []string{"Member", "Email", "Role", "Looks like (SCIM)", "Why"}
	case SCIMUserDeactivated, SCIMUserPending:
		return []string{"SCIM userName", "IdP name", "Active"}
	}
	return []string{"Member", "Email", "Role", "Teams"}
}

// rows are the table cells of state s, in report order.
func (r LinkReport) rows(s LinkState) [][]string {
	var out [][]string
	for _, m := range r.Members {
		if m.State != s {
			continue
		}
		row := []string{m.Username, m.Email, m.Role}
		switch s {
		case MemberLinked:
			row = append(row, strings.Join(m.Teams, ", "), m.SCIMUser.Name, yesNo(m.SCIMUser.Active))
		case MemberEmailMismatch:
			var names, whys []string
			for _, l := range m.LookAlikes {
				names = append(names, l.UserName)
				whys = append(whys, l.Match)
			}
			row = append(row, strings.Join(names, ", "), strings.Join(whys, ", "))
		default:
			row = append(row, strings.Join(m.Teams, ", "))
		}
		out = append(out, row)
	}
	for _, u := range r.SCIMOnly {
		if u.State == s {
			out = append(out, []string{u.UserName, u.Name, yesNo(u.Active)})
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// mdRow writes cells as one Markdown table row.
func mdRow(cells []string) string {
	esc := make([]string, len(cells))
	for i, c := range cells {
		esc[i] = mdCell(c)
	}
	return "| " + strings.Join(esc, " | ") + " |\n"
}

// mdCell keeps a value inside its table cell: pipes and newlines escaped.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
}
