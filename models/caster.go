package models

import "vote.example.org/booth/models/i18n"

// Caster is who casts a ballot and how they signed in. The store checks
// both again inside the cast's transaction, so a session outlives neither
// the removal of its key nor the member's suspension.
type Caster struct {
	MemberID string
	// Key is the SHA-256 fingerprint of the SSH key the member's session
	// signed in with. It is empty only for a member who signed in without
	// a key of theirs: at the kiosk, with a one-time code redeemed for
	// them, or through the test-only command-line cast; then the member's
	// standing alone is checked.
	Key string
}

// ErrKeyRevoked is returned when the key a session signed in with no
// longer belongs to the member casting (an officer removed it).
var ErrKeyRevoked = i18n.Errorf("the key this session signed in with is no longer registered to the member")

// CheckCaster says why c may not cast, given the member's status and
// whether the member still holds c.Key (ignored when c.Key is empty); the
// stores call it inside the cast's transaction with what they read there.
// found is false for an unknown member.
func CheckCaster(c Caster, found bool, status MemberStatus, holdsKey bool) error {
	switch {
	case !found:
		return i18n.Errorf("member %s: %w (%w)", c.MemberID, ErrNotFound, ErrNotOnRoll)
	case status != Active:
		return i18n.Errorf("%w: member %s is %s and cannot vote", ErrInactive, c.MemberID, status)
	case c.Key != "" && !holdsKey:
		return i18n.Errorf("%w: member %s, key %s", ErrKeyRevoked, c.MemberID, c.Key)
	}
	return nil
}
