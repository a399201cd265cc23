package bundle_test

import (
	"os"
	"testing"

	"vote.example.org/booth/models/bundle"
)

// testdata/v2.bundle was written by booth at commit 8b06fa7, before the
// bundle's result had snake_case keys (issue 11): its result is
// tally.Result as encoding/json wrote it then ("Elected", "Pairwise", …),
// and it is signed, so a reader must keep reading that shape and recount
// to exactly it. Its signer is a key from a fixed seed.
func TestPublishedV2BundleStillVerifies(t *testing.T) {
	data, err := os.ReadFile("testdata/v2.bundle")
	must(t, err)
	trust, err := bundle.TrustSigner("SHA256:XiICXkJTAm337gG/mDxQwdkeJRpUPdy/ZBPi2dodhYs")
	must(t, err)
	b, r := bundle.Verify(data, bundle.Options{Trust: trust, Receipt: "OTAS-TNZP-4LYO-KMXQ-S6NB-NOZW-3U"})
	if !r.OK || b == nil || r.Ballot == nil || *r.Ballot != "bert\nalma\n" {
		t.Fatalf("the v2 bundle does not verify: %+v", r)
	}
	for _, name := range []string{bundle.CheckSignature, bundle.CheckDefinition, bundle.CheckRecount, bundle.CheckReceipt} {
		if c := check(t, r, name); c.Status != bundle.StatusOK {
			t.Errorf("%s: %+v", name, c)
		}
	}
	for _, c := range r.Checks {
		if c.Name == bundle.CheckBallotTexts {
			t.Errorf("a v2 bundle's ballot texts are checked, but the report says %+v", c)
		}
	}
	if r.Format != "booth-results-bundle-v2" {
		t.Errorf("the report names the format %q", r.Format)
	}
	if len(b.Result.Elected) != 1 || b.Result.Candidates[b.Result.Elected[0]].ID != "alma" || b.Result.Ballots != 6 {
		t.Errorf("the v2 bundle's result reads as %+v", b.Result)
	}
}

// testdata/v2-irv.bundle was written by booth's code at 8b06fa7 (as
// v2.bundle was; the base of the phrases, 0ea8842, writes only v4 but
// verifies this bundle) for an IRV election whose tie for last place was
// broken by lot: a v2 result with round actions, notes and a tie rule. Its
// recount must be those bytes, with none of the phrase fields tally keeps
// since; signed by a key from a fixed seed.
func TestPublishedV2IRVBundleStillRecounts(t *testing.T) {
	data, err := os.ReadFile("testdata/v2-irv.bundle")
	must(t, err)
	trust, err := bundle.TrustSigner("SHA256:0Ya06rhiANtupUdgBOgqUBeBJQYv+rI8i+AsXT1xrCo")
	must(t, err)
	b, r := bundle.Verify(data, bundle.Options{Trust: trust, Receipt: "JC6Q-MO2L-PSZZ-HPKB-VAOQ-KAZW-3I"})
	if !r.OK || b == nil || r.Ballot == nil || *r.Ballot != "alma\ncleo\n" || r.Format != bundle.FormatV2 {
		t.Fatalf("the v2 IRV bundle does not verify: %+v", r)
	}
	for _, name := range []string{bundle.CheckSignature, bundle.CheckDefinition, bundle.CheckRecount, bundle.CheckReceipt} {
		if c := check(t, r, name); c.Status != bundle.StatusOK {
			t.Errorf("%s: %+v", name, c)
		}
	}
	res := b.Result
	if len(res.Rounds) < 2 || len(res.Rounds[1].Notes) == 0 || len(res.Ties) != 1 || res.Ties[0].Rule != "lot" {
		t.Fatalf("the v2 IRV bundle holds no round notes or tie to recount: %+v", res)
	}
	if res.Rounds[1].ActionPhrase != nil || res.Rounds[1].NotePhrases != nil || res.Ties[0].RulePhrase != nil {
		t.Errorf("a v2 result reads with phrases booth never published: %+v", res.Rounds[1])
	}
}
