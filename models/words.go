package models

import "vote.example.org/booth/models/i18n"

// The states a refusal quotes say themselves in the member's language
// (i18n.Phrase): "you are suspended: only active members nominate".

// In is the status in p's words; English is the status itself.
func (s MemberStatus) In(p i18n.Printer) string {
	switch s {
	case Active:
		return p.C("member", "active")
	case Suspended:
		return p.C("member", "suspended")
	case Removed:
		return p.C("member", "removed")
	}
	return string(s)
}

// In is the state in p's words (NominationStateIn); English is the state
// itself.
func (s NominationState) In(p i18n.Printer) string { return NominationStateIn(p, s) }
