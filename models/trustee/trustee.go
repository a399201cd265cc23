// Package trustee splits an election's sealing key among its trustees so
// that any k of n of them, and no fewer, can open its ballots, and puts the
// key back together from the shares they release to one count session.
//
// The secret is a scalar of the Ristretto255 group, split with Shamir's
// scheme and committed with Feldman's (github.com/cloudflare/circl: no
// group or field arithmetic is written here), so a corrupted share is found
// and named, never used. Ballots are sealed with age to an ssh-ed25519 key
// derived from the secret with HKDF; that public key and the commitments
// go into the election's definition and so into its fingerprint. Each
// share is sealed with age to its trustee's SSH key (agessh: ssh-ed25519
// and ssh-rsa). A trustee releases a share by re-sealing it to the count
// session's one-time key and signing a statement (SSHSIG) that binds it to
// the election, its fingerprint, that session and the share's index.
package trustee

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"github.com/cloudflare/circl/group"
	"github.com/cloudflare/circl/secretsharing"
	"golang.org/x/crypto/ssh"
)

// grp is the group whose scalars are the secret and its shares.
var grp = group.Ristretto255

// MaxTrustees bounds n: more would only make a count harder to gather.
const MaxTrustees = 64

// Setup is what an election keeps after its key was split: the public
// sealing key, the commitments that check a share, and each trustee's
// share sealed to their SSH key. It holds nothing secret.
type Setup struct {
	// Recipient is the ssh-ed25519 public key ballots are sealed to.
	Recipient string
	// Commitments are Feldman's commitments to the sharing polynomial,
	// threshold of them, base64 of compressed group elements.
	Commitments []string
	// Sealed holds trustee i's share (index i+1) sealed to their key.
	Sealed [][]byte
}

// Split makes an election's sealing key, splits it among the trustees'
// SSH keys (authorized_keys form, in the definition's order: trustee i
// holds share i+1) so that any threshold of them recover it, seals each
// share to its trustee and forgets the secret.
func Split(electionID string, threshold int, keys []string) (Setup, error) {
	if err := CheckThreshold(threshold, len(keys)); err != nil {
		return Setup{}, err
	}
	recipients := make([]age.Recipient, len(keys))
	for i, k := range keys {
		r, err := agessh.ParseRecipient(k)
		if err != nil {
			return Setup{}, fmt.Errorf("trustee %d: %w", i+1, err)
		}
		recipients[i] = r
	}
	secret := grp.RandomNonZeroScalar(rand.Reader)
	ss := secretsharing.New(rand.Reader, uint(threshold-1), secret)
	recipient, err := recipientOf(electionID, secret)
	if err != nil {
		return Setup{}, err
	}
	setup := Setup{Recipient: recipient}
	for _, c := range ss.CommitSecret() {
		b, err := c.MarshalBinaryCompress()
		if err != nil {
			return Setup{}, fmt.Errorf("writing a commitment: %w", err)
		}
		setup.Commitments = append(setup.Commitments, base64.StdEncoding.EncodeToString(b))
	}
	for i, sh := range ss.Share(uint(len(keys))) {
		plain, err := sharePlaintext(electionID, i+1, sh.Value)
		if err != nil {
			return Setup{}, err
		}
		sealed, err := seal(plain, recipients[i])
		if err != nil {
			return Setup{}, fmt.Errorf("sealing the share of trustee %d: %w", i+1, err)
		}
		setup.Sealed = append(setup.Sealed, sealed)
	}
	return setup, nil
}

// CheckThreshold refuses a threshold that no count could reach, or that
// one trustee reaches alone.
func CheckThreshold(threshold, n int) error {
	switch {
	case n < 2:
		return fmt.Errorf("%d trustees: name at least two, or seal to a tally key instead", n)
	case n > MaxTrustees:
		return fmt.Errorf("%d trustees: at most %d", n, MaxTrustees)
	case threshold < 1 || threshold > n:
		return fmt.Errorf("threshold %d with %d trustees: it must be between 1 and %d", threshold, n, n)
	case threshold == 1:
		return fmt.Errorf("threshold 1 with %d trustees lets any one of them open every ballot alone: choose at least 2", n)
	}
	return nil
}

// seedInfo separates the derivation of the sealing key from any other use
// of the secret.
const seedInfo = "booth trustees sealing key v1\n"

// identityOf derives the election's sealing identity from the secret.
func identityOf(electionID string, secret group.Scalar) (*agessh.Ed25519Identity, ssh.PublicKey, error) {
	raw, err := secret.MarshalBinary()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the secret: %w", err)
	}
	seed, err := hkdf.Key(sha256.New, raw, nil, seedInfo+electionID, ed25519.SeedSize)
	clear(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("deriving the sealing key: %w", err)
	}
	key := ed25519.NewKeyFromSeed(seed)
	clear(seed)
	id, err := agessh.NewEd25519Identity(key)
	if err != nil {
		return nil, nil, err
	}
	pub, err := ssh.NewPublicKey(key.Public())
	if err != nil {
		return nil, nil, err
	}
	return id, pub, nil
}

// recipientOf is the public sealing key of the secret, in authorized_keys
// form with the election as its comment.
func recipientOf(electionID string, secret group.Scalar) (string, error) {
	_, pub, err := identityOf(electionID, secret)
	if err != nil {
		return "", err
	}
	return string(bytes.TrimSpace(ssh.MarshalAuthorizedKey(pub))) + " booth-trustees-" + electionID, nil
}

// parseCommitments reads the commitments of a Setup.
func parseCommitments(cs []string) (secretsharing.SecretCommitment, error) {
	out := make(secretsharing.SecretCommitment, len(cs))
	for i, c := range cs {
		b, err := base64.StdEncoding.DecodeString(c)
		if err != nil {
			return nil, fmt.Errorf("commitment %d is not base64", i+1)
		}
		e := grp.NewElement()
		if err := e.UnmarshalBinary(b); err != nil {
			return nil, fmt.Errorf("commitment %d is not a group element", i+1)
		}
		out[i] = e
	}
	return out, nil
}

// CheckCommitments refuses commitments that cannot be a Setup's for the
// threshold.
func CheckCommitments(threshold int, cs []string) error {
	if len(cs) != threshold {
		return fmt.Errorf("%d commitments for threshold %d: there must be one per share needed", len(cs), threshold)
	}
	_, err := parseCommitments(cs)
	return err
}

// seal encrypts plain to r with age.
func seal(plain []byte, r age.Recipient) ([]byte, error) {
	var out bytes.Buffer
	w, err := age.Encrypt(&out, r)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plain); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// maxShare bounds what opening a share reads.
const maxShare = 4096

// open decrypts sealed with id.
func open(sealed []byte, id age.Identity) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(sealed), id)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(r, maxShare))
}
