package bundle

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// Failure is one way a bundle can fail its checks. Each is a distinct
// value for errors.Is, and Code names it for scripts (booth verify --json).
type Failure struct {
	Code string
	msg  string
	// kind is the broader failure this one is a case of, for errors.Is.
	kind *Failure
}

func (f *Failure) Error() string { return f.msg }

// Is makes a failure that is a case of another match it too: every
// ErrDuplicateKey is an ErrFormat.
func (f *Failure) Is(target error) bool { return f.kind != nil && target == error(f.kind) }

// The failures. Errors wrap them with what exactly was found.
var (
	ErrFormat          = &Failure{Code: "not-a-bundle", msg: "not a booth results bundle"}
	ErrDuplicateKey    = &Failure{Code: "duplicate-key", msg: "not a bundle booth wrote", kind: ErrFormat}
	ErrNotCanonical    = &Failure{Code: "not-canonical", msg: "not a bundle booth wrote", kind: ErrFormat}
	ErrTurnout         = &Failure{Code: "turnout-inconsistent", msg: "its turnout is not consistent", kind: ErrFormat}
	ErrVoters          = &Failure{Code: "duplicate-voter", msg: "its list of voters is not consistent", kind: ErrFormat}
	ErrNamespace       = &Failure{Code: "wrong-namespace", msg: "made for another purpose"}
	ErrSignature       = &Failure{Code: "bad-signature", msg: "does not verify: the bundle was changed after it was signed"}
	ErrSigner          = &Failure{Code: "wrong-signer", msg: "signed by another key than the one expected"}
	ErrUnverified      = &Failure{Code: "unverified-signer", msg: "UNVERIFIED: the signature is valid, but nothing says its key is the election server's"}
	ErrFingerprint     = &Failure{Code: "fingerprint-mismatch", msg: "the definition does not have the fingerprint published with it"}
	ErrNoLedger        = &Failure{Code: "no-ledger", msg: "the election did not publish its ledger"}
	ErrLedger          = &Failure{Code: "ledger-inconsistent", msg: "the ledger is not consistent"}
	ErrRecount         = &Failure{Code: "recount-mismatch", msg: "does not match the published result"}
	ErrNotReceipt      = &Failure{Code: "not-a-receipt", msg: "not a receipt"}
	ErrReceiptNotFound = &Failure{Code: "receipt-not-found", msg: "not found"}
	ErrReceiptReplaced = &Failure{Code: "receipt-replaced", msg: "replaced by a newer ballot, so its ballot was not counted"}
	ErrTrustees        = &Failure{Code: "trustees-invalid", msg: "its trustees' releases do not show that enough of them opened the ballots"}
)

// checkSignature checks the signature over the payload: its namespace
// (namespace, "" for Namespace), that t trusts its key (before the payload
// is hashed), and that it verifies. Without t a valid signature proves nothing, since anyone can
// sign a bundle with a key of their own: it is ErrUnverified, naming the
// key for a person to compare.
func (s signed) checkSignature(t *Trust, now time.Time, namespace string) error {
	namespace = namespaceOr(namespace)
	if s.sig.Namespace != namespace {
		return fmt.Errorf("%w: it was made for %q, not for %s (a foundation that signs in its own namespace publishes it: give it with --namespace)",
			ErrNamespace, s.sig.Namespace, namespace)
	}
	if t != nil {
		if err := t.check(s.sig.PublicKey, now, namespace); err != nil {
			return err
		}
	}
	if err := sshsig.Verify(bytes.NewReader(s.payload), s.sig, s.sig.PublicKey, s.sig.HashAlgorithm, namespace); err != nil {
		return ErrSignature
	}
	if t == nil {
		return fmt.Errorf("%w: signed by %s; compare it with the host key fingerprint the officers published and give it with --signer, or check against your known_hosts with --host HOST or an allowed_signers file with --allowed-signers FILE",
			ErrUnverified, ssh.FingerprintSHA256(s.sig.PublicKey))
	}
	return nil
}

// NormalizeFingerprint accepts a key fingerprint with or without its
// "SHA256:" prefix.
func NormalizeFingerprint(fp string) string {
	fp = strings.TrimSpace(fp)
	if !strings.HasPrefix(fp, "SHA256:") {
		fp = "SHA256:" + fp
	}
	return fp
}

// CheckFingerprint recomputes the election fingerprint from the definition
// in the bundle: it must be the one recorded when the election opened.
func (b *Bundle) CheckFingerprint() error {
	if got := b.Election.Definition.Fingerprint(); got != b.Election.Fingerprint {
		return fmt.Errorf("%w: the definition hashes to %s, but the bundle says %s", ErrFingerprint, got, b.Election.Fingerprint)
	}
	return nil
}

// Recount parses the ledger's ballots, counts them by the bundle's
// definition with tally and compares the outcome with the published
// result, as JSON in the bundle's format, byte for byte. (Open has checked that the ledger holds
// one counted ballot per member who voted.)
func (b *Bundle) Recount() error {
	if b.Ledger == nil {
		return ErrNoLedger
	}
	d := b.Election.Definition
	var ballots []models.Ballot
	for _, l := range b.Ledger {
		if l.Replaced {
			continue
		}
		// As when counting: a ballot cast before a withdrawal may name
		// the withdrawn candidate, and the count skips them.
		bl, err := b.parseBallot(l.Ballot)
		if err != nil {
			return fmt.Errorf("%w: the ballot with receipt hash %s… is not a ballot of this election: %v",
				ErrLedger, hex.EncodeToString(l.ReceiptHash[:4]), strings.ReplaceAll(err.Error(), "\n", "; "))
		}
		ballots = append(ballots, bl)
	}
	te, opts := models.TallyElection(d, b.Election.Withdrawn, ballots)
	res, err := tally.Count(te, opts)
	if err != nil {
		return fmt.Errorf("%w: counting them fails: %v", ErrLedger, err)
	}
	// Like with like: the recount in the published result's own shape
	// (a v2 bundle's Go field names, a v3 bundle's record), in ASCII.
	got, err := encodeResult(b.Format, res)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, b.resultRaw) {
		return fmt.Errorf("%w: %s", ErrRecount, difference(b.Result, res))
	}
	b.recounted = res
	return nil
}

// difference says in words how a recount differs from the published
// result: the first difference a reader would care about.
func difference(pub, rec *tally.Result) string {
	names := func(r *tally.Result, cs []int) string {
		if len(cs) == 0 {
			return "nobody"
		}
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = r.Candidates[c].Name
		}
		return strings.Join(out, ", ")
	}
	switch {
	case pub.Ballots != rec.Ballots:
		return fmt.Sprintf("the published result counts %d ballots, the ledger's count %d", pub.Ballots, rec.Ballots)
	case !slices.Equal(pub.Elected, rec.Elected):
		return fmt.Sprintf("it elects %s, the ledger's ballots elect %s", names(pub, pub.Elected), names(rec, rec.Elected))
	case pub.Passed != rec.Passed:
		return fmt.Sprintf("it says the question passed: %v; the ledger's ballots say %v", pub.Passed, rec.Passed)
	case len(pub.Rounds) != len(rec.Rounds):
		return fmt.Sprintf("it has %d rounds, the recount %d", len(pub.Rounds), len(rec.Rounds))
	}
	for i := range pub.Rounds {
		p, r := pub.Rounds[i], rec.Rounds[i]
		for c := range min(len(p.Totals), len(r.Totals), len(rec.Candidates)) {
			if p.Totals[c] != r.Totals[c] {
				return fmt.Sprintf("round %d: %s has %s in the published result, %s in the recount",
					p.Number, rec.Candidates[c].Name, p.Totals[c], r.Totals[c])
			}
		}
	}
	if d := pairDifference(pub.Pairwise, rec.Pairwise); d != nil {
		return fmt.Sprintf("%d voters prefer %s to %s in the published result, %d in the recount",
			pub.Pairwise[d[0]][d[1]], rec.Candidates[d[0]].Name, rec.Candidates[d[1]].Name, rec.Pairwise[d[0]][d[1]])
	}
	return "the winners and every round's totals agree, but other details (notes, ties, candidates) differ"
}

// pairDifference finds the first pair whose counts differ in two
// matrices of the same shape.
func pairDifference(a, b [][]int64) []int {
	if len(a) != len(b) {
		return nil
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return nil
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return []int{i, j}
			}
		}
	}
	return nil
}

// Found is a ballot found in the ledger by its receipt.
type Found struct {
	ReceiptHash string
	Ballot      models.Ballot
	// Text is the ballot as the ledger holds it: one line per rank.
	Text string
}

// Lookup finds the ballot a receipt was given for: ErrReceiptReplaced when
// it was replaced, ErrReceiptNotFound when the ledger does not hold it.
func (b *Bundle) Lookup(receipt string) (Found, error) {
	if b.Ledger == nil {
		return Found{}, fmt.Errorf("%w, so a receipt cannot be looked up in it; the voter can ask the server with 'ssh HOST verify RECEIPT'", ErrNoLedger)
	}
	norm, err := models.NormalizeReceipt(receipt)
	if err != nil {
		return Found{}, fmt.Errorf("%w: %v", ErrNotReceipt, err)
	}
	hash := models.ReceiptHash(b.Election.ID, norm)
	f := Found{ReceiptHash: hex.EncodeToString(hash[:])}
	i := sort.Search(len(b.Ledger), func(i int) bool { return bytes.Compare(b.Ledger[i].ReceiptHash[:], hash[:]) >= 0 })
	switch {
	case i == len(b.Ledger) || b.Ledger[i].ReceiptHash != hash:
		return f, fmt.Errorf("%w: no ballot in the ledger of %s has this receipt; check that it was copied whole and is for this election", ErrReceiptNotFound, b.Election.ID)
	case b.Ledger[i].Replaced:
		return f, ErrReceiptReplaced
	}
	f.Text = b.Ledger[i].Ballot
	f.Ballot, err = b.parseBallot(f.Text)
	if err != nil {
		return f, fmt.Errorf("%w: the ballot under this receipt is not a ballot of this election", ErrLedger)
	}
	return f, nil
}
