package bundle_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/tally"
)

// Issue 10 item 10: a bundle signed by the right key is still refused
// unless it is the one text booth writes for what it says, names each
// voter once and has a consistent turnout. Each case is signed again by
// the host key, so only these checks can catch it, in Verify and Open
// (booth review) alike.
func TestSignedBundleMustBeCanonicalAndConsistent(t *testing.T) {
	p := publish(t, true)
	for _, tc := range []struct {
		name, old, new, code, msg string
	}{
		{"a key twice", `"voted": 6,`, `"voted": 6, "voted": 5,`, "duplicate-key", `the key "voted" occurs twice in turnout`},
		{"a key twice at the top", `"ledger_published": true,`, `"ledger_published": true, "about": "x",`, "duplicate-key", `the key "about" occurs twice at its top level`},
		{"a key twice in a ledger entry", `"status": "replaced"`, `"status": "replaced", "status": "counted"`, "duplicate-key", `the key "status" occurs twice in ledger`},
		{"another spacing", `"format": "`, `"format":  "`, "not-canonical", "line 2 differs from the form booth writes"},
		{"keys in another order", "\"voted\": 6,\n    \"electorate\": 6", "\"electorate\": 6,\n    \"voted\": 6", "not-canonical", "line 137 differs"},
		{"an escape booth does not write", `"a-member"`, `"\u0061-member"`, "not-canonical", "line 141 differs"},
		{"a voter twice", `"b-member"`, `"a-member"`, "duplicate-voter", `its list of voters is not consistent: the member "a-member" is listed twice`},
		{"more voted than the electorate", `"electorate": 6`, `"electorate": 5`, "turnout-inconsistent", "6 voted of an electorate of 5"},
		{"voted is not the voters", `"voted": 6`, `"voted": 5`, "turnout-inconsistent", "it says 5 voted but lists 6 voters"},
		{"the ledger is not the voters", "\"voted\": 6,\n    \"electorate\": 6\n  },\n  \"voters\": [\n    \"a-member\",",
			"\"voted\": 5,\n    \"electorate\": 6\n  },\n  \"voters\": [", "turnout-inconsistent", "its ledger holds 6 counted ballots, but 5 voted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := resign(t, tamper(t, p.data, tc.old, tc.new), p.host, bundle.Namespace)
			b, r := bundle.Verify(data, bundle.Options{Trust: p.trust(t)})
			c := check(t, r, bundle.CheckBundle)
			if b != nil || r.OK || c.Code != tc.code || !strings.Contains(c.Detail, tc.msg) {
				t.Errorf("Verify: %+v, want %s saying %q", r, tc.code, tc.msg)
			}
			if check(t, r, bundle.CheckSignature).Status != bundle.StatusOK {
				t.Errorf("the signature is not ok: %+v", r)
			}
			if _, err := bundle.Open(data); err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Open: %v", err)
			}
		})
	}
}

// hugeSchulzeBundle is the attack of issue 10 item 10: a bundle of
// 10,000 Schulze candidates (1.9 MB), whose recount alone needs
// gigabytes. The result is made up; nobody counted it.
func hugeSchulzeBundle(t testing.TB, signer ssh.Signer) []byte {
	t.Helper()
	d := models.Definition{ID: "huge", Title: "Huge", Method: tally.Schulze, Seats: 1, PublishLedger: true}
	res := &tally.Result{Title: "Huge", Method: tally.Schulze, Seats: 1}
	for i := range 10_000 {
		c := models.Candidate{ID: fmt.Sprintf("c%05d", i), Name: fmt.Sprintf("Candidate %d", i)}
		d.Candidates = append(d.Candidates, c)
		res.Candidates = append(res.Candidates, tally.Candidate{ID: c.ID, Name: c.Name})
	}
	p := models.Publication{Election: models.Election{Definition: d, State: models.Counted, Fingerprint: d.Fingerprint()},
		Result: models.StoredResult{Result: res}, PublishedAt: time.Now()}
	data, err := bundle.Sign(p, signer, "")
	must(t, err)
	return data
}

// allocated is the number of bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Issue 10 item 10: before, an unsigned bundle of 10,000 Schulze
// candidates cost 2.68 GB and 11 s, since everything was decoded and
// recounted before the signature was looked at. The signature and its
// signer are now checked first, over the raw bytes: refusing it allocates
// a few kilobytes, whatever the bundle's size.
func TestUnsignedHugeBundleIsRefusedBeforeDecoding(t *testing.T) {
	host, foreign := newSigner(t), newSigner(t)
	data := hugeSchulzeBundle(t, host)
	if len(data) < 1<<20 {
		t.Fatalf("the bundle has %d bytes, want more than a megabyte", len(data))
	}
	trust, err := bundle.TrustSigner(ssh.FingerprintSHA256(host.PublicKey()))
	must(t, err)
	const limit = 64 << 10
	for _, tc := range []struct {
		name  string
		data  []byte
		trust *bundle.Trust
		code  string
	}{
		{"changed after signing, no anchor", bytes.Replace(data, []byte(`"Candidate 1"`), []byte(`"Candidate X"`), 1), nil, "bad-signature"},
		{"changed after signing, with the anchor", bytes.Replace(data, []byte(`"Candidate 1"`), []byte(`"Candidate X"`), 1), trust, "bad-signature"},
		{"signed by a foreign key", resign(t, data, foreign, bundle.Namespace), trust, "wrong-signer"},
	} {
		var r bundle.Report
		var b *bundle.Bundle
		n := allocated(func() { b, r = bundle.Verify(tc.data, bundle.Options{Trust: tc.trust}) })
		if b != nil || r.OK || len(r.Checks) != 1 || r.Checks[0].Code != tc.code {
			t.Errorf("%s: %+v", tc.name, r)
		}
		if n > limit {
			t.Errorf("%s: refusing a bundle of %d bytes allocated %d bytes, want at most %d", tc.name, len(data), n, limit)
		}
		t.Logf("%s: refused with %d bytes allocated for a bundle of %d bytes", tc.name, n, len(data))
	}
}

// BenchmarkVerifyRefusesUnsigned measures refusing the huge bundle of a
// foreign signer: B/op is what one refusal allocates.
func BenchmarkVerifyRefusesUnsigned(b *testing.B) {
	host := newSigner(b)
	data := resign(b, hugeSchulzeBundle(b, host), newSigner(b), bundle.Namespace)
	trust, err := bundle.TrustSigner(ssh.FingerprintSHA256(host.PublicKey()))
	must(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, r := bundle.Verify(data, bundle.Options{Trust: trust}); r.OK {
			b.Fatal("a foreign signer's bundle verifies")
		}
	}
}
