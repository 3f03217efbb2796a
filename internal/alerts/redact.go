package alerts

import (
	"github.com/arbsync/arbsync/internal/secret"

	"net/url"
	"slices"
	"strings"
)

// minTokenSegment is the length from which a URL path segment is taken for a
// token (Feishu's hook path carries a 36-character UUID).
const minTokenSegment = 16

// RedactURL returns raw fit for an error or a log line: the password of any
// userinfo (or the user name when it stands alone), every query value (key, access_token, timestamp, sign, …) and
// every path segment of 16 or more characters (such as Feishu's
// /hook/{token}) are replaced by REDACTED, and the fragment is dropped. What
// remains (scheme, host, short path segments, parameter names) is enough to
// tell channels apart. A URL that does not parse comes back as
// "[unparsable URL]".
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable URL]"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
		} else {
			u.User = url.User("REDACTED") // a lone user name is usually a token
		}
	}
	segs := strings.Split(u.EscapedPath(), "/")
	for i, s := range segs {
		if len(s) >= minTokenSegment {
			segs[i] = "REDACTED"
		}
	}
	escaped := strings.Join(segs, "/")
	if p, err := url.PathUnescape(escaped); err == nil {
		u.Path, u.RawPath = p, escaped
	}
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			u.RawQuery = "REDACTED"
		} else {
			for k := range q {
				q[k] = []string{"REDACTED"}
			}
			u.RawQuery = q.Encode()
		}
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

// scrubber removes known secret strings from text that came from elsewhere
// (a service's error message, a transport error).
type scrubber []string

// with returns a scrubber that also removes more.
func (s scrubber) with(more ...string) scrubber {
	out := append(scrubber(nil), s...)
	for _, m := range more {
		if len(m) >= 4 { // shorter strings would mangle ordinary text
			out = append(out, m, url.QueryEscape(m))
		}
	}
	return out
}

// clean replaces every secret in text, longest first, and bounds its length.
func (s scrubber) clean(text string) string {
	sorted := slices.SortedFunc(slices.Values(s), func(a, b string) int { return len(b) - len(a) })
	for _, v := range sorted {
		if v != "" {
			text = strings.ReplaceAll(text, v, secret.Redacted)
		}
	}
	return truncateUTF8(clean(text), 300)
}
