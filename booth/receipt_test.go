package booth

import (
	"strings"
	"testing"
)

// TestReceiptSaysWhatIsTrue casts in the board election with and without
// a published ledger and replacing: the receipt screen promises only what
// the election's rules give the receipt's holder.
func TestReceiptSaysWhatIsTrue(t *testing.T) {
	for _, c := range []struct {
		name            string
		ledger, replace bool
		want, not       []string
	}{
		{"ledger and replacing", true, true,
			[]string{"published ledger", "verify", "Replace your ballot", "replace your ballot, and see in the ledger how you voted"}, nil},
		{"ledger only", true, false,
			[]string{"published ledger", "see in the published ledger how you voted"}, []string{"Replace your ballot"}},
		{"replacing only", false, true,
			[]string{"verify", "publishes no ledger", "Replace your ballot", "can replace your ballot."},
			[]string{"find your ballot in the ledger", "how you voted", "ledger published"}},
		{"neither", false, false,
			[]string{"verify", "publishes no ledger", "whether your ballot was counted"},
			[]string{"find your ballot in the ledger", "how you voted", "ledger published", "Replace your ballot"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fb := newFake(t)
			fb.elections[1].PublishLedger, fb.elections[1].AllowReplace = c.ledger, c.replace
			h := start(t, fb, testSession(), 100, 30)
			h.openBoard()
			h.rankSome()
			h.keys("r", "cast", "enter")
			s := h.waitFor("Your ballot is cast")
			flat := strings.Join(strings.Fields(s), " ")
			for _, w := range c.want {
				if !strings.Contains(flat, w) {
					t.Errorf("the receipt screen does not say %q:\n%s", w, s)
				}
			}
			for _, w := range c.not {
				if strings.Contains(flat, w) {
					t.Errorf("the receipt screen says %q:\n%s", w, s)
				}
			}
			h.final()
		})
	}
}
