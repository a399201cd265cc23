package models

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/tally"
)

// Ballots are sealed with age to the election's recipients: the public half
// of a tally key generated when the election is created, or the officers'
// own SSH public keys. Every sealed ballot of an election has the same
// length, because the plaintext is padded to SealSize before it is
// encrypted: the ciphertext does not reveal how many candidates a voter
// ranked.

// sealPrefix is the length of the big-endian length prefix that opens a
// padded ballot.
const sealPrefix = 4

// sealBlock is the granularity of SealSize.
const sealBlock = 256

// maxSealed bounds what Unseal and ParseIdentities read, so a corrupt row
// or a wrong file cannot make them allocate without limit.
const maxSealed = 1 << 20

// NewTallyKey generates an election's tally key: an age X25519 identity
// (AGE-SECRET-KEY-1…, given to the officers) and its recipient (age1…,
// stored to seal ballots). age draws the key from crypto/rand itself and
// offers no way to supply another source, so there is no rand parameter.
func NewTallyKey() (identity, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", fmt.Errorf("generating the tally key: %w", err)
	}
	return id.String(), id.Recipient().String(), nil
}

// ParseRecipients reads the recipients ballots are sealed to, one per
// element: age X25519 recipients (age1…) and SSH public keys in
// authorized_keys form (ssh-ed25519 and ssh-rsa, as agessh supports).
func ParseRecipients(lines []string) ([]age.Recipient, error) {
	var out []age.Recipient
	for i, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var r age.Recipient
		var err error
		switch {
		case strings.HasPrefix(line, "age1"):
			r, err = age.ParseX25519Recipient(line)
		case strings.HasPrefix(line, "ssh-ed25519 "), strings.HasPrefix(line, "ssh-rsa "):
			r, err = agessh.ParseRecipient(line)
		default:
			err = errors.New("not an age X25519 recipient (age1…) or an ssh-ed25519 or ssh-rsa public key")
		}
		if err != nil {
			return nil, fmt.Errorf("recipient %d: %w", i+1, err)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errors.New("no recipients to seal ballots to")
	}
	return out, nil
}

// SealSize is the padded plaintext size of every ballot of an election: a
// length prefix plus room for the longest ballot text the definition
// allows (every candidate ID on its own line, or all on one line joined by
// " = ", whichever is longer), rounded up to a multiple of 256 bytes.
func SealSize(d Definition) int {
	ids := make([]string, 0, len(d.Candidates)+3)
	for _, c := range d.Candidates {
		ids = append(ids, c.ID)
	}
	if d.Method == tally.YesNo {
		ids = append(ids, "yes", "no", "abstain")
	}
	// Each ID with up to three separator bytes (" = ", or a newline), and
	// a final newline: more than any canonical ballot text needs.
	n := sealPrefix + 1
	for _, id := range ids {
		n += len(id) + 3
	}
	return (n + sealBlock - 1) / sealBlock * sealBlock
}

// Seal pads ballotText to exactly size bytes (a 4-byte big-endian length,
// the text, then zeros) and encrypts it to every recipient. It refuses a
// text longer than size-4, which would otherwise give itself away by its
// length.
func Seal(recipients []age.Recipient, ballotText []byte, size int) ([]byte, error) {
	if len(recipients) == 0 {
		return nil, errors.New("sealing a ballot: the election has no recipients")
	}
	if len(ballotText) > size-sealPrefix {
		return nil, fmt.Errorf("sealing a ballot: its text is %d bytes, more than the %d this election's sealed ballots hold", len(ballotText), size-sealPrefix)
	}
	padded := make([]byte, size)
	binary.BigEndian.PutUint32(padded, uint32(len(ballotText)))
	copy(padded[sealPrefix:], ballotText)

	var out bytes.Buffer
	w, err := age.Encrypt(&out, recipients...)
	if err != nil {
		return nil, fmt.Errorf("sealing a ballot: %w", err)
	}
	if _, err := w.Write(padded); err != nil {
		return nil, fmt.Errorf("sealing a ballot: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("sealing a ballot: %w", err)
	}
	return out.Bytes(), nil
}

// ErrNotTallyKey is a key that opens nothing sealed to an election.
var ErrNotTallyKey = errors.New("the key does not open this election's ballots (is it the election's tally key?)")

// Unseal decrypts a sealed ballot with any of the identities and returns
// its text without the padding.
func Unseal(identities []age.Identity, sealed []byte) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(sealed), identities...)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return nil, fmt.Errorf("unsealing a ballot: %w", ErrNotTallyKey)
		}
		return nil, fmt.Errorf("unsealing a ballot: %w", err)
	}
	padded, err := io.ReadAll(io.LimitReader(r, maxSealed))
	if err != nil {
		return nil, fmt.Errorf("unsealing a ballot: %w", err)
	}
	if len(padded) < sealPrefix {
		return nil, errors.New("unsealing a ballot: it is too short to hold a ballot")
	}
	n := binary.BigEndian.Uint32(padded)
	if uint64(n) > uint64(len(padded)-sealPrefix) {
		return nil, errors.New("unsealing a ballot: its length prefix is larger than the ballot")
	}
	return padded[sealPrefix : sealPrefix+int(n)], nil
}

// ReadIdentities reads the key file that unseals ballots (see
// ParseIdentities); its errors name the file.
func ReadIdentities(path string) ([]age.Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the key: %w", err)
	}
	defer f.Close()
	ids, err := ParseIdentities(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ids, nil
}

// ParseIdentities reads the key that unseals ballots: an age identity file
// (AGE-SECRET-KEY-1… lines, # comments) as booth writes for a generated
// tally key, or an officer's unencrypted SSH private key (ed25519 or RSA).
func ParseIdentities(r io.Reader) ([]age.Identity, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSealed+1))
	if err != nil {
		return nil, fmt.Errorf("reading the key: %w", err)
	}
	if len(data) > maxSealed {
		return nil, errors.New("the key file is too large to be a key")
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		id, err := agessh.ParseIdentity(data)
		if err != nil {
			var missing *ssh.PassphraseMissingError
			if errors.As(err, &missing) {
				return nil, errors.New("the SSH key is protected by a passphrase; decrypt a copy with ssh-keygen -p on an offline machine, or use the election's tally key")
			}
			return nil, fmt.Errorf("reading the SSH private key: %w", err)
		}
		return []age.Identity{id}, nil
	}
	ids, err := age.ParseIdentities(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading the tally key (an age identity file or an SSH private key): %w", err)
	}
	return ids, nil
}
