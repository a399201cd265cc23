package bundle_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/bundle"
)

// checkKeys checks that every key of the part of a bundle named by part
// ("definition" or "result") is snake_case and described in
// docs/formats.md (issue 11: not Go's field names), and returns how many
// keys it holds.
func checkKeys(t *testing.T, data []byte, part string) int {
	t.Helper()
	body := data[:bytes.Index(data, []byte("-----BEGIN SSH SIGNATURE-----"))]
	var doc struct {
		Format   string `json:"format"`
		Election struct {
			Definition any `json:"definition"`
		} `json:"election"`
		Result any `json:"result"`
	}
	must(t, json.Unmarshal(body, &doc))
	if (doc.Format != bundle.Format && doc.Format != bundle.FormatV3) || bundle.Format != "booth-results-bundle-v4" {
		t.Errorf("a new bundle's format is %q", doc.Format)
	}
	docs, err := os.ReadFile("../../docs/formats.md")
	must(t, err)
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	keys, seen := 0, map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				keys++
				if !snake.MatchString(k) {
					t.Errorf("the %s has the key %q", part, k)
				}
				if !seen[k] && !strings.Contains(string(docs), "`"+k+"`") {
					t.Errorf("docs/formats.md does not describe the %s's key %q", part, k)
				}
				seen[k] = true
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	if part == "definition" {
		walk(doc.Election.Definition)
	} else {
		walk(doc.Result)
	}
	return keys
}

// checkResultKeys is checkKeys of a bundle's result.
func checkResultKeys(t *testing.T, data []byte) int {
	t.Helper()
	return checkKeys(t, data, "result")
}

// Issue 11: a new bundle's definition and result have keys of their own,
// in snake_case, as docs/formats.md describes them, not Go's field names.
func TestNewBundleHasSnakeCaseKeys(t *testing.T) {
	p := publish(t, true)
	if n := checkResultKeys(t, p.data); n < 14 {
		t.Errorf("the result has %d keys; want every field of a result", n)
	}
	// Twenty keys, four of each candidate's (three here), two of the
	// quorum's and of each ratio's.
	if n := checkKeys(t, p.data, "definition"); n != 20+4*3+2+2*2 {
		t.Errorf("the definition has %d keys; want every field of a definition", n)
	}
	for _, key := range []string{`"elected": [`, `"pairwise": [`, `"candidates": [`} {
		if !bytes.Contains(p.data, []byte(key)) {
			t.Errorf("the bundle holds no %s", key)
		}
	}
}

// A Meek count has rounds of decimals and states and, with many ballots,
// ties: the recount of a v3 bundle must agree with all of them.
func TestMeekBundleRecounts(t *testing.T) {
	p := largePublication(t, 300)
	if len(p.Result.Result.Rounds) < 2 {
		t.Fatalf("the count has %d rounds; want a count that transfers", len(p.Result.Result.Rounds))
	}
	signer := newSigner(t)
	data, err := bundle.Sign(p, signer, "")
	must(t, err)
	trust, err := bundle.TrustSigner(ssh.FingerprintSHA256(signer.PublicKey()))
	must(t, err)
	if _, r := bundle.Verify(data, bundle.Options{Trust: trust}); !r.OK || check(t, r, bundle.CheckRecount).Status != bundle.StatusOK {
		t.Errorf("a Meek bundle: %+v", r)
	}
	checkResultKeys(t, data)
	for _, key := range []string{`"totals": [`, `"status": [`, `"exhausted": "`, `"iterations": `} {
		if !bytes.Contains(data, []byte(key)) {
			t.Errorf("the bundle holds no %s", key)
		}
	}
}

// v2Renamed is testdata/v2.bundle with format v3 and the Go field names of
// the given parts ("definition", "result") renamed as docs/formats.md says
// (snake_case; ID is id, the quorum's Extend extend_ns), except the keys
// in keep, signed by signer.
func v2Renamed(t *testing.T, signer ssh.Signer, parts []string, keep ...string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/v2.bundle")
	must(t, err)
	data = tamper(t, data, bundle.FormatV2, bundle.FormatV3)
	bounds := map[string][2]string{
		"definition": {"\n    \"definition\": {\n", "\n    \"fingerprint\": "},
		"result":     {"\n  \"result\": {\n", "\n  \"turnout\": "},
	}
	key := regexp.MustCompile(`(?m)^( *)"([A-Z][A-Za-z]*)": `)
	lower := regexp.MustCompile(`([a-z])([A-Z])`)
	for _, part := range parts {
		b := bounds[part]
		i := bytes.Index(data, []byte(b[0]))
		j := i + bytes.Index(data[i:], []byte(b[1]))
		section := key.ReplaceAllFunc(data[i:j], func(m []byte) []byte {
			sub := key.FindSubmatch(m)
			name := string(sub[2])
			if slices.Contains(keep, name) {
				return m
			}
			switch name {
			case "ID":
				name = "id"
			case "Extend":
				name = "extend_ns"
			default:
				name = strings.ToLower(lower.ReplaceAllString(name, "${1}_${2}"))
			}
			return []byte(fmt.Sprintf(`%s"%s": `, sub[1], name))
		})
		data = append(append(append([]byte{}, data[:i]...), section...), data[j:]...)
	}
	return resign(t, data, signer, bundle.Namespace)
}

// A v3 bundle is a v2 bundle with keys of its own: the v2 bundle with its
// keys renamed as docs/formats.md says is a v3 bundle of the same
// election, whose definition still has the fingerprint published when it
// opened and whose ledger recounts to its result.
func TestV2BundleRenamedIsAV3Bundle(t *testing.T) {
	signer := newSigner(t)
	data := v2Renamed(t, signer, []string{"definition", "result"})
	trust, err := bundle.TrustSigner(ssh.FingerprintSHA256(signer.PublicKey()))
	must(t, err)
	b, r := bundle.Verify(data, bundle.Options{Trust: trust, Receipt: "OTAS-TNZP-4LYO-KMXQ-S6NB-NOZW-3U"})
	if !r.OK || b == nil || r.Format != bundle.FormatV3 {
		t.Fatalf("the renamed v2 bundle: %+v", r)
	}
	for _, name := range []string{bundle.CheckDefinition, bundle.CheckRecount, bundle.CheckReceipt} {
		if c := check(t, r, name); c.Status != bundle.StatusOK {
			t.Errorf("%s: %+v", name, c)
		}
	}
	if b.Election.Fingerprint != "a943ff87f339a92490b63896de737f3c7938ec12d85c73cae8b19940c93e0221" || !b.Election.FixedOrder {
		t.Errorf("the renamed v2 bundle's election reads as %+v", b.Election)
	}
	checkKeys(t, data, "definition")
	checkKeys(t, data, "result")
}

// encoding/json matches keys regardless of case, so a result with Go's
// field names would decode as a v3 result: the canonical check must
// refuse it, since booth never writes it so.
func TestGoNamedResultLabelledV3IsRefused(t *testing.T) {
	signer := newSigner(t)
	data := v2Renamed(t, signer, []string{"definition"})
	trust, err := bundle.TrustSigner(ssh.FingerprintSHA256(signer.PublicKey()))
	must(t, err)
	b, r := bundle.Verify(data, bundle.Options{Trust: trust})
	if c := check(t, r, bundle.CheckBundle); b != nil || r.OK || c.Code != bundle.ErrNotCanonical.Code {
		t.Errorf("a v2 bundle labelled v3: %+v", r)
	}
}

// A v3 bundle's definition with Go's field names is refused: most of them
// are unknown keys, and those that match a v3 key but for case ("Title",
// "ID") are not the text booth writes.
func TestGoNamedDefinitionLabelledV3IsRefused(t *testing.T) {
	signer := newSigner(t)
	trust, err := bundle.TrustSigner(ssh.FingerprintSHA256(signer.PublicKey()))
	must(t, err)
	for _, tc := range []struct {
		name string
		data []byte
		want *bundle.Failure
	}{
		{"every key", v2Renamed(t, signer, []string{"result"}), bundle.ErrFormat},
		{"Title", v2Renamed(t, signer, []string{"definition", "result"}, "Title"), bundle.ErrNotCanonical},
		{"ID", v2Renamed(t, signer, []string{"definition", "result"}, "ID"), bundle.ErrNotCanonical},
	} {
		b, r := bundle.Verify(tc.data, bundle.Options{Trust: trust})
		if c := check(t, r, bundle.CheckBundle); b != nil || r.OK || c.Code != tc.want.Code {
			t.Errorf("a v3 bundle whose definition has Go's names (%s): %+v", tc.name, r)
		}
	}
}

// A time in the definition is written in UTC: the same time at another
// offset reads as the same definition, with the same fingerprint, but is
// not the text booth writes, so it is refused.
func TestDefinitionTimeAtAnotherOffsetIsRefused(t *testing.T) {
	p := publish(t, true)
	m := regexp.MustCompile(`"opens_at": "([^"]+)"`).FindSubmatch(p.data)
	at, err := time.Parse(time.RFC3339Nano, string(m[1]))
	must(t, err)
	moved := `"opens_at": "` + at.In(time.FixedZone("", 3600)).Format(time.RFC3339Nano) + `"`
	data := resign(t, tamper(t, p.data, string(m[0]), moved), p.host, bundle.Namespace)
	b, r := bundle.Verify(data, bundle.Options{Trust: p.trust(t)})
	if c := check(t, r, bundle.CheckBundle); b != nil || r.OK || c.Code != bundle.ErrNotCanonical.Code {
		t.Errorf("a definition's time at +01:00: %+v", r)
	}
}

// testdata/v3.bundle was written by booth at the commit that added it,
// with the definition and the result under keys of their own (issue 11),
// and signed again by a key from a fixed seed: once v3 bundles are
// published, a reader must keep reading them, fingerprint and recount
// included.
func TestPublishedV3BundleStillVerifies(t *testing.T) {
	data, err := os.ReadFile("testdata/v3.bundle")
	must(t, err)
	trust, err := bundle.TrustSigner("SHA256:zbv/nU7iZdO0fB0DalMI70dP6/yFD8sctXvvW4+OokY")
	must(t, err)
	b, r := bundle.Verify(data, bundle.Options{Trust: trust, Receipt: "PJYE-ZMWC-B6XI-7YJJ-GBX7-6ZHD-HU"})
	if !r.OK || b == nil || r.Ballot == nil || *r.Ballot != "bert\nalma\n" || r.Format != bundle.FormatV3 {
		t.Fatalf("the v3 bundle does not verify: %+v", r)
	}
	for _, name := range []string{bundle.CheckSignature, bundle.CheckDefinition, bundle.CheckRecount, bundle.CheckReceipt} {
		if c := check(t, r, name); c.Status != bundle.StatusOK {
			t.Errorf("%s: %+v", name, c)
		}
	}
	if !b.Election.FixedOrder || !b.Election.AllowReplace || b.Election.TieSeed != "seed" || len(b.Election.Candidates) != 3 {
		t.Errorf("the v3 bundle's definition reads as %+v", b.Election.Definition)
	}
	checkKeys(t, data, "definition")
	checkKeys(t, data, "result")
}
