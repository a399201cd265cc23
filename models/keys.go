package models

import (
	"bytes"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/safetext"
)

// RSA key sizes booth accepts. Under 2048 bits RSA is breakable in
// practice; over 16384 bits (the most ssh-keygen makes) a key only costs
// the server CPU at every login.
const (
	minRSABits = 2048
	maxRSABits = 16384
)

// maxKeyFile caps what ParseKeys reads: a key file is a few lines.
const maxKeyFile = 1 << 20

// keyTypes are the key algorithms booth accepts; the FIDO (sk-) kinds need
// the security key touched at every login (x/crypto enforces it).
var keyTypes = map[string]bool{
	ssh.KeyAlgoED25519:    true,
	ssh.KeyAlgoECDSA256:   true,
	ssh.KeyAlgoECDSA384:   true,
	ssh.KeyAlgoECDSA521:   true,
	ssh.KeyAlgoRSA:        true,
	ssh.KeyAlgoSKED25519:  true,
	ssh.KeyAlgoSKECDSA256: true,
}

// algoDSA names DSA keys so that they are refused with their own reason.
// x/crypto deprecated its KeyAlgoDSA because it no longer supports DSA,
// which is also why booth must recognise the name itself.
const algoDSA = "ssh-dss"

// howToMakeKey ends the messages that refuse a key.
const howToMakeKey = "make a new key with 'ssh-keygen -t ed25519' and give its .pub file"

// ParseKey reads one SSH public key in authorized_keys form, as a .pub
// file holds it: "TYPE BASE64 [COMMENT]". It refuses, saying what to do
// instead: authorized_keys options (command=, from=, …, which the booth
// would not enforce), certificates, DSA keys, RSA keys under 2048 or over
// 16384 bits, other key types, more than one line or key, and comments
// with control, escape or bidi characters (see safetext.Check). An empty
// comment is fine.
func ParseKey(line string) (Key, error) {
	line = strings.TrimPrefix(line, "\ufeff")
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	// ssh.ParseAuthorizedKey skips lines it cannot read and cuts a line at
	// a carriage return, so anything that is not one plain line is refused
	// here before it can be silently ignored.
	if strings.ContainsAny(line, "\n\r") {
		return Key{}, errors.New("more than one line: give one key per line")
	}
	line = strings.TrimSpace(line)
	if line == "" {
		return Key{}, errors.New("no key: give an SSH public key such as 'ssh-ed25519 AAAA… comment'")
	}
	if err := notAPublicKey(line); err != nil {
		return Key{}, err
	}
	pub, comment, options, rest, err := ssh.ParseAuthorizedKey([]byte(line))
	switch {
	case err != nil:
		return Key{}, keyParseError(line, err)
	case len(options) > 0:
		return Key{}, fmt.Errorf("authorized_keys options (%s) are not allowed: give the key alone, starting with its type (%s)",
			strings.Join(options, ","), pub.Type())
	case len(bytes.TrimSpace(rest)) > 0:
		return Key{}, errors.New("text after the key: give one key per line")
	}
	// Older x/crypto ignored the type written before the key data; a line
	// whose type says something else is a mistake or a trick.
	if declared := strings.Fields(line)[0]; declared != pub.Type() {
		return Key{}, typeMismatch(declared)
	}
	if err := checkKeyKind(pub); err != nil {
		return Key{}, err
	}
	comment = strings.TrimSpace(comment)
	if comment != "" {
		if err := safetext.Check("key comment", comment); err != nil {
			return Key{}, fmt.Errorf("%w (or leave the comment out)", err)
		}
		if looksLikeKey(comment) {
			return Key{}, errors.New("two keys on one line: put each key on its own line")
		}
	}
	return Key{
		Fingerprint: ssh.FingerprintSHA256(pub),
		Type:        pub.Type(),
		Public:      strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(pub)), "\n"),
		Comment:     comment,
	}, nil
}

// notAPublicKey recognises what people paste by mistake.
func notAPublicKey(line string) error {
	switch {
	case strings.Contains(line, "PRIVATE KEY"):
		return errors.New("this is a private key: give the public key (the .pub file) and keep the private key secret")
	case strings.HasPrefix(line, "---- BEGIN SSH2 PUBLIC KEY"):
		return errors.New("a key in RFC 4716 (SSH2) form: convert it with 'ssh-keygen -i -f FILE' and give the result")
	}
	return nil
}

// keyParseError explains why x/crypto could not read a key line.
func keyParseError(line string, err error) error {
	declared := strings.Fields(line)[0]
	algo := strings.HasPrefix(declared, "ssh-") || strings.HasPrefix(declared, "ecdsa-") || strings.HasPrefix(declared, "sk-")
	switch {
	case declared == algoDSA:
		return errors.New("DSA (ssh-dss) keys are weak and refused: " + howToMakeKey)
	case strings.Contains(err.Error(), "rsa modulus too large"):
		return fmt.Errorf("RSA key of more than %d bits is too large: %s", maxRSABits, howToMakeKey)
	case algo && !keyTypes[declared] && !strings.Contains(declared, "-cert-"):
		return unknownType(declared)
	case strings.Contains(err.Error(), "key type mismatch"):
		return typeMismatch(declared)
	case !algo && strings.Contains(line, "="):
		return errors.New("not an SSH public key (authorized_keys options or text before the key?): give the key alone, like 'ssh-ed25519 AAAA… comment'")
	}
	return fmt.Errorf("not an SSH public key (%v): give a line like 'ssh-ed25519 AAAA… comment'", err)
}

func typeMismatch(declared string) error {
	return fmt.Errorf("the type %q written before the key does not match the key itself: copy the whole line from the .pub file", declared)
}

func unknownType(t string) error {
	return fmt.Errorf("key type %q is not accepted (use ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa of %d bits or more, or a security key): %s",
		t, minRSABits, howToMakeKey)
}

// checkKeyKind refuses certificates, weak and unknown key types.
func checkKeyKind(pub ssh.PublicKey) error {
	if _, ok := pub.(*ssh.Certificate); ok {
		return errors.New("an SSH certificate: register the plain public key (the .pub file without -cert in its name)")
	}
	switch t := pub.Type(); {
	case !keyTypes[t]:
		return unknownType(t)
	case t == ssh.KeyAlgoRSA:
		cpk, ok := pub.(ssh.CryptoPublicKey)
		if !ok {
			return errors.New("cannot read this RSA key: " + howToMakeKey)
		}
		rk, ok := cpk.CryptoPublicKey().(*rsa.PublicKey)
		if !ok {
			return errors.New("cannot read this RSA key: " + howToMakeKey)
		}
		switch bits := rk.N.BitLen(); {
		case bits < minRSABits:
			return fmt.Errorf("RSA key of %d bits is too weak (at least %d needed): %s", bits, minRSABits, howToMakeKey)
		case bits > maxRSABits:
			return fmt.Errorf("RSA key of %d bits is too large (at most %d): %s", bits, maxRSABits, howToMakeKey)
		}
	}
	return nil
}

// looksLikeKey reports whether a comment holds a second key, as happens
// when two .pub files are joined without a line break; the second key
// would otherwise be taken for a comment and silently not registered.
func looksLikeKey(comment string) bool {
	fields := strings.Fields(comment)
	for i := 0; i+1 < len(fields); i++ {
		if !strings.HasPrefix(fields[i], "ssh-") && !strings.HasPrefix(fields[i], "ecdsa-") && !strings.HasPrefix(fields[i], "sk-") {
			continue
		}
		data, err := base64.StdEncoding.DecodeString(fields[i+1])
		if err != nil {
			continue
		}
		if _, err := ssh.ParsePublicKey(data); err == nil {
			return true
		}
	}
	return false
}

// ParseKeys reads a file of SSH public keys, one per line, accounting for
// every line: a UTF-8 byte order mark, CRLF line ends, blank lines and
// lines starting with # are skipped; every other line must be a key
// ParseKey accepts, and a key may appear only once. Problems come back
// together as a *ValidationError with File "keys" (callers set the file's
// name) and each line's number. A file without any key is refused.
func ParseKeys(r io.Reader) ([]Key, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxKeyFile+1))
	if err != nil {
		return nil, err
	}
	ve := &ValidationError{File: "keys"}
	if len(data) > maxKeyFile {
		ve.Problems = append(ve.Problems, Problem{Msg: fmt.Sprintf("larger than %d bytes: this is not a key file", maxKeyFile)})
		return nil, ve
	}
	var keys []Key
	seen := map[string]int{} // fingerprint → line
	for i, line := range strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		k, err := ParseKey(line)
		if err != nil {
			ve.Problems = append(ve.Problems, Problem{Line: n, Msg: err.Error()})
			continue
		}
		if first, dup := seen[k.Fingerprint]; dup {
			ve.Problems = append(ve.Problems, Problem{Line: n, Msg: fmt.Sprintf("the same key as line %d (%s): list it once", first, k.Fingerprint)})
			continue
		}
		seen[k.Fingerprint] = n
		keys = append(keys, k)
	}
	if len(keys) == 0 && len(ve.Problems) == 0 {
		ve.Problems = append(ve.Problems, Problem{Msg: "no key found: give a line like 'ssh-ed25519 AAAA… comment'"})
	}
	if len(ve.Problems) > 0 {
		return nil, ve
	}
	return keys, nil
}
