package bundle_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/bundle"
)

// A signed v3 bundle whose result text is
// anything but what booth writes for the recount must not verify, however
// the keys are spelled, repeated or added.
func TestV3ResultMutationsFailClosed(t *testing.T) {
	p := publish(t, true)
	start := bytes.Index(p.data, []byte(`"result": {`))
	if start < 0 {
		t.Fatal("no result")
	}
	for _, tc := range []struct{ name, old, new string }{
		{"case-variant key", `"elected": [`, `"Elected": [`},
		{"upper-case key", `"elected": [`, `"ELECTED": [`},
		{"case-variant duplicate after", `"elected": [`, `"Elected": [2], "elected": [`},
		{"case-variant duplicate before", `"order": [`, `"ELECTED": [2], "order": [`},
		{"exact duplicate", `"order": [`, `"elected": [2], "order": [`},
		{"unknown key", `"order": [`, `"winner": [2], "order": [`},
		{"go-named unknown", `"order": [`, `"Totals": [2], "order": [`},
		{"escaped key", `"elected": [`, `"\u0065lected": [`},
		{"changed winner", `"elected": [` + "\n      0\n", `"elected": [` + "\n      2\n"},
		{"float index", `"elected": [` + "\n      0\n", `"elected": [` + "\n      0.0\n"},
		{"v2 label", `"format": "` + bundle.Format + `"`, `"format": "` + bundle.FormatV2 + `"`},
		{"v1 label", `"format": "` + bundle.Format + `"`, `"format": "` + bundle.FormatV1 + `"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := start
			if tc.name == "v2 label" || tc.name == "v1 label" {
				from = 0
			}
			i := bytes.Index(p.data[from:], []byte(tc.old))
			if i < 0 {
				t.Fatalf("no %q", tc.old)
			}
			i += from
			data := append(append(append([]byte{}, p.data[:i]...), tc.new...), p.data[i+len(tc.old):]...)
			data = resign(t, data, p.host, bundle.Namespace)
			b, r := bundle.Verify(data, bundle.Options{Trust: p.trust(t)})
			if r.OK {
				t.Errorf("verifies: %+v; result %+v", r, b.Result)
			}
			if _, err := bundle.Open(data); err == nil && tc.name != "changed winner" && tc.name != "v2 label" && tc.name != "v1 label" {
				t.Errorf("Open (review) reads it")
			}
		})
	}
}

// A v2 result is tally.Result as encoding/json wrote it, and
// encoding/json reads keys without regard to case, keeping the last of
// two: a result holding "Elected": [0] and "elected": [2] would read as one
// winner in booth and another in any case-sensitive JSON reader. Such a
// result is refused for what it is, whether or not a recount would also
// catch it (a bundle without a ledger has none).
func TestV2ResultWithCaseVariantKeysIsRefused(t *testing.T) {
	data, err := os.ReadFile("testdata/v2.bundle")
	must(t, err)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	must(t, err)
	host, err := ssh.NewSignerFromKey(priv)
	must(t, err)
	elected := "\"Elected\": [\n      0\n    ],"
	data = tamper(t, data, elected, elected+"\n    \"elected\": [\n      2\n    ],")
	_, err = bundle.Open(resign(t, data, host, bundle.Namespace))
	if err == nil || !strings.Contains(err.Error(), "its result is not the text booth writes") {
		t.Errorf("a v2 result naming winners under \"Elected\" and \"elected\" opens: %v", err)
	}
}
