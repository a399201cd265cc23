package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Options are what Verify checks besides the bundle itself.
type Options struct {
	// Signer is the SHA256 fingerprint the signing key must have; empty
	// accepts any key (and the report names it, for a person to compare).
	Signer string
	// Receipt, when not empty, is looked up in the ledger.
	Receipt string
}

// Check names.
const (
	CheckBundle     = "bundle"
	CheckSignature  = "signature"
	CheckDefinition = "definition"
	CheckRecount    = "recount"
	CheckReceipt    = "receipt"
)

// Check statuses.
const (
	StatusOK      = "ok"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// Check is the outcome of one check.
type Check struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	// Code names the failure (Failure.Code); empty unless failed.
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
	// SignerExpected is Options.Signer: the key the signature was checked
	// against, or empty when any key's was accepted.
	SignerExpected string  `json:"signer_expected,omitempty"`
	Checks         []Check `json:"checks"`
	// Ballot is the ballot found by the receipt, as the ledger holds it.
	Ballot *string `json:"ballot,omitempty"`
	// OK is true when no check failed.
	OK bool `json:"ok"`
}

// Verify reads a bundle and runs every check: the signature, the
// definition's fingerprint, the recount (when the ledger is published) and
// the receipt (when one is given). The bundle is nil when the file is not
// one; the report then holds the one failed check saying why.
func Verify(data []byte, o Options) (*Bundle, Report) {
	b, err := Open(data)
	if err != nil {
		return nil, Report{Checks: []Check{failed(CheckBundle, err)}}
	}
	r := Report{Election: b.Election.ID, Title: b.Election.Title, Fingerprint: b.Election.Fingerprint, Signer: b.Signer()}
	if o.Signer != "" {
		r.SignerExpected = NormalizeFingerprint(o.Signer)
	}
	if err := b.CheckSignature(o.Signer); err != nil {
		r.Checks = append(r.Checks, failed(CheckSignature, err))
	} else {
		detail := "valid, signed by " + b.Signer()
		if o.Signer == "" {
			detail += " (compare it with the host key fingerprint the officers published, or pass --signer)"
		}
		r.Checks = append(r.Checks, Check{Name: CheckSignature, Status: StatusOK, Detail: detail})
	}
	if err := b.CheckFingerprint(); err != nil {
		r.Checks = append(r.Checks, failed(CheckDefinition, err))
	} else {
		r.Checks = append(r.Checks, Check{Name: CheckDefinition, Status: StatusOK, Detail: "its fingerprint is " + b.Election.Fingerprint})
	}
	r.Checks = append(r.Checks, b.recountCheck())
	if o.Receipt != "" {
		c, ballot := b.receiptCheck(o.Receipt)
		r.Checks, r.Ballot = append(r.Checks, c), ballot
	}
	r.OK = true
	for _, c := range r.Checks {
		r.OK = r.OK && c.Status != StatusFailed
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
