package ssh

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"
	cssh "charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/booth"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
)

// A conference laptop can be a thin client of the kiosk: its SSH key,
// registered as a kiosk device (booth kiosk add NAME --key FILE), opens
// the kiosk instead of a member's booth, so no ballot data lives on the
// laptop. The session gets the same kiosk as booth kiosk start: staff set
// the passphrase that ends it when it starts, voters type their codes.

// isKioskDevice answers the pre-authentication question for a key that is
// no member's: is it a kiosk device's? Like publicKeyAllowed, it remembers
// nothing; identifyDevice asks again for the key that signed.
func (s *Server) isKioskDevice(ctx context.Context, key cssh.PublicKey) bool {
	_, err := s.cfg.Service.KioskDeviceByFingerprint(ctx, gossh.FingerprintSHA256(key))
	return err == nil
}

// identifyDevice finds the kiosk device owning the key that signed in,
// for a key that is no member's.
func (s *Server) identifyDevice(ctx context.Context, fp string) (identity, error) {
	d, err := s.cfg.Service.KioskDeviceByFingerprint(ctx, fp)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return identity{}, errNoMember
	case err != nil:
		return identity{}, fmt.Errorf("looking up your key: %w", err)
	}
	return identity{device: d.Name, fingerprint: fp}, nil
}

// name says who a session is, for the session limits and the log: the
// member's id, or the kiosk device's name (member ids have no spaces, so
// the two never meet).
func (id identity) name() string {
	if id.device != "" {
		return "kiosk device " + id.device
	}
	return id.member.ID
}

// deviceCommand refuses a command from a kiosk device's key: it opens the
// kiosk and nothing else. It reports whether it refused.
func deviceCommand(sess cssh.Session, id identity) bool {
	if id.device == "" {
		return false
	}
	p := i18n.For(i18n.FromEnv(sess.Environ()))
	fmt.Fprintf(sess.Stderr(), "booth: %s\n", p.T("this key is kiosk device %s's: it opens the kiosk only; connect with a terminal (ssh -t) and no command", id.device))
	return true
}

// kioskModel is the program of a kiosk device's session: the kiosk, with
// the kiosk's own idle timeout. It asks staff for the passphrase first.
func (s *Server) kioskModel(ctx context.Context, id identity, lang string) tea.Model {
	return booth.NewKiosk(ctx, s.cfg.Service, booth.KioskConfig{
		Name:        id.device,
		Now:         s.cfg.Service.Now,
		IdleTimeout: min(s.cfg.IdleTimeout, booth.DefaultKioskIdle),
		Lang:        lang,
	})
}
