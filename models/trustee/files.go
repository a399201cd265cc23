package trustee

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"

	"filippo.io/age/armor"
	"github.com/cloudflare/circl/group"
)

// A trustee handles two files, both plain text a person can read:
//
// The share, as the server hands it to its trustee (ShareFile):
//
//	booth trustee share v1
//	election: board-2027
//	definition: 3f5c…            the election's fingerprint
//	share: 2 of 5, threshold 3
//	trustee: SHA256:…            the key it is sealed to
//	-----BEGIN AGE ENCRYPTED FILE-----
//	…
//	-----END AGE ENCRYPTED FILE-----
//
// The release, as the trustee hands it to the count (Release): a statement
// in the same form, the SSH signature over exactly the statement's bytes,
// then the share re-sealed to the count session's key.

const (
	shareMagic     = "booth trustee share v1"
	releaseMagic   = "booth trustee release v1"
	plaintextMagic = "booth trustee share value v1"
)

// header is the fields a share file and a release statement carry, in the
// order they are written.
type header struct {
	Election    string
	Fingerprint string
	Index       int
	Of          int
	Threshold   int
	Trustee     string // SHA256 fingerprint of the trustee's key
	// Release statements only.
	Session      string // the count session's key (age1…)
	SealedSHA256 string // of the share sealed to that key
}

func (h header) write(w io.Writer, magic string) {
	fmt.Fprintf(w, "%s\nelection: %s\ndefinition: %s\nshare: %d of %d, threshold %d\ntrustee: %s\n",
		magic, h.Election, h.Fingerprint, h.Index, h.Of, h.Threshold, h.Trustee)
	if magic == releaseMagic {
		fmt.Fprintf(w, "count-session: %s\nsealed-share-sha256: %s\n", h.Session, h.SealedSHA256)
	}
}

// readHeader reads the header lines that open text and returns the rest;
// it refuses anything but the exact text write gives for what it read.
func readHeader(text []byte, magic, what string) (header, []byte, error) {
	var h header
	r := bufio.NewReader(bytes.NewReader(text))
	line := func() string {
		l, _ := r.ReadString('\n')
		return strings.TrimSuffix(l, "\n")
	}
	if got := line(); got != magic {
		return h, nil, fmt.Errorf("this is not a %s: it should begin with the line %q", what, magic)
	}
	field := func(name string) string {
		l := line()
		v, ok := strings.CutPrefix(l, name+": ")
		if !ok {
			return "\x00"
		}
		return v
	}
	h.Election, h.Fingerprint = field("election"), field("definition")
	share := field("share")
	h.Trustee = field("trustee")
	if magic == releaseMagic {
		h.Session, h.SealedSHA256 = field("count-session"), field("sealed-share-sha256")
	}
	if _, err := fmt.Sscanf(share, "%d of %d, threshold %d", &h.Index, &h.Of, &h.Threshold); err != nil {
		return h, nil, fmt.Errorf("this %s is damaged: its share line %q does not read as \"N of M, threshold K\"", what, share)
	}
	var again bytes.Buffer
	h.write(&again, magic)
	if !bytes.HasPrefix(text, again.Bytes()) {
		return h, nil, fmt.Errorf("this %s is damaged: its header lines are not as booth writes them (election, definition, share, trustee%s)", what,
			map[bool]string{true: ", count-session, sealed-share-sha256"}[magic == releaseMagic])
	}
	return h, text[again.Len():], nil
}

// ShareFile is a trustee's sealed share with what it belongs to.
type ShareFile struct {
	header
	// Sealed is the share sealed to the trustee's SSH key.
	Sealed []byte
}

// NewShareFile describes the sealed share of trustee index (1-based) of
// an election whose definition has the fingerprint.
func NewShareFile(electionID, fingerprint string, index, of, threshold int, trusteeFP string, sealed []byte) ShareFile {
	return ShareFile{header: header{Election: electionID, Fingerprint: fingerprint, Index: index, Of: of, Threshold: threshold, Trustee: trusteeFP}, Sealed: sealed}
}

// Marshal writes the share file.
func (f ShareFile) Marshal() ([]byte, error) {
	var b bytes.Buffer
	f.write(&b, shareMagic)
	if err := armorTo(&b, f.Sealed); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ParseShareFile reads a share file.
func ParseShareFile(data []byte) (ShareFile, error) {
	h, rest, err := readHeader(data, shareMagic, "booth trustee share (fetch it with 'ssh HOST trustee share ELECTION > share')")
	if err != nil {
		return ShareFile{}, err
	}
	sealed, err := unarmor(rest)
	if err != nil {
		return ShareFile{}, fmt.Errorf("the sealed share in this file is damaged: %w", err)
	}
	return ShareFile{header: h, Sealed: sealed}, nil
}

// armorTo writes sealed as an armored age file.
func armorTo(w io.Writer, sealed []byte) error {
	a := armor.NewWriter(w)
	if _, err := a.Write(sealed); err != nil {
		return err
	}
	return a.Close()
}

// unarmor reads one armored age file, and nothing after it.
func unarmor(text []byte) ([]byte, error) {
	end := bytes.Index(text, []byte(armor.Footer))
	if !bytes.HasPrefix(text, []byte(armor.Header+"\n")) || end < 0 {
		return nil, fmt.Errorf("no age armor (%s … %s)", armor.Header, armor.Footer)
	}
	if rest := bytes.TrimSpace(text[end+len(armor.Footer):]); len(rest) > 0 {
		return nil, fmt.Errorf("%d bytes follow the armor", len(rest))
	}
	return io.ReadAll(io.LimitReader(armor.NewReader(bytes.NewReader(text)), maxShare))
}

// sharePlaintext is what a sealed share holds: the election, the index and
// the share's value, so an opened share says what it is.
func sharePlaintext(electionID string, index int, value group.Scalar) ([]byte, error) {
	v, err := value.MarshalBinary()
	if err != nil {
		return nil, err
	}
	defer clear(v)
	return fmt.Appendf(nil, "%s\nelection: %s\nindex: %d\nvalue: %s\n", plaintextMagic, electionID, index, base64.StdEncoding.EncodeToString(v)), nil
}

// parsePlaintext reads an opened share.
func parsePlaintext(plain []byte) (electionID string, index int, value group.Scalar, err error) {
	lines := strings.Split(strings.TrimSuffix(string(plain), "\n"), "\n")
	bad := fmt.Errorf("the opened share is not a booth share")
	if len(lines) != 4 || lines[0] != plaintextMagic {
		return "", 0, nil, bad
	}
	electionID, ok1 := strings.CutPrefix(lines[1], "election: ")
	idx, ok2 := strings.CutPrefix(lines[2], "index: ")
	val, ok3 := strings.CutPrefix(lines[3], "value: ")
	if !ok1 || !ok2 || !ok3 {
		return "", 0, nil, bad
	}
	if index, err = strconv.Atoi(idx); err != nil {
		return "", 0, nil, bad
	}
	raw, err := base64.StdEncoding.DecodeString(val)
	if err != nil {
		return "", 0, nil, bad
	}
	defer clear(raw)
	value = grp.NewScalar()
	if err := value.UnmarshalBinary(raw); err != nil {
		return "", 0, nil, bad
	}
	return electionID, index, value, nil
}
