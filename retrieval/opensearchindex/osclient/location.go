package osclient

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// IsURL reports whether s names an OpenSearch location (http:// or
// https://) rather than a folder.
func IsURL(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// Location is where something of citebot's lives on a cluster:
// http[s]://[USER:PASS@]HOST:PORT/NAME, NAME being an index alias (the
// OpenSearch backend) or a prefix of index names (the shared state).
type Location struct {
	// Base is the node's URL without credentials or path.
	Base string
	// Name is the URL's path without its slashes.
	Name string
	// Username and Password are the credentials written into the URL, if
	// any.
	Username, Password string
}

// indexName are the names OpenSearch accepts for an index or alias that
// citebot makes up names from: lower case, not starting with - _ + or a
// dot, without the characters OpenSearch forbids.
var indexName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// MaxNameLength leaves room in OpenSearch's 255-byte index names for the
// suffixes citebot adds (a generation and a role).
const MaxNameLength = 200

// ParseLocation reads http[s]://HOST:PORT/NAME. what names the setting
// in messages ("--index").
func ParseLocation(s, what string) (Location, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Location{}, fmt.Errorf("%s %q: expected http[s]://HOST:PORT/NAME", what, Redact(s))
	}
	loc := Location{Name: strings.Trim(u.Path, "/")}
	if u.User != nil {
		loc.Username = u.User.Username()
		loc.Password, _ = u.User.Password()
	}
	switch {
	case loc.Name == "":
		return Location{}, fmt.Errorf("%s %q: no name after the host; expected http[s]://HOST:PORT/NAME (NAME: lower-case letters, digits, . _ -)", what, Redact(s))
	case !indexName.MatchString(loc.Name) || len(loc.Name) > MaxNameLength:
		return Location{}, fmt.Errorf("%s %q: %q is not a name OpenSearch accepts; use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most %d characters",
			what, Redact(s), loc.Name, MaxNameLength)
	case u.RawQuery != "" || u.Fragment != "":
		return Location{}, fmt.Errorf("%s %q: expected http[s]://HOST:PORT/NAME without ?query or #fragment", what, Redact(s))
	}
	u.User, u.Path, u.RawPath = nil, "", ""
	loc.Base = u.String()
	return loc, nil
}

// String is the location as a URL, credentials left out.
func (l Location) String() string { return l.Base + "/" + l.Name }

// userinfo matches the credentials of a URL written into text.
var userinfo = regexp.MustCompile(`(?i)(https?://)[^/@\s]+@`)

// Redact replaces the credentials of every URL in s (http://user:pass@host)
// with [redacted], so a location can be shown or logged.
func Redact(s string) string {
	return userinfo.ReplaceAllString(s, "${1}[redacted]@")
}
