package bundle_test

import (
	"testing"

	"vote.example.org/booth/models/bundle"
)

// With nominators published, a bundle whose
// supporters exceed the definition's max_per_nominator (member a backs
// both candidates under max_per_nominator = 1) shows an invalid
// nomination that booth verify can see, and must refuse.
func TestMaxPerNominatorIsChecked(t *testing.T) {
	signer := newSigner(t)
	p := nominatedPublication(t)
	r := *p.Election.Nominations
	r.MaxPerNominator = 1
	p.Election.Nominations = &r
	p.Election.Fingerprint = p.Election.Definition.Fingerprint()
	data, err := bundle.Sign(p, signer, bundle.Namespace)
	must(t, err)
	_, rep := verifyWith(t, data, signer)
	if rep.OK || check(t, rep, bundle.CheckNominations).Status != bundle.StatusFailed {
		t.Fatalf("a bundle where member a nominated 2 candidates under max_per_nominator = 1 verified: %+v", rep)
	}
}

// A self-nomination made while the rules allowed it stays listed after an
// edit forbids it; it does not count, but the nominee's other supporters
// still make them a candidate, as the close decided (models.Nomination.Valid).
func TestSelfSupportUncountedNotRefused(t *testing.T) {
	signer := newSigner(t)
	p := nominatedPublication(t)
	p.Nominations[0].Supporters = []string{"a", "b"}
	data, err := bundle.Sign(p, signer, bundle.Namespace)
	must(t, err)
	if _, rep := verifyWith(t, data, signer); !rep.OK {
		t.Fatalf("b, nominated by a and by themselves under self = false and 1 supporter needed, was refused: %+v", rep)
	}
}
