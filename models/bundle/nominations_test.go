package bundle_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/tally"
)

// nominatedPublication is a counted election whose candidates b and c
// were nominated (b by a and d, c by a), with nominators published.
func nominatedPublication(t *testing.T, extra ...models.Candidate) models.Publication {
	t.Helper()
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	d := models.Definition{
		ID: "board", Title: "Board", Method: tally.Schulze, Seats: 1, OpensAt: at, ClosesAt: at.Add(48 * time.Hour), TieSeed: "seed",
		Candidates: append([]models.Candidate{{ID: "b", Name: "Bea", Statement: "I serve."}, {ID: "c", Name: "Cy", Statement: "Me too."}}, extra...),
		Nominations: &models.NominationRules{Opens: at.AddDate(0, 0, -30), Closes: at.AddDate(0, 0, -7), Supporters: 1,
			NominatorInGoodStanding: true, PublishNominators: true, Closed: true},
	}
	var ballots []models.Ballot
	for _, text := range []string{"b\nc\n", "c\n"} {
		b, err := models.ParseBallot(d, nil, text)
		must(t, err)
		ballots = append(ballots, b)
	}
	te, opts := models.TallyElection(d, nil, ballots)
	res, err := tally.Count(te, opts)
	must(t, err)
	return models.Publication{
		Election: models.Election{Definition: d, State: models.Counted, Fingerprint: d.Fingerprint(), OpenedAt: at, ClosedAt: at.Add(48 * time.Hour)},
		Result:   models.StoredResult{Result: res, CountedAt: at.Add(49 * time.Hour)},
		Turnout:  models.Turnout{Voted: 2, Electorate: 4}, Voters: []string{"a", "d"},
		Nominations: []models.Nomination{
			{NomineeID: "b", State: models.NominationAccepted, Supporters: []string{"a", "d"}},
			{NomineeID: "c", State: models.NominationAccepted, Supporters: []string{"a"}},
		},
		PublishedAt: at.Add(50 * time.Hour),
	}
}

func verifyWith(t *testing.T, data []byte, signer ssh.Signer) (*bundle.Bundle, bundle.Report) {
	t.Helper()
	trust, err := bundle.TrustSigner(ssh.FingerprintSHA256(signer.PublicKey()))
	must(t, err)
	return bundle.Verify(data, bundle.Options{Trust: trust})
}

func TestNominationsSectionVerifies(t *testing.T) {
	signer := newSigner(t)
	data, err := bundle.Sign(nominatedPublication(t), signer, bundle.Namespace)
	must(t, err)
	if !bytes.Contains(data, []byte(`"nominations": [`)) || !bytes.Contains(data, []byte(`"supporters_count": 2`)) {
		t.Fatalf("the bundle lists no nominations:\n%s", data)
	}
	checkKeys(t, data, "definition")
	b, r := verifyWith(t, data, signer)
	if !r.OK || check(t, r, bundle.CheckNominations).Status != bundle.StatusOK || len(b.Nominations) != 2 || b.Nominations[0].Supporters[1] != "d" {
		t.Fatalf("a validly nominated election: %+v", r)
	}
}

// A bundle edited to add a candidate nobody nominated, with the
// fingerprint and result made to match and signed again (the host key
// stolen, or the server lying), is refused: and so is every other way of
// making the nominations and the candidates disagree.
func TestUnnominatedCandidateIsRefused(t *testing.T) {
	signer := newSigner(t)
	sign := func(p models.Publication) []byte {
		data, err := bundle.Sign(p, signer, bundle.Namespace)
		must(t, err)
		return data
	}
	good := sign(nominatedPublication(t))
	noSection := func() []byte {
		i := bytes.Index(good, []byte(",\n  \"nominations\": ["))
		j := bytes.Index(good, []byte("\n}\n-----BEGIN SSH SIGNATURE-----"))
		return resign(t, append(append([]byte{}, good[:i]...), good[j:]...), signer, bundle.Namespace)
	}
	for _, tc := range []struct {
		name  string
		data  []byte
		words string
		want  error
	}{
		{"an unnominated candidate", sign(nominatedPublication(t, models.Candidate{ID: "mallory", Name: "Mallory"})),
			"candidate mallory (Mallory) was not nominated", bundle.ErrNominations},
		{"too few supporters", sign(func() models.Publication {
			p := nominatedPublication(t)
			r := *p.Election.Nominations
			r.Supporters = 2
			p.Election.Nominations = &r
			p.Election.Fingerprint = p.Election.Definition.Fingerprint()
			return p
		}()), "candidate c had 1 supporters; the rules need 2", bundle.ErrNominations},
		{"a self-nomination", sign(func() models.Publication {
			p := nominatedPublication(t)
			p.Nominations[1].Supporters = []string{"c"}
			return p
		}()), "c nominated themselves", bundle.ErrNominations},
		{"the section removed", noSection(), "it lists none", bundle.ErrNominations},
		{"relabelled v3", resign(t, tamper(t, good, bundle.Format, bundle.FormatV3), signer, bundle.Namespace), "holds no nominations", bundle.ErrFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r := verifyWith(t, tc.data, signer)
			var found *bundle.Check
			for i, c := range r.Checks {
				if c.Status == bundle.StatusFailed {
					found = &r.Checks[i]
					break
				}
			}
			if r.OK || found == nil || !strings.Contains(found.Detail, tc.words) {
				t.Fatalf("report %+v; want a failure saying %q", r, tc.words)
			}
			var f *bundle.Failure
			if !errors.As(tc.want, &f) || found.Code != f.Code {
				t.Fatalf("failure code %q, want %q", found.Code, f.Code)
			}
		})
	}
}
