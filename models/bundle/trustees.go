package bundle

import (
	"fmt"
	"strings"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/trustee"
)

// trusteesRecord is the "trustees" section of a bundle of an election
// with trustees: the count session's key and the releases its count used,
// each a statement with the SSH signature of the trustee who made it
// (models/trustee), so anyone can see offline which trustees took part
// and check each with ssh-keygen -Y verify.
type trusteesRecord struct {
	CountSession string          `json:"count_session"`
	Releases     []releaseRecord `json:"releases"`
}

type releaseRecord struct {
	Index     int    `json:"index"`
	Trustee   string `json:"trustee"`
	Statement string `json:"statement"`
	Signature string `json:"signature"`
}

// TrusteeEvidence is a checked "trustees" section: the releases, each
// signed by the trustee it names, for this election, its fingerprint
// and the count session, at least the threshold of them.
type TrusteeEvidence struct {
	CountSession string
	Releases     []models.UsedRelease
}

// newTrusteesRecord is the section a publication writes: nil for an
// election without trustees.
func newTrusteesRecord(p models.Publication) (*trusteesRecord, error) {
	if p.Election.Trustees == nil {
		if p.Count != nil {
			return nil, fmt.Errorf("election %s has no trustees but its publication holds releases", p.Election.ID)
		}
		return nil, nil
	}
	if p.Count == nil {
		return nil, fmt.Errorf("election %s has trustees: its bundle needs the releases its count used", p.Election.ID)
	}
	r := &trusteesRecord{CountSession: p.Count.Key, Releases: make([]releaseRecord, len(p.Count.Releases))}
	for i, u := range p.Count.Releases {
		r.Releases[i] = releaseRecord(u)
	}
	return r, nil
}

// readTrustees checks the section against the definition: present exactly
// when the definition names trustees (and never in a v3 or older bundle),
// each release valid for this election and session and signed by its
// trustee, no trustee twice, at least the threshold of them.
func (b *Bundle) readTrustees(r *trusteesRecord) error {
	t := b.Election.Trustees
	switch {
	case r != nil && b.Format != Format:
		return fmt.Errorf("%w: a %s bundle holds a trustees section, which only %s has", ErrFormat, b.Format, Format)
	case t == nil && r != nil:
		return fmt.Errorf("%w: it holds trustees' releases, but its definition names no trustees", ErrTrustees)
	case t == nil:
		return nil
	case r == nil:
		return fmt.Errorf("%w: its definition names %d trustees, threshold %d, but it holds no releases (a %s bundle cannot show them)", ErrTrustees, len(t.Keys), t.Threshold, b.Format)
	}
	if len(t.Members) != len(t.Keys) {
		return fmt.Errorf("%w: its definition lists %d trustee keys and %d member names", ErrTrustees, len(t.Keys), len(t.Members))
	}
	if err := trustee.CheckThreshold(t.Threshold, len(t.Keys)); err != nil {
		return fmt.Errorf("%w: its definition's %v", ErrTrustees, err)
	}
	if err := trustee.CheckCommitments(t.Threshold, t.Commitments); err != nil {
		return fmt.Errorf("%w: its definition's %v", ErrTrustees, err)
	}
	names := make([]string, len(t.Keys))
	for i := range names {
		names[i] = t.Name(i)
	}
	el := trustee.Election{ID: b.Election.ID, Fingerprint: b.Election.Fingerprint, Threshold: t.Threshold, Keys: t.Keys, Names: names,
		Recipient: t.Recipient, Commitments: t.Commitments}
	ev := &TrusteeEvidence{CountSession: r.CountSession}
	seen := map[int]bool{}
	for i, rr := range r.Releases {
		rel, err := trustee.ParseStatement([]byte(rr.Statement), []byte(rr.Signature))
		if err != nil {
			return fmt.Errorf("%w: release %d: %v", ErrTrustees, i+1, err)
		}
		if err := el.CheckStatement(rel, r.CountSession); err != nil {
			return fmt.Errorf("%w: release %d: %v", ErrTrustees, i+1, err)
		}
		if rel.Index != rr.Index || rel.Trustee != rr.Trustee {
			return fmt.Errorf("%w: release %d is listed as trustee %d (%s) but its statement is trustee %d's (%s)", ErrTrustees, i+1, rr.Index, rr.Trustee, rel.Index, rel.Trustee)
		}
		if seen[rel.Index] {
			return fmt.Errorf("%w: trustee %d (%s) is listed twice", ErrTrustees, rel.Index, t.Name(rel.Index-1))
		}
		if i > 0 && rel.Index < r.Releases[i-1].Index {
			return fmt.Errorf("%w: release %d is not in trustee order", ErrTrustees, i+1)
		}
		seen[rel.Index] = true
		ev.Releases = append(ev.Releases, models.UsedRelease(rr))
	}
	if len(ev.Releases) < t.Threshold {
		return fmt.Errorf("%w: it holds %d releases, but %d of the %d trustees must release their shares to open the ballots", ErrTrustees, len(ev.Releases), t.Threshold, len(t.Keys))
	}
	b.Trustees = ev
	return nil
}

// trusteesCheck says which trustees opened the ballots.
func (b *Bundle) trusteesCheck() Check {
	t := b.Election.Trustees
	var who []string
	for _, r := range b.Trustees.Releases {
		who = append(who, fmt.Sprintf("trustee %d (%s)", r.Index, t.Name(r.Index-1)))
	}
	return Check{Name: CheckTrustees, Status: StatusOK,
		Detail: fmt.Sprintf("%d of %d trustees (threshold %d) released their shares to count session %s, each release signed by its trustee: %s",
			len(who), len(t.Keys), t.Threshold, b.Trustees.CountSession, strings.Join(who, ", "))}
}
