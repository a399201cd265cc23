package trustee

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"github.com/cloudflare/circl/secretsharing"
	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// Namespace is the SSH signature namespace of releases, so that a
// trustee's signature on anything else never passes as a release, nor a
// release's as anything else.
const Namespace = "booth-trustee-release@vote.example.org"

const signatureBegin = "-----BEGIN SSH SIGNATURE-----"
const signatureEnd = "-----END SSH SIGNATURE-----"

// Release is a trustee's share released to one count session.
type Release struct {
	header
	// Statement is the signed text: the header lines.
	Statement []byte
	// Signature is the armored SSH signature over Statement.
	Signature []byte
	sig       *sshsig.Signature
	// Sealed is the share sealed to the count session's key.
	Sealed []byte
}

// MakeRelease opens a share file with the trustee's private SSH key
// (unencrypted PEM, as agessh and x/crypto/ssh read it), re-seals the
// share to the count session's key (age1…) and signs the statement with
// the same key. It returns the release file.
func MakeRelease(shareFile, privateKey []byte, session string) ([]byte, error) {
	f, err := ParseShareFile(shareFile)
	if err != nil {
		return nil, err
	}
	to, err := age.ParseX25519Recipient(strings.TrimSpace(session))
	if err != nil {
		return nil, fmt.Errorf("--to %q is not a count session key (age1…, as booth election count --trustees prints it): %v", session, err)
	}
	signer, err := ssh.ParsePrivateKey(privateKey)
	if err != nil {
		var missing *ssh.PassphraseMissingError
		if errors.As(err, &missing) {
			return nil, errors.New("the SSH key is protected by a passphrase: make a decrypted copy on this machine (cp key k; ssh-keygen -p -N '' -f k), use it, then delete it")
		}
		return nil, fmt.Errorf("reading the SSH private key: %v", err)
	}
	if fp := ssh.FingerprintSHA256(signer.PublicKey()); fp != f.Trustee {
		return nil, fmt.Errorf("this share is sealed to trustee %d's key %s, but --key is %s: give that trustee's key", f.Index, f.Trustee, fp)
	}
	id, err := agessh.ParseIdentity(privateKey)
	if err != nil {
		return nil, fmt.Errorf("reading the SSH private key: %v", err)
	}
	plain, err := open(f.Sealed, id)
	if err != nil {
		return nil, fmt.Errorf("the share does not open with this key (%v): is it the share fetched with this key?", err)
	}
	defer clear(plain)
	electionID, index, _, err := parsePlaintext(plain)
	if err != nil {
		return nil, err
	}
	if electionID != f.Election || index != f.Index {
		return nil, fmt.Errorf("the sealed share is share %d of election %s, but the file says share %d of %s: the file was altered", index, electionID, f.Index, f.Election)
	}
	sealed, err := seal(plain, to)
	if err != nil {
		return nil, fmt.Errorf("sealing the share to the count session: %v", err)
	}
	h := f.header
	h.Session = to.String()
	sum := sha256.Sum256(sealed)
	h.SealedSHA256 = hex.EncodeToString(sum[:])
	var stmt bytes.Buffer
	h.write(&stmt, releaseMagic)
	sig, err := signStatement(stmt.Bytes(), signer)
	if err != nil {
		return nil, err
	}
	out := append(stmt.Bytes(), sig...)
	var a bytes.Buffer
	if err := armorTo(&a, sealed); err != nil {
		return nil, err
	}
	return append(out, a.Bytes()...), nil
}

// signStatement is the armored signature over a release's statement.
func signStatement(statement []byte, signer ssh.Signer) ([]byte, error) {
	sig, err := sshsig.Sign(bytes.NewReader(statement), signer, sshsig.HashSHA512, Namespace)
	if err != nil {
		return nil, fmt.Errorf("signing the release: %v", err)
	}
	return sshsig.Armor(sig), nil
}

// ParseRelease reads a release file; it checks its form, not its trust
// (Check).
func ParseRelease(data []byte) (Release, error) {
	h, rest, err := readHeader(data, releaseMagic, "booth trustee release (made with 'booth trustee release')")
	if err != nil {
		return Release{}, err
	}
	r := Release{header: h, Statement: data[:len(data)-len(rest)]}
	end := bytes.Index(rest, []byte(signatureEnd))
	if !bytes.HasPrefix(rest, []byte(signatureBegin+"\n")) || end < 0 {
		return Release{}, fmt.Errorf("the release of share %d is not signed: no SSH signature follows its statement", h.Index)
	}
	r.Signature = append([]byte(nil), rest[:end+len(signatureEnd)]...)
	r.Signature = append(r.Signature, '\n')
	if r.sig, err = sshsig.Unarmor(r.Signature); err != nil {
		return Release{}, fmt.Errorf("the signature of the release of share %d cannot be read: %v", h.Index, err)
	}
	if r.Sealed, err = unarmor(bytes.TrimLeft(rest[end+len(signatureEnd):], "\n")); err != nil {
		return Release{}, fmt.Errorf("the sealed share in the release of share %d is damaged: %v", h.Index, err)
	}
	return r, nil
}

// ParseStatement reads a release's statement and signature as a results
// bundle publishes them, without the sealed share.
func ParseStatement(statement, signature []byte) (Release, error) {
	h, rest, err := readHeader(statement, releaseMagic, "booth trustee release statement")
	if err != nil {
		return Release{}, err
	}
	if len(rest) > 0 {
		return Release{}, fmt.Errorf("the statement of share %d has %d bytes after its lines", h.Index, len(rest))
	}
	r := Release{header: h, Statement: statement, Signature: signature}
	if r.sig, err = sshsig.Unarmor(signature); err != nil {
		return Release{}, fmt.Errorf("the signature of the release of share %d cannot be read: %v", h.Index, err)
	}
	return r, nil
}

// Hash identifies a release by its statement, so a used one is known again.
func (r Release) Hash() string {
	sum := sha256.Sum256(r.Statement)
	return hex.EncodeToString(sum[:])
}

// Election is what a release is checked against: an election's trustees
// as its definition names them, and its fingerprint.
type Election struct {
	ID          string
	Fingerprint string
	Threshold   int
	// Keys are the trustees' SSH public keys (authorized_keys form) in
	// the definition's order; Names say who each is, for messages.
	Keys        []string
	Names       []string
	Recipient   string
	Commitments []string
}

// name is how messages name trustee index (1-based).
func (e Election) name(index int) string {
	if index >= 1 && index <= len(e.Names) && e.Names[index-1] != "" {
		return fmt.Sprintf("trustee %d (%s)", index, e.Names[index-1])
	}
	return fmt.Sprintf("trustee %d", index)
}

// CheckStatement checks what a release says and who signed it: that it is
// for this election, its definition and the count session, and that it is
// signed by the key of the trustee whose share it carries.
func (e Election) CheckStatement(r Release, session string) error {
	if r.Index < 1 || r.Index > len(e.Keys) {
		return fmt.Errorf("a release of share %d: election %s has %d trustees", r.Index, e.ID, len(e.Keys))
	}
	who := e.name(r.Index)
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(e.Keys[r.Index-1]))
	if err != nil {
		return fmt.Errorf("%s: the election's key for them cannot be read: %v", who, err)
	}
	switch {
	case r.Election != e.ID:
		return fmt.Errorf("%s: the release is for election %s, not %s", who, r.Election, e.ID)
	case r.Fingerprint != e.Fingerprint:
		return fmt.Errorf("%s: the release is for another definition of %s (fingerprint %.16s…, this one is %.16s…)", who, e.ID, r.Fingerprint, e.Fingerprint)
	case r.Session != session:
		return fmt.Errorf("%s: the release was made for another count session (%s), not this one (%s); ask them to release again with --to %s", who, r.Session, session, session)
	case r.Of != len(e.Keys) || r.Threshold != e.Threshold:
		return fmt.Errorf("%s: the release says %d of %d, threshold %d; the election has %d trustees, threshold %d", who, r.Index, r.Of, r.Threshold, len(e.Keys), e.Threshold)
	case r.Trustee != ssh.FingerprintSHA256(key):
		return fmt.Errorf("%s: the release names the key %s, but their key is %s", who, r.Trustee, ssh.FingerprintSHA256(key))
	case r.sig == nil:
		return fmt.Errorf("%s: the release is not signed", who)
	case r.sig.Namespace != Namespace:
		return fmt.Errorf("%s: the signature was made for %q, not for a release (%s)", who, r.sig.Namespace, Namespace)
	case !bytes.Equal(r.sig.PublicKey.Marshal(), key.Marshal()):
		return fmt.Errorf("%s: the release is signed by the key %s, which is not theirs (%s)", who, ssh.FingerprintSHA256(r.sig.PublicKey), ssh.FingerprintSHA256(key))
	}
	if err := sshsig.Verify(bytes.NewReader(r.Statement), r.sig, key, r.sig.HashAlgorithm, Namespace); err != nil {
		return fmt.Errorf("%s: the signature does not verify: the release was changed after it was signed", who)
	}
	return nil
}

// share opens a checked release with the count session's identity and
// checks the share against the commitments.
func (e Election) share(r Release, id age.Identity, commitments secretsharing.SecretCommitment) (secretsharing.Share, error) {
	who := e.name(r.Index)
	sum := sha256.Sum256(r.Sealed)
	if hex.EncodeToString(sum[:]) != r.SealedSHA256 {
		return secretsharing.Share{}, fmt.Errorf("%s: the sealed share is not the one the release signs (corrupted or swapped)", who)
	}
	plain, err := open(r.Sealed, id)
	if err != nil {
		return secretsharing.Share{}, fmt.Errorf("%s: the share does not open with this count session's key: %v", who, err)
	}
	defer clear(plain)
	electionID, index, value, err := parsePlaintext(plain)
	if err != nil {
		return secretsharing.Share{}, fmt.Errorf("%s: %v", who, err)
	}
	if electionID != e.ID || index != r.Index {
		return secretsharing.Share{}, fmt.Errorf("%s: the sealed share is share %d of election %s, not share %d of %s", who, index, electionID, r.Index, e.ID)
	}
	sh := secretsharing.Share{ID: grp.NewScalar().SetUint64(uint64(index)), Value: value}
	if !secretsharing.Verify(uint(e.Threshold-1), sh, commitments) {
		return secretsharing.Share{}, fmt.Errorf("%s: the share fails the commitment check: it is corrupted or not this election's, and was not used", who)
	}
	return sh, nil
}

// ErrTooFew is fewer valid releases than the threshold.
var ErrTooFew = errors.New("not enough releases")

// Open checks every release against the election and the count session
// (its key, age1…, and identity), opens the shares and, with at least the
// threshold of them, recovers the sealing identity, checks it is the one
// ballots were sealed to and returns it. Any refused release refuses the
// whole set (nothing is opened), naming the trustee and the problem;
// fewer than the threshold says how many more are needed (ErrTooFew).
func (e Election) Open(releases []Release, session string, id age.Identity) (age.Identity, error) {
	commitments, err := parseCommitments(e.Commitments)
	if err != nil {
		return nil, fmt.Errorf("election %s: %w", e.ID, err)
	}
	if len(commitments) != e.Threshold {
		return nil, fmt.Errorf("election %s has %d commitments for threshold %d", e.ID, len(commitments), e.Threshold)
	}
	var errs []error
	seen := map[int]bool{}
	var shares []secretsharing.Share
	for _, r := range releases {
		if err := e.CheckStatement(r, session); err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[r.Index] {
			errs = append(errs, fmt.Errorf("%s: released twice; each trustee's share counts once (remove the copy)", e.name(r.Index)))
			continue
		}
		seen[r.Index] = true
		sh, err := e.share(r, id, commitments)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		shares = append(shares, sh)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("nothing was opened; %d of the releases are refused:\n  %w", len(errs), joinLines(errs))
	}
	if len(shares) < e.Threshold {
		more := fmt.Sprintf("%d more trustees must release their shares", e.Threshold-len(shares))
		if e.Threshold-len(shares) == 1 {
			more = "1 more trustee must release their share"
		}
		return nil, fmt.Errorf("%w: %d valid of the %d needed; %s to this count session; nothing was opened",
			ErrTooFew, len(shares), e.Threshold, more)
	}
	secret, err := secretsharing.Recover(uint(e.Threshold-1), shares)
	if err != nil {
		return nil, fmt.Errorf("recovering the sealing key: %w", err)
	}
	ident, pub, err := identityOf(e.ID, secret)
	secret.SetUint64(0)
	if err != nil {
		return nil, err
	}
	want, _, _, _, err := ssh.ParseAuthorizedKey([]byte(e.Recipient))
	if err != nil || !bytes.Equal(want.Marshal(), pub.Marshal()) {
		return nil, fmt.Errorf("election %s: the recovered key is not the one its ballots are sealed to; nothing was opened", e.ID)
	}
	return ident, nil
}

// joinLines joins errors one per indented line.
func joinLines(errs []error) error {
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Error()
	}
	return errors.New(strings.Join(parts, "\n  "))
}
