package bundle_test

import (
	"os"
	"testing"

	"vote.example.org/booth/models/bundle"
)

// testdata/v1.bundle was written by booth before issue 10 (commit
// 2104be0), signed by a key from a fixed seed. The stricter reading of
// items 9 and 10 (anchor first, canonical text, consistent turnout) must
// not refuse a bundle booth has published.
func TestPublishedV1BundleStillVerifies(t *testing.T) {
	data, err := os.ReadFile("testdata/v1.bundle")
	must(t, err)
	trust, err := bundle.TrustSigner("SHA256:doxiASlJnKSD9j+JpVoWpfEFHjUrsF9ZYr+cir4FYjo")
	must(t, err)
	b, r := bundle.Verify(data, bundle.Options{Trust: trust, Receipt: "OYH2-5MCJ-2OMB-DJFE-ZH25-24ID-II"})
	if !r.OK || b == nil || r.Ballot == nil || *r.Ballot != "bert\nalma\ncleo\n" {
		t.Fatalf("the v1 bundle does not verify: %+v", r)
	}
	for _, name := range []string{bundle.CheckSignature, bundle.CheckDefinition, bundle.CheckRecount, bundle.CheckReceipt} {
		if c := check(t, r, name); c.Status != bundle.StatusOK {
			t.Errorf("%s: %+v", name, c)
		}
	}
	if r.AuditSeq == 0 || len(r.AuditHead) != 64 {
		t.Errorf("the report does not name the bundle's audit head: %d %q", r.AuditSeq, r.AuditHead)
	}
}

// A v1 bundle says in its report that its ballot texts were not checked
// to be canonical (issue 10 item 2, second review): a signer could label
// a new bundle v1 to publish marked texts, and the reader must see that.
func TestV1BundleSaysItsBallotTextsWereNotChecked(t *testing.T) {
	data, err := os.ReadFile("testdata/v1.bundle")
	if err != nil {
		t.Fatal(err)
	}
	trust, err := bundle.TrustSigner("SHA256:doxiASlJnKSD9j+JpVoWpfEFHjUrsF9ZYr+cir4FYjo")
	must(t, err)
	_, r := bundle.Verify(data, bundle.Options{Trust: trust})
	var found bool
	for _, c := range r.Checks {
		found = found || c.Name == bundle.CheckBallotTexts && c.Status == bundle.StatusSkipped
	}
	if r.Format != bundle.FormatV1 || !found {
		t.Errorf("the v1 bundle's report: format %q, checks %+v; want format v1 and a skipped %s check", r.Format, r.Checks, bundle.CheckBallotTexts)
	}
}
