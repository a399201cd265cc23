package bundle_test

import (
	"errors"
	"strings"
	"testing"

	"vote.example.org/booth/models/bundle"
)

// TestOpenRefusesLongSchulzeForms (issue 10 item 2): on a Schulze ballot
// a last rank holding every candidate not ranked above it means nothing,
// and one rank holding everyone is a blank ballot; booth seals neither,
// so a v2 ledger that writes one could be marking a ballot and is refused.
func TestOpenRefusesLongSchulzeForms(t *testing.T) {
	p := publish(t, true)
	for _, tc := range []struct{ old, new, canonical string }{
		{`"ballot": "bert\nalma\n"`, `"ballot": "bert\nalma\ncleo\n"`, `bert\nalma\n`},
		{`"ballot": "alma = bert\n"`, `"ballot": "alma = bert\ncleo\n"`, `alma = bert\n`},
		{`"ballot": "cleo\n"`, `"ballot": "cleo\nalma = bert\n"`, `cleo\n`},
		{`"ballot": "blank\n"`, `"ballot": "alma = bert = cleo\n"`, `blank\n`},
	} {
		data := resign(t, tamper(t, p.data, tc.old, tc.new), p.host, bundle.Namespace)
		_, err := bundle.Open(data)
		says := `is not canonical: booth writes that ballot as "` + tc.canonical + `"`
		if !errors.Is(err, bundle.ErrFormat) || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: Open says %v; want a refusal saying %q", tc.new, err, says)
		}
	}
}
