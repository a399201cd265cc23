package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/i18n"
)

// Options are what Verify checks besides the bundle itself.
type Options struct {
	// Trust is the reader's trust anchor. Without one, a valid signature
	// is reported as unverified, the bundle as not OK (any key can make
	// one), and nothing else is read.
	Trust *Trust
	// Now is the time of checking, for allowed_signers keys with a
	// validity; zero means the clock's.
	Now time.Time
	// Receipt, when not empty, is looked up in the ledger.
	Receipt string
	// Namespace is the signature namespace the bundle must be signed in:
	// the publishing foundation's, "" for the default (Namespace).
	Namespace string
}

// Check names.
const (
	CheckBundle     = "bundle"
	CheckSignature  = "signature"
	CheckDefinition = "definition"
	// CheckBallotTexts is whether the ledger's ballot texts were checked
	// to be the one text of their meaning: skipped for a v1 bundle.
	CheckBallotTexts = "ballot-texts"
	CheckRecount     = "recount"
	CheckReceipt     = "receipt"
	// CheckTrustees is which trustees released their shares to the count
	// (elections with trustees; reading the bundle checked each release).
	CheckTrustees = "trustees"
)

// Check statuses. Only ok and skipped let a bundle pass.
const (
	StatusOK      = "ok"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
	// StatusUnverified is a valid signature by a key that no trust anchor
	// vouches for.
	StatusUnverified = "unverified"
)

// Check is the outcome of one check.
type Check struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	// Code names the failure (Failure.Code); empty unless failed or
	// unverified.
	Code string `json:"code,omitempty"`
	// Detail says in words what was found.
	Detail string `json:"detail"`
}

// Report is what Verify found, for people and for scripts.
type Report struct {
	Election    string `json:"election,omitempty"`
	Title       string `json:"title,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Signer      string `json:"signer,omitempty"`
	// Format is the payload's layout (Format, FormatV2 or FormatV1).
	Format string `json:"format,omitempty"`
	// Anchor is Options.Trust's Source: what the signer was checked
	// against, or empty when nothing was.
	Anchor string `json:"anchor,omitempty"`
	// AnchorText is Anchor to be said in a reader's language.
	AnchorText i18n.Text `json:"-"`
	Checks     []Check   `json:"checks"`
	// AuditSeq and AuditHead are the audit chain's head the bundle names
	// (booth audit verify --bundle checks the chain against it).
	AuditSeq  int64  `json:"audit_seq,omitempty"`
	AuditHead string `json:"audit_head,omitempty"`
	// Ballot is the ballot found by the receipt, as the ledger holds it.
	Ballot *string `json:"ballot,omitempty"`
	// OK is true when every check passed or was skipped.
	OK bool `json:"ok"`
}

// Verify reads a bundle and runs every check: first the signature and its
// signer against the trust anchor, before anything that grows with the
// bundle (a bad signature, a foreign signer or, without an anchor, an
// unverified one ends the checks there);
// then the bundle's form, the definition's fingerprint, the recount (when
// the ledger is published) and the receipt (when one is given). The
// bundle is nil when it was not decoded; the report then ends with the
// failed check that says why.
func Verify(data []byte, o Options) (*Bundle, Report) {
	s, err := unarmor(data)
	if err != nil {
		return nil, Report{Checks: []Check{failed(CheckBundle, err)}}
	}
	r := Report{Signer: ssh.FingerprintSHA256(s.sig.PublicKey)}
	if o.Trust != nil {
		r.Anchor, r.AnchorText = o.Trust.Source.String(), o.Trust.Source
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	switch err := s.checkSignature(o.Trust, now, o.Namespace); {
	case errors.Is(err, ErrUnverified):
		// Anyone can sign a bundle: decoding and recounting one from a
		// key nobody vouches for would let any file cost the reader
		// minutes and gigabytes, and show a forgery's contents as if
		// they meant something.
		r.Checks = append(r.Checks, Check{Name: CheckSignature, Status: StatusUnverified, Code: ErrUnverified.Code, Detail: err.Error()})
		return nil, r
	case err != nil:
		r.Checks = append(r.Checks, failed(CheckSignature, err))
		return nil, r
	default:
		r.Checks = append(r.Checks, Check{Name: CheckSignature, Status: StatusOK,
			Detail: "valid, signed by " + r.Signer + ": " + o.Trust.Source.String()})
	}
	b, err := s.decode()
	if err != nil {
		r.Checks = append(r.Checks, failed(CheckBundle, err))
		return nil, r
	}
	r.Election, r.Title, r.Fingerprint = b.Election.ID, b.Election.Title, b.Election.Fingerprint
	r.AuditSeq, r.AuditHead, r.Format = b.AuditSeq, b.AuditHead, b.Format
	if b.Format == FormatV1 {
		// Skipped, not failed: bundles published before ballot texts were
		// canonical stay readable, and the reader is told what that means.
		r.Checks = append(r.Checks, Check{Name: CheckBallotTexts, Status: StatusSkipped,
			Detail: "a v1 bundle: its ballot texts are as published then, not checked to be the one text of their meaning (approvals in a voter's screen order could tie a ballot to them)"})
	}
	if err := b.CheckFingerprint(); err != nil {
		r.Checks = append(r.Checks, failed(CheckDefinition, err))
	} else {
		r.Checks = append(r.Checks, Check{Name: CheckDefinition, Status: StatusOK, Detail: "its fingerprint is " + b.Election.Fingerprint})
	}
	if b.Trustees != nil {
		r.Checks = append(r.Checks, b.trusteesCheck())
	}
	if b.Election.Nominations != nil || b.Nominations != nil {
		if err := b.CheckNominations(); err != nil {
			r.Checks = append(r.Checks, failed(CheckNominations, err))
		} else {
			r.Checks = append(r.Checks, Check{Name: CheckNominations, Status: StatusOK,
				Detail: fmt.Sprintf("each of the %d candidates was validly nominated under the definition's rules", len(b.Election.Candidates))})
		}
	}
	r.Checks = append(r.Checks, b.recountCheck())
	if o.Receipt != "" {
		c, ballot := b.receiptCheck(o.Receipt)
		r.Checks, r.Ballot = append(r.Checks, c), ballot
	}
	r.OK = true
	for _, c := range r.Checks {
		r.OK = r.OK && (c.Status == StatusOK || c.Status == StatusSkipped)
	}
	return b, r
}

func (b *Bundle) recountCheck() Check {
	err := b.Recount()
	switch {
	case errors.Is(err, ErrNoLedger):
		return Check{Name: CheckRecount, Status: StatusSkipped, Detail: "not possible: " + err.Error()}
	case err != nil:
		return failed(CheckRecount, err)
	}
	return Check{Name: CheckRecount, Status: StatusOK,
		Detail: fmt.Sprintf("the ledger's %d ballots count to the published result", b.Turnout.Voted)}
}

func (b *Bundle) receiptCheck(receipt string) (Check, *string) {
	f, err := b.Lookup(receipt)
	if err != nil {
		return failed(CheckReceipt, err), nil
	}
	return Check{Name: CheckReceipt, Status: StatusOK,
		Detail: "counted: the ledger holds its ballot under receipt hash " + f.ReceiptHash}, &f.Text
}

// JSON is the report as indented JSON in ASCII, like the bundle itself:
// it quotes text from the bundle, which could otherwise drive a terminal.
func (r Report) JSON() ([]byte, error) {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(asciiJSON(data), '\n'), nil
}

// failed is a failed check; its code is the Failure err wraps.
func failed(name string, err error) Check {
	c := Check{Name: name, Status: StatusFailed, Detail: err.Error()}
	var f *Failure
	if errors.As(err, &f) {
		c.Code = f.Code
	}
	return c
}
