package bundle

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"vote.example.org/booth/models/i18n"
)

// Trust is a reader's trust anchor: the keys they already trust to speak
// for the election's server. Anyone can sign a bundle with a key of their
// own, so a valid signature proves something only when its key is one of
// these; without a Trust, Verify reports the signature as unverified.
type Trust struct {
	// Source says where the trust comes from, for the report: the
	// fingerprint given, or the file and its line or host; a Text, as
	// the offline review says it in the reader's language.
	Source i18n.Text
	// check says why key may not sign bundles in namespace at time now,
	// or nil.
	check func(key ssh.PublicKey, now time.Time, namespace string) error
}

// TrustSigner trusts the one key with this SHA256 fingerprint (with or
// without its "SHA256:" prefix), e.g. the one the officers published.
func TrustSigner(fingerprint string) (*Trust, error) {
	fp := NormalizeFingerprint(fingerprint)
	if raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(fp, "SHA256:")); err != nil || len(raw) != 32 {
		return nil, fmt.Errorf("%q is not a key fingerprint: want SHA256: and 43 characters, as ssh-keygen -l prints", fingerprint)
	}
	return &Trust{Source: i18n.Textf("the fingerprint you gave"), check: func(key ssh.PublicKey, _ time.Time, _ string) error {
		if got := ssh.FingerprintSHA256(key); got != fp {
			return fmt.Errorf("%w: it is signed by %s, not by %s", ErrSigner, got, fp)
		}
		return nil
	}}, nil
}

// allowedSigner is one line of an allowed_signers file that applies to
// bundles: its principals match Principal.
type allowedSigner struct {
	line          int
	key           ssh.PublicKey
	namespaces    []string // patterns; empty allows every namespace
	after, before time.Time
}

// TrustAllowedSigners trusts the keys an allowed_signers file (the format
// of ssh-keygen -Y verify -f; see ssh-keygen(1), "ALLOWED SIGNERS") lists
// for principal booth: each line is principals (comma-separated patterns),
// optional options (namespaces="…", valid-after="…", valid-before="…") and
// a public key; # starts a comment. As with ssh-keygen -Y verify, a key
// limited to namespaces must name the bundle's and its validity is checked at
// the time of verifying. Certificate authorities (cert-authority) are
// refused: bundles are signed by the host key itself. name is the file's
// name, for errors.
func TrustAllowedSigners(data []byte, name string) (*Trust, error) {
	var signers []allowedSigner
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		s, ok, err := parseAllowedSigner(line)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, i+1, err)
		}
		if ok {
			s.line = i + 1
			signers = append(signers, s)
		}
	}
	if len(signers) == 0 {
		return nil, fmt.Errorf("%s has no line for principal %q: the allowed_signers line that booth election publish prints begins with it", name, Principal)
	}
	src := i18n.Textf("a key %s allows for principal %s", name, Principal)
	return &Trust{Source: src, check: func(key ssh.PublicKey, now time.Time, namespace string) error {
		var why []string
		for _, s := range signers {
			if !keyEqual(s.key, key) {
				continue
			}
			switch {
			case len(s.namespaces) > 0 && !matchList(s.namespaces, namespace):
				why = append(why, fmt.Sprintf("line %d allows it only for namespaces %s", s.line, strings.Join(s.namespaces, ",")))
			case !s.after.IsZero() && now.Before(s.after):
				why = append(why, fmt.Sprintf("line %d makes it valid only after %s", s.line, s.after.UTC().Format(time.RFC3339)))
			case !s.before.IsZero() && !now.Before(s.before):
				why = append(why, fmt.Sprintf("line %d made it valid only before %s", s.line, s.before.UTC().Format(time.RFC3339)))
			default:
				return nil
			}
		}
		if len(why) == 0 {
			return fmt.Errorf("%w: it is signed by %s, which %s does not list for principal %s", ErrSigner, ssh.FingerprintSHA256(key), name, Principal)
		}
		return fmt.Errorf("%w: it is signed by %s, but %s: %s", ErrSigner, ssh.FingerprintSHA256(key), name, strings.Join(why, "; "))
	}}, nil
}

// parseAllowedSigner reads one line; ok is false when its principals do
// not match Principal (the line is for something else: a git signer).
func parseAllowedSigner(line string) (s allowedSigner, ok bool, err error) {
	principals, rest := line, ""
	if line[0] == '"' {
		end := strings.IndexByte(line[1:], '"')
		if end < 0 {
			return s, false, errors.New("its principals open a quote that is never closed")
		}
		principals, rest = line[1:end+1], line[end+2:]
	} else if i := strings.IndexAny(line, " \t"); i >= 0 {
		principals, rest = line[:i], line[i:]
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return s, false, errors.New("it holds no public key: want PRINCIPALS [OPTIONS] KEYTYPE KEY [COMMENT]")
	}
	key, _, options, _, err := ssh.ParseAuthorizedKey([]byte(rest))
	if err != nil {
		return s, false, fmt.Errorf("no public key can be read after its principals (want PRINCIPALS [OPTIONS] KEYTYPE KEY [COMMENT]): %v", err)
	}
	s.key = key
	certAuthority := false
	for _, o := range options {
		name, value, hasValue := strings.Cut(o, "=")
		switch name = strings.ToLower(name); {
		case name == "cert-authority" && !hasValue:
			certAuthority = true
		case name == "namespaces" && hasValue:
			v, err := unquoteOption(name, value)
			if err != nil {
				return s, false, err
			}
			s.namespaces = strings.Split(v, ",")
		case (name == "valid-after" || name == "valid-before") && hasValue:
			v, err := unquoteOption(name, value)
			if err != nil {
				return s, false, err
			}
			t, err := parseSignerTime(v)
			if err != nil {
				return s, false, fmt.Errorf("option %s: %w", name, err)
			}
			if name == "valid-after" {
				s.after = t
			} else {
				s.before = t
			}
		default:
			return s, false, fmt.Errorf("unknown option %q: allowed_signers knows cert-authority, namespaces=\"…\", valid-after=\"…\" and valid-before=\"…\"", o)
		}
	}
	if !matchList(strings.Split(principals, ","), Principal) {
		return s, false, nil
	}
	if certAuthority {
		return s, false, fmt.Errorf("cert-authority: booth does not accept certificates; bundles are signed by the host key itself, so list that key without cert-authority")
	}
	return s, true, nil
}

// unquoteOption takes the value of an option, quoted or not.
func unquoteOption(name, v string) (string, error) {
	if !strings.HasPrefix(v, `"`) {
		return v, nil
	}
	if len(v) < 2 || !strings.HasSuffix(v, `"`) {
		return "", fmt.Errorf("option %s: its value opens a quote that is never closed", name)
	}
	return v[1 : len(v)-1], nil
}

// parseSignerTime reads a time as ssh-keygen does: YYYYMMDD, YYYYMMDDHHMM
// or YYYYMMDDHHMMSS, in UTC with a trailing Z, else in local time.
func parseSignerTime(v string) (time.Time, error) {
	loc := time.Local
	if s, ok := strings.CutSuffix(strings.ToUpper(v), "Z"); ok {
		v, loc = s, time.UTC
	}
	layouts := map[int]string{8: "20060102", 12: "200601021504", 14: "20060102150405"}
	layout, ok := layouts[len(v)]
	if _, err := strconv.ParseUint(v, 10, 64); ok && err == nil {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time: want YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, with Z for UTC", v)
}

// matchList matches s against comma-separated patterns as OpenSSH does:
// * and ? are wildcards, a pattern starting with ! excludes.
func matchList(patterns []string, s string) bool {
	matched := false
	for _, p := range patterns {
		if neg, ok := strings.CutPrefix(p, "!"); ok {
			if wildcard(neg, s) {
				return false
			}
		} else if wildcard(p, s) {
			matched = true
		}
	}
	return matched
}

// wildcard matches s against a pattern of * and ?.
func wildcard(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildcard(p[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != p[0] {
				return false
			}
		}
		p, s = p[1:], s[1:]
	}
	return s == ""
}

func keyEqual(a, b ssh.PublicKey) bool {
	return subtle.ConstantTimeCompare(a.Marshal(), b.Marshal()) == 1
}

// TrustKnownHosts trusts the keys that known_hosts files (the user's own:
// ~/.ssh/known_hosts) hold for host, "NAME" or "NAME:PORT" (port 22 unless
// given), as ssh does when it connects there: hashed names and
// [NAME]:PORT entries match, @revoked keys do not, nor do @cert-authority
// lines (they vouch for certificates, not for the host's own key).
func TrustKnownHosts(host string, files ...string) (*Trust, error) {
	addr, err := hostAddress(host)
	if err != nil {
		return nil, err
	}
	cb, original, err := plainKnownHosts(files)
	if err != nil {
		return nil, fmt.Errorf("reading known hosts: %w", err)
	}
	src := i18n.Textf("the key %s holds for %s", strings.Join(files, ", "), host)
	remote := &net.TCPAddr{IP: net.IPv4zero}
	// A key that is no key: what the files answer for it says whether
	// they know the host at all.
	var ke *knownhosts.KeyError
	if err := cb(addr, remote, noKey{}); errors.As(err, &ke) && len(ke.Want) == 0 {
		return nil, fmt.Errorf("%s has no key for %s: connect to it once with ssh (and compare its fingerprint with the one the officers published), or give --signer", strings.Join(files, ", "), host)
	} else if !errors.As(err, &ke) {
		return nil, fmt.Errorf("reading known hosts: %w", err)
	}
	return &Trust{Source: src, check: func(key ssh.PublicKey, _ time.Time, _ string) error {
		err := cb(addr, remote, key)
		var ke *knownhosts.KeyError
		var re *knownhosts.RevokedError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &ke):
			known := make([]string, len(ke.Want))
			for i, k := range ke.Want {
				known[i] = ssh.FingerprintSHA256(k.Key)
			}
			return fmt.Errorf("%w: it is signed by %s, but %s knows %s by %s", ErrSigner, ssh.FingerprintSHA256(key),
				strings.Join(files, ", "), host, strings.Join(known, ", "))
		case errors.As(err, &re):
			return fmt.Errorf("%w: it is signed by %s, which %s marks as revoked (line %d)", ErrSigner, ssh.FingerprintSHA256(key), original(re.Revoked.Filename), re.Revoked.Line)
		}
		return fmt.Errorf("%w: %v", ErrSigner, err)
	}}, nil
}

// plainKnownHosts reads known_hosts files without their @cert-authority
// lines: knownhosts matches a plain key against those lines too, but a
// CA's key vouches for host certificates, never for itself as the host's
// key (a bundle is signed with a plain key). Each file is read through a
// copy whose CA lines are blank, so line numbers hold; original maps a
// copy's name in an error back to the file's.
func plainKnownHosts(files []string) (cb ssh.HostKeyCallback, original func(string) string, err error) {
	names := map[string]string{}
	original = func(name string) string {
		if o, ok := names[name]; ok {
			return o
		}
		return name
	}
	var copies []string
	defer func() {
		for _, c := range copies {
			os.Remove(c)
		}
	}()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		lines := bytes.Split(data, []byte("\n"))
		for i, l := range lines {
			if fields := bytes.Fields(l); len(fields) > 0 && string(fields[0]) == "@cert-authority" {
				lines[i] = nil
			}
		}
		c, err := os.CreateTemp("", "booth-known-hosts-")
		if err != nil {
			return nil, nil, err
		}
		copies = append(copies, c.Name())
		names[c.Name()] = f
		_, err = c.Write(bytes.Join(lines, []byte("\n")))
		if cerr := c.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, nil, err
		}
	}
	cb, err = knownhosts.New(copies...)
	if err != nil {
		msg := err.Error()
		for c, f := range names {
			msg = strings.ReplaceAll(msg, c, f)
		}
		return nil, nil, errors.New(msg)
	}
	return cb, original, nil
}

// hostAddress is host with its port, as knownhosts wants it.
func hostAddress(host string) (string, error) {
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		h, port = strings.Trim(host, "[]"), "22"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || h == "" || strings.ContainsAny(h, " \t[]") {
		return "", fmt.Errorf("%q is not a host: want NAME or NAME:PORT, as you give ssh", host)
	}
	return net.JoinHostPort(strings.ToLower(h), port), nil
}

// noKey is a public key that equals no other.
type noKey struct{}

func (noKey) Type() string                            { return "booth-no-key" }
func (noKey) Marshal() []byte                         { return []byte("booth-no-key") }
func (noKey) Verify(_ []byte, _ *ssh.Signature) error { return errors.New("no key") }
