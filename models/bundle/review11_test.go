package bundle_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/bundle"
)

// Review of issue 11 (bundle v3): a signed v3 bundle whose result text is
// anything but what booth writes for the recount must not verify, however
// the keys are spelled, repeated or added.
func TestReview11V3ResultMutationsFailClosed(t *testing.T) {
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

// Older (not issue 11's doing, but v2 stays readable forever): a v2 bundle
// is still accepted from any key holder, and its result is decoded with
// encoding/json's case-insensitive keys and no check of unknown or
// case-variant keys. Without a ledger there is no recount, so a result
// holding "Elected": [0] and "elected": [2] verifies, and booth shows
// candidate 3 elected where any case-sensitive JSON reader sees candidate
// 1. Every v2 result booth wrote is json.Marshal(tally.Result), so a
// reader can require exactly that text and fail closed.
func TestReview11V2ResultCaseVariantKeysFailClosed(t *testing.T) {
	p := publish(t, false)
	b, err := bundle.Open(p.data)
	must(t, err)
	goNamed, err := json.MarshalIndent(b.Result, "  ", "  ")
	must(t, err)
	var ascii strings.Builder
	for _, r := range string(goNamed) {
		if r < 0x7f {
			ascii.WriteRune(r)
		} else {
			fmt.Fprintf(&ascii, `\u%04x`, r)
		}
	}
	goNamed = []byte(ascii.String())
	start := bytes.Index(p.data, []byte(`"result": {`)) + len(`"result": `)
	end := bytes.Index(p.data, []byte(",\n  \"turnout\": {"))
	data := append(append(append([]byte{}, p.data[:start]...), goNamed...), p.data[end:]...)
	data = tamper(t, data, `"format": "`+bundle.Format+`"`, `"format": "`+bundle.FormatV2+`"`)
	if _, r := bundle.Verify(resign(t, data, p.host, bundle.Namespace), bundle.Options{Trust: p.trust(t)}); !r.OK {
		t.Fatalf("the honest v2 form of the bundle does not verify: %+v", r)
	}
	elected := "\"Elected\": [\n      0\n    ],"
	data = tamper(t, data, elected, elected+"\n    \"elected\": [\n      2\n    ],")
	data = resign(t, data, p.host, bundle.Namespace)
	if dir := os.Getenv("REV11_DUMP"); dir != "" {
		must(t, os.WriteFile(dir+"/v2dup.bundle", data, 0o644))
		must(t, os.WriteFile(dir+"/v2dup.fp", []byte(ssh.FingerprintSHA256(p.host.PublicKey())), 0o644))
	}
	got, r := bundle.Verify(data, bundle.Options{Trust: p.trust(t)})
	if r.OK {
		t.Errorf("a v2 result naming two winners under \"Elected\" and \"elected\" verifies; booth shows %v elected", got.Result.Elected)
	}
}
