package bundle

import (
	"encoding/hex"
	"fmt"
	"strings"

	"vote.example.org/booth/models"
)

// checkCanonical refuses a ledger holding a ballot text other than the
// canonical one booth seals (issue 10 item 2): a text in another order
// could be the voter's screen order, which ties the ballot to them or
// marks it for a vote buyer, and booth never writes one. The ledger holds
// each ballot in its standing form (models.Ballot.Standing): withdrawn
// candidates left out, canonical among those still standing.
func checkCanonical(d models.Definition, withdrawn []string, ledger []models.LedgerEntry) error {
	for i, l := range ledger {
		if l.Replaced {
			continue
		}
		where := fmt.Sprintf("ledger entry %d (receipt hash %s…)", i+1, hex.EncodeToString(l.ReceiptHash[:4]))
		b, err := models.ParseBallot(d, nil, l.Ballot)
		if err == nil {
			b, err = b.Standing(d, withdrawn)
		}
		switch {
		case err != nil:
			return fmt.Errorf("%s: the ballot text is not canonical: it is not a ballot of this election: %s",
				where, strings.ReplaceAll(err.Error(), "\n", "; "))
		case b.Text() != l.Ballot:
			return fmt.Errorf("%s: the ballot text %q is not canonical: booth writes that ballot as %q", where, l.Ballot, b.Text())
		}
	}
	return nil
}
