package bundle_test

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/bundle"
)

// checkResultKeys checks that every key of a bundle's result is snake_case
// and described in docs/formats.md (issue 11: not Go's field names), and
// returns how many keys the result holds.
func checkResultKeys(t *testing.T, data []byte) int {
	t.Helper()
	body := data[:bytes.Index(data, []byte("-----BEGIN SSH SIGNATURE-----"))]
	var doc struct {
		Format string `json:"format"`
		Result any    `json:"result"`
	}
	must(t, json.Unmarshal(body, &doc))
	if doc.Format != bundle.Format || bundle.Format != "booth-results-bundle-v3" {
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
					t.Errorf("the result has the key %q", k)
				}
				if !seen[k] && !strings.Contains(string(docs), "`"+k+"`") {
					t.Errorf("docs/formats.md does not describe the result's key %q", k)
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
	walk(doc.Result)
	return keys
}

// Issue 11: a new bundle's result has keys of its own, in snake_case, as
// docs/formats.md describes them, not Go's field names.
func TestNewBundleResultHasSnakeCaseKeys(t *testing.T) {
	p := publish(t, true)
	if n := checkResultKeys(t, p.data); n < 14 {
		t.Errorf("the result has %d keys; want every field of a result", n)
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

// encoding/json matches keys regardless of case, so a result with Go's
// field names would decode as a v3 result: the canonical check must
// refuse it, since booth never writes it so.
func TestGoNamedResultLabelledV3IsRefused(t *testing.T) {
	data, err := os.ReadFile("testdata/v2.bundle")
	must(t, err)
	signer := newSigner(t)
	data = resign(t, tamper(t, data, bundle.FormatV2, bundle.Format), signer, bundle.Namespace)
	trust, err := bundle.TrustSigner(ssh.FingerprintSHA256(signer.PublicKey()))
	must(t, err)
	b, r := bundle.Verify(data, bundle.Options{Trust: trust})
	if c := check(t, r, bundle.CheckBundle); b != nil || r.OK || c.Code != bundle.ErrNotCanonical.Code {
		t.Errorf("a v2 bundle labelled v3: %+v", r)
	}
}
