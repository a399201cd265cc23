package booth

import (
	"context"
	"errors"
	"slices"
	"time"

	"charm.land/bubbles/v2/key"

	"vote.example.org/booth/models"
)

// What changes for the booth when it runs inside the kiosk: its backend
// shows and casts only what the voter's code allows, and its key help
// offers no way out.

// kioskBackend is the backend a voter's booth gets at the kiosk: their
// elections narrowed to those the code opens, casting only for them and
// only there, and nothing else (no replacing, no results).
type kioskBackend struct {
	b     Backend
	voter models.KioskVoter
	now   func() time.Time
}

func (kb kioskBackend) MemberElections(ctx context.Context, memberID string) ([]models.MemberElection, error) {
	if memberID != kb.voter.Member.ID {
		return nil, models.ErrNotOnRoll
	}
	list, err := kb.b.MemberElections(ctx, memberID)
	now := kb.now()
	return slices.DeleteFunc(list, func(e models.MemberElection) bool { return !kb.voter.Opens(e, now) }), err
}

func (kb kioskBackend) OrderSecret(ctx context.Context) ([]byte, error) {
	return kb.b.OrderSecret(ctx)
}

// CastBallot casts for the member the code was issued to, with no key:
// the store checks that they are still active.
func (kb kioskBackend) CastBallot(ctx context.Context, electionID string, by models.Caster, b models.Ballot) (string, error) {
	if by.MemberID != kb.voter.Member.ID || !kb.voter.Allows(electionID) {
		return "", models.ErrNotOnRoll
	}
	return kb.b.CastBallot(ctx, electionID, models.Caster{MemberID: by.MemberID}, b)
}

var errKioskReplace = errors.New("a ballot cannot be replaced at the kiosk: replace it with your own key over SSH")

func (kb kioskBackend) ReplaceBallot(context.Context, string, models.Caster, string, models.Ballot) (string, error) {
	return "", errKioskReplace
}

func (kb kioskBackend) CheckReplace(context.Context, string, string) error {
	return errKioskReplace
}

func (kb kioskBackend) Result(context.Context, string) (models.StoredResult, error) {
	return models.StoredResult{}, models.ErrNotFound
}

// kKioskDone is the receipt screen's key at the kiosk, where it ends the
// visit rather than going back to the voter's elections.
var kKioskDone = key.NewBinding(key.WithKeys(kDone.Keys()...), key.WithHelp("enter", "done: the kiosk clears the screen"))

// offered is the key help a session shows. Inside the kiosk no key leaves,
// so ctrl+c is not offered, and leaving the receipt ends the visit.
func (m *model) offered(keys keyMap) keyMap {
	if !m.s.Kiosk {
		return translateKeys(m.p, keys)
	}
	kiosk := func(bs []key.Binding) []key.Binding {
		var out []key.Binding
		for _, b := range bs {
			switch {
			case slices.Equal(b.Keys(), kQuit.Keys()):
			case slices.Equal(b.Keys(), kDone.Keys()):
				out = append(out, kKioskDone)
			default:
				out = append(out, b)
			}
		}
		return out
	}
	out := keyMap{short: kiosk(keys.short)}
	for _, col := range keys.full {
		out.full = append(out.full, kiosk(col))
	}
	return translateKeys(m.p, out)
}
