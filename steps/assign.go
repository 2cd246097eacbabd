package steps

// Assignment is how an identity provider gives a user the Docker app, which
// is what makes SCIM push (and so link) that user.
type Assignment struct {
	// Term is the IdP's own word for it, e.g. "assign to the app".
	Term string `json:"term"`
	// Text is where it is done, with UI labels in **bold**.
	Text string `json:"text"`
	// DocsURL is the page the text follows.
	DocsURL string `json:"docs_url"`
	// Source says where the text comes from.
	Source Source `json:"source"`
}

// Assignment returns how p assigns a user to the Docker app, from p's data
// file; the zero Assignment for an unknown IdP.
func (p IdP) Assignment() Assignment {
	f, ok := loaded().idps[p]
	if !ok || f.AssignUsers == nil {
		return Assignment{}
	}
	a := f.AssignUsers
	return Assignment{Term: a.Term, Text: a.Text, DocsURL: a.Docs, Source: a.Source}
}
