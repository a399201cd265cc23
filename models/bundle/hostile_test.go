package bundle_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/tally"
)

// signRaw signs any payload as a bundle, as ssh-keygen -Y sign would.
func signRaw(t *testing.T, payload []byte, s ssh.Signer) []byte {
	t.Helper()
	sig, err := sshsig.Sign(bytes.NewReader(payload), s, sshsig.HashSHA512, bundle.Namespace)
	must(t, err)
	return append(append([]byte{}, payload...), sshsig.Armor(sig)...)
}

// bigElection is a signed bundle of a Schulze election with n candidates
// and one ballot.
func bigElection(t *testing.T, n int, s ssh.Signer) []byte {
	t.Helper()
	d := models.Definition{ID: "big", Title: "Big", Method: tally.Schulze, Seats: 1, PublishLedger: true, TieSeed: "seed",
		OpensAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ClosesAt: time.Date(2026, 1, 8, 0, 0, 0, 0, time.UTC)}
	for i := range n {
		id := fmt.Sprintf("c%05d", i)
		d.Candidates = append(d.Candidates, models.Candidate{ID: id, Name: "C" + id})
	}
	p := models.Publication{Election: models.Election{Definition: d, State: models.Counted, Fingerprint: d.Fingerprint()},
		Turnout: models.Turnout{Voted: 1, Electorate: 1}, Voters: []string{"m1"}}
	p.Ledger = []models.LedgerEntry{{Ballot: "c00000\n"}}
	p.Result = models.StoredResult{Result: &tally.Result{Title: "Big", Method: tally.Schulze, Seats: 1}}
	data, err := bundle.Sign(p, s, "")
	must(t, err)
	return data
}

// Issue 10 review A: without a trust anchor, a bundle signed by anyone was
// decoded and recounted (10,000 Schulze candidates: 77 s, 5 GB). Now the
// signature is all that is read.
func TestVerifyWithoutAnchorReadsOnlyTheSignature(t *testing.T) {
	data := bigElection(t, 10000, newSigner(t))
	var r bundle.Report
	var b *bundle.Bundle
	n := allocated(func() { b, r = bundle.Verify(data, bundle.Options{}) })
	if b != nil || r.OK || len(r.Checks) != 1 || r.Checks[0].Status != bundle.StatusUnverified {
		t.Errorf("an unanchored bundle was read beyond its signature: %+v", r)
	}
	if !strings.Contains(r.Checks[0].Detail, r.Signer) || !strings.Contains(r.Checks[0].Detail, "--signer") {
		t.Errorf("the report does not name the signer and the flags to give: %q", r.Checks[0].Detail)
	}
	if limit := uint64(len(data)) / 4; n > limit {
		t.Errorf("checking the signature of a %d-byte bundle allocated %d bytes; want at most %d", len(data), n, limit)
	}
}

// Issue 10 review A: a bundle, even from a trusted key, with more
// candidates than any election may have is refused before its recount.
func TestVerifyRefusesMoreCandidatesThanAnElectionMayHave(t *testing.T) {
	s := newSigner(t)
	data := bigElection(t, models.MaxCandidates+1, s)
	tr, err := bundle.TrustSigner(ssh.FingerprintSHA256(s.PublicKey()))
	must(t, err)
	b, r := bundle.Verify(data, bundle.Options{Trust: tr})
	last := r.Checks[len(r.Checks)-1]
	if b != nil || last.Name != bundle.CheckBundle || !strings.Contains(last.Detail, fmt.Sprintf("at most %d", models.MaxCandidates)) {
		t.Errorf("a bundle of %d candidates: %+v", models.MaxCandidates+1, r)
	}
}

// Issue 10 review A: the duplicate-key walk followed any nesting, so a
// payload of brackets (signed by a trusted key, or before the anchor
// check was first) cost gigabytes. It now stops at a depth no bundle
// needs.
func TestOpenRefusesDeepNesting(t *testing.T) {
	payload := []byte(strings.Repeat("[", 1<<20) + "\n")
	s := newSigner(t)
	data := signRaw(t, payload, s)
	tr, err := bundle.TrustSigner(ssh.FingerprintSHA256(s.PublicKey()))
	must(t, err)
	var openErr error
	n := allocated(func() { _, openErr = bundle.OpenTrusted(data, tr, time.Now(), "") })
	if !errors.Is(openErr, bundle.ErrFormat) || !strings.Contains(fmt.Sprint(openErr), "nests deeper than") {
		t.Errorf("a payload of %d brackets: %v", len(payload)-1, openErr)
	}
	if limit := uint64(len(payload)); n > limit {
		t.Errorf("refusing a %d-byte payload of brackets allocated %d bytes; want at most %d", len(payload), n, limit)
	}
}
