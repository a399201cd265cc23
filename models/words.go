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

// In is the nomination's state in p's words; English is the state
// itself.
func (s NominationState) In(p i18n.Printer) string {
	switch s {
	case NominationPending:
		return p.C("nomination", "pending")
	case NominationAccepted:
		return p.C("nomination", "accepted")
	case NominationDeclined:
		return p.C("nomination", "declined")
	case NominationWithdrawn:
		return p.C("nomination", "withdrawn")
	case NominationRejected:
		return p.C("nomination", "rejected")
	}
	return string(s)
}
