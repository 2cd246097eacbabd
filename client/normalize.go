package client

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// SCIMPath is the path of Docker's SCIM 2.0 API on its host.
const SCIMPath = "/v2/scim/2.0"

// scimResources are the endpoint names an admin may paste by mistake after
// the base URL.
var scimResources = []string{"/users", "/groups", "/serviceproviderconfig", "/schemas", "/resourcetypes", "/bulk", "/me"}

var multiSlash = regexp.MustCompile(`/{2,}`)

// NormalizeBaseURL cleans up a pasted SCIM Base URL. notes say what was
// fixed; err says why the value was refused. The result is an absolute
// https URL (http only on loopback: plain http elsewhere is refused, never
// rewritten, the same rule as every other address, see checkScheme) ending in /v2/scim/2.0 with no trailing
// slash.
func NormalizeBaseURL(raw string) (normalized string, notes []string, err error) {
	s := strings.TrimSpace(raw)
	if s != raw {
		notes = append(notes, "removed spaces around the URL")
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		s = strings.Join(strings.Fields(s), "")
		notes = append(notes, "removed spaces and line breaks inside the URL")
	}
	if t := strings.Trim(s, `"'<>`+"`"); t != s {
		s = t
		notes = append(notes, "removed the quotes around the URL")
	}
	if s == "" {
		return "", notes, errors.New("the SCIM Base URL is empty: copy it from " + SCIMValuesPath)
	}
	if strings.HasPrefix(s, "/") {
		return "", notes, errors.New("this is only a path: paste the whole SCIM Base URL, starting with https://")
	}
	if !strings.Contains(s, "://") {
		host, _, _ := strings.Cut(s, "/")
		if !strings.Contains(host, ".") && !strings.HasPrefix(strings.ToLower(host), "localhost") {
			return "", notes, errors.New("this is not a URL: paste the whole SCIM Base URL, starting with https://")
		}
		scheme := "https://"
		if isLoopback(hostOnly(host)) {
			scheme = "http://"
		}
		s = scheme + s
		notes = append(notes, "added "+scheme+" in front")
	}
	u, perr := url.Parse(s)
	if perr != nil || u.Host == "" {
		return "", notes, errors.New("this is not a valid URL: copy the SCIM Base URL again from " + SCIMValuesPath)
	}
	if u.User != nil {
		return "", notes, errors.New("the URL contains a user name or password: paste the SCIM Base URL alone, and the API Token in its own field")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch u.Scheme {
	case "https":
	case "http":
		if err := checkScheme(u); err != nil {
			return "", notes, err
		}
	default:
		return "", notes, errors.New("the URL must start with https://, not " + u.Scheme + "://")
	}
	if lower := strings.ToLower(u.Host); lower != u.Host {
		u.Host = lower
		notes = append(notes, "lower-cased the host name")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		u.RawQuery, u.Fragment, u.ForceQuery = "", "", false
		notes = append(notes, "removed the ?query or #fragment after the path")
	}
	path := u.EscapedPath()
	if p := strings.TrimRight(path, "/"); p != path {
		path = p
		if p != "" {
			notes = append(notes, "removed the trailing slash (Docker answers 404 to …/2.0//Users)")
		}
	}
	if p := multiSlash.ReplaceAllString(path, "/"); p != path {
		path = p
		notes = append(notes, "replaced a doubled slash in the path with one")
	}
	lower := strings.ToLower(path)
	switch i := strings.Index(lower, strings.ToLower(SCIMPath)); {
	case path == "":
		path = SCIMPath
		notes = append(notes, "added the SCIM path "+SCIMPath)
	case i >= 0 && i+len(SCIMPath) < len(path):
		rest := lower[i+len(SCIMPath):]
		if !hasResourcePrefix(rest) {
			return "", notes, errors.New("the path goes on past " + SCIMPath + ": copy the SCIM Base URL again; it ends in " + SCIMPath)
		}
		path = path[:i+len(SCIMPath)]
		notes = append(notes, "removed the endpoint after "+SCIMPath+" (the identity provider adds /Users itself)")
	case i < 0 && (lower == "/v2/scim" || lower == "/v2"):
		path = SCIMPath
		notes = append(notes, "completed the path to "+SCIMPath)
	case i < 0:
		return "", notes, errors.New("the path does not end in " + SCIMPath + ": this is not a SCIM Base URL; copy it from " + SCIMValuesPath)
	}
	if prefix := path[:len(path)-len(SCIMPath)]; path[len(prefix):] != SCIMPath {
		path = prefix + SCIMPath
		notes = append(notes, "corrected the letter case of "+SCIMPath)
	}
	u.Path, u.RawPath = "", ""
	out := u.Scheme + "://" + u.Host + path
	if _, err := url.Parse(out); err != nil {
		return "", notes, errors.New("this is not a valid URL: copy the SCIM Base URL again from " + SCIMValuesPath)
	}
	return out, notes, nil
}

func hasResourcePrefix(rest string) bool {
	for _, r := range scimResources {
		if rest == r || strings.HasPrefix(rest, r+"/") {
			return true
		}
	}
	return false
}

// hostOnly strips a port from host:port.
func hostOnly(hostport string) string {
	u, err := url.Parse("//" + hostport)
	if err != nil {
		return hostport
	}
	return u.Hostname()
}

// cleanToken is one pass of NormalizeToken's clean-up: spaces, quotes, an
// "Authorization:" and a "Bearer " prefix, then any whitespace left inside.
func cleanToken(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Trim(s, `"'`+"`")
	for {
		lower := strings.ToLower(s)
		switch {
		case strings.HasPrefix(lower, "authorization:"):
			s = strings.TrimSpace(s[len("authorization:"):])
			continue
		case lower == "bearer" || strings.HasPrefix(lower, "bearer "):
			s = strings.TrimSpace(s[len("bearer"):])
			continue
		}
		break
	}
	s = strings.Trim(s, `"'`+"`")
	return strings.Join(strings.Fields(s), "")
}

// NormalizeToken cleans up a pasted SCIM API Token: it strips whitespace,
// line breaks, quotes and a leading "Bearer ", and refuses an empty value or
// a Docker access token pasted in the wrong field. Errors never quote the
// token.
func NormalizeToken(raw string) (Secret, error) {
	// Each pass only removes characters; repeat until nothing changes, so
	// that normalising a normalised token changes nothing (`" "0` needs two).
	s := raw
	for next := cleanToken(s); next != s; next = cleanToken(s) {
		s = next
	}
	switch {
	case s == "":
		return Secret{}, errors.New("the API Token is empty: copy it from " + SCIMValuesPath)
	case strings.HasPrefix(strings.ToLower(s), "dckr_pat_"), strings.HasPrefix(strings.ToLower(s), "dckr_oat_"):
		return Secret{}, errors.New("this is a Docker access token, not the SCIM API Token: copy the API Token from " + SCIMValuesPath)
	case strings.HasPrefix(strings.ToLower(s), "http://"), strings.HasPrefix(strings.ToLower(s), "https://"):
		return Secret{}, errors.New("this is a URL, not the API Token: paste the SCIM Base URL in its own field")
	}
	for _, r := range s {
		if r < 0x21 || r > 0x7e {
			return Secret{}, errors.New("the API Token contains characters a token never has: copy it again from " + SCIMValuesPath)
		}
	}
	return NewSecret(s), nil
}

// TokenNotes says what NormalizeToken removed from raw to give tok, in
// words and without quoting the token: nil when nothing was removed.
func TokenNotes(raw string, tok Secret) []string {
	if tok.IsZero() || tok.Value() == raw {
		return nil
	}
	var notes []string
	if strings.Contains(strings.ToLower(raw), "bearer") && !strings.Contains(strings.ToLower(tok.Value()), "bearer") {
		notes = append(notes, "removed the “Bearer ” prefix (the identity provider adds it itself)")
	}
	if strings.ContainsAny(raw, `"'`+"`") && !strings.ContainsAny(tok.Value(), `"'`+"`") {
		notes = append(notes, "removed quotes")
	}
	if strings.TrimSpace(raw) != raw {
		notes = append(notes, "removed spaces or line breaks around it")
	}
	if strings.ContainsAny(strings.TrimSpace(raw), "\r\n") {
		notes = append(notes, "removed line breaks")
	}
	if len(notes) == 0 {
		notes = append(notes, "removed spaces inside it")
	}
	return notes
}
