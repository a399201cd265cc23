package bundle_test

import (
	"errors"
	"strings"
	"testing"

	"vote.example.org/booth/models/bundle"
)

// TestOpenRefusesNonCanonicalBallots (issue 10 item 2): a ledger ballot
// written other than as booth seals it — equal ranks in another order, a
// blank ballot as empty text or in capitals, a comment — means the same
// to the recount but could carry its voter's screen order or a mark, so
// the bundle is refused even when its signature is good, naming the entry.
func TestOpenRefusesNonCanonicalBallots(t *testing.T) {
	p := publish(t, true)
	if _, err := bundle.Open(p.data); err != nil {
		t.Fatalf("the bundle as published: %v", err)
	}
	for _, tc := range []struct{ old, new, says string }{
		{`"ballot": "alma = bert\n"`, `"ballot": "bert = alma\n"`, `the ballot text "bert = alma\n" is not canonical: booth writes that ballot as "alma = bert\n"`},
		{`"ballot": "blank\n"`, `"ballot": ""`, `the ballot text is not canonical: it is not a ballot of this election: ballot: the ballot is empty`},
		{`"ballot": "blank\n"`, `"ballot": "BLANK\n"`, `is not canonical: booth writes that ballot as "blank\n"`},
		{`"ballot": "cleo\n"`, `"ballot": "cleo # paid\n"`, `"cleo # paid\n" is not canonical`},
	} {
		data := resign(t, tamper(t, p.data, tc.old, tc.new), p.host, bundle.Namespace)
		_, err := bundle.Open(data)
		if !errors.Is(err, bundle.ErrFormat) || !strings.Contains(err.Error(), tc.says) || !strings.Contains(err.Error(), "ledger entry ") {
			t.Errorf("%s: Open says %v; want a refusal naming the ledger entry and saying %q", tc.new, err, tc.says)
		}
		if _, r := bundle.Verify(data, bundle.Options{Trust: p.trust(t)}); r.OK {
			t.Errorf("%s: the bundle verifies", tc.new)
		}
	}
}
