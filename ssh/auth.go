package ssh

import (
	"context"
	"errors"
	"fmt"

	cssh "charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
)

// DefaultBanner is shown before authentication, to everyone who connects.
const DefaultBanner = `This is a members' voting booth. You sign in with your SSH key; there is no
password. If you are refused, your key is not registered yet: send the
election officers your public key (the .pub file, such as
~/.ssh/id_ed25519.pub) and its fingerprint, which this command prints:

    ssh-keygen -lf ~/.ssh/id_ed25519.pub

No key yet? Create one with: ssh-keygen -t ed25519
If you have several keys, choose the registered one with: ssh -i KEYFILE ...

`

// publicKeyAllowed answers x/crypto's question "would this key be
// accepted?". The answer is no proof of identity: x/crypto asks about keys
// the client merely offers, before any signature is checked, so nothing is
// remembered here (no ctx.SetValue: such a value would survive into a login
// made with another key). The session looks the member up again from
// s.PublicKey(), the key that actually signed.
func (s *Server) publicKeyAllowed(ctx cssh.Context, key cssh.PublicKey) bool {
	m, err := s.cfg.Service.MemberByFingerprint(ctx, gossh.FingerprintSHA256(key))
	switch {
	case err == nil && m.Status == models.Active:
		return true
	case err == nil:
		s.metrics.authFailures.WithLabelValues(authInactive).Inc()
	case !errors.Is(err, models.ErrNotFound):
		s.metrics.authFailures.WithLabelValues(authLookupFailed).Inc()
	case s.isKioskDevice(ctx, key):
		return true
	default:
		s.metrics.authFailures.WithLabelValues(authUnknownKey).Inc()
	}
	return false
}

// identity is who is in a session.
type identity struct {
	member      models.Member
	fingerprint string
	// device is the kiosk device whose key signed in (see kiosk.go); the
	// member is then empty.
	device string
}

// errNoMember is what a session without an active member's key hears; it
// happens when a member is suspended between authentication and session.
var errNoMember = i18n.Errorf("this key belongs to no active member: ask the election officers")

// identify finds the member from the key that signed in, and only from it.
func (s *Server) identify(ctx context.Context, sess cssh.Session) (identity, error) {
	key := sess.PublicKey()
	if key == nil {
		return identity{}, errNoMember
	}
	return s.identifyKey(ctx, gossh.FingerprintSHA256(key))
}

// identifyKey finds the member, or kiosk device, owning the key with
// fingerprint fp.
func (s *Server) identifyKey(ctx context.Context, fp string) (identity, error) {
	m, err := s.cfg.Service.MemberByFingerprint(ctx, fp)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return s.identifyDevice(ctx, fp)
	case err != nil:
		return identity{}, fmt.Errorf("looking up your key: %w", err)
	case m.Status != models.Active:
		return identity{}, errNoMember
	}
	return identity{member: m, fingerprint: fp}, nil
}
