package ssh

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

// setUsage is how to use set, in the member's language.
func setUsage(p i18n.Printer) string {
	return p.T("use 'set plain on', 'set plain off' or 'set lang en|ja|es' ('set lang auto' follows your client's locale)")
}

// setCmd is `ssh HOST set plain on|off` and `ssh HOST set lang LANG`: the
// member's own preferences, kept for their next sessions.
func setCmd(ctx context.Context, c *cmdContext) error {
	if len(c.args) != 2 {
		return errors.New(c.p.T("takes a setting and its value: %s", setUsage(c.p)))
	}
	svc := c.s.cfg.Service
	if c.prefsErr != nil {
		return c.prefsErr
	}
	p := c.prefs
	name, value := c.args[0], strings.ToLower(c.args[1])
	switch name {
	case "plain":
		switch value {
		case "on":
			p.Plain = true
		case "off":
			p.Plain = false
		default:
			return errors.New(c.p.T("plain is on or off, not %q: %s", safetext.Sanitize(c.args[1]), setUsage(c.p)))
		}
	case "lang":
		if value == "auto" {
			value = ""
		}
		if err := models.CheckLanguage(value); err != nil {
			return errors.New(c.p.T("%s; 'set lang auto' follows your client's locale", safetext.Sanitize(c.p.Err(err))))
		}
		p.Lang = value
	default:
		return errors.New(c.p.T("there is no setting %q: %s", safetext.Sanitize(name), setUsage(c.p)))
	}
	if err := svc.SetMemberPreferences(ctx, c.id.member.ID, p); err != nil {
		return err
	}
	// The answer is in the language just chosen, unless the client's
	// terminal cannot show it (screenLang): then in English, with why.
	env := c.sess.Environ()
	c.p = i18n.For(screenLang(env, p))
	writePrefs(c, p)
	if lang := sessionLang(env, p); lang != screenLang(env, p) {
		c.out.WriteString(c.p.T("Note: your terminal's locale (%s) shows only ASCII, so the booth will speak English to it; connect with a UTF-8 locale (ssh -o SetEnv=LANG=en_US.UTF-8) to read it in %s.", safetext.Sanitize(i18n.Locale(env, "LC_CTYPE")), lang) + "\n")
	}
	return nil
}

// writePrefs is the preferences as whoami and set show them.
func writePrefs(c *cmdContext, p models.Preferences) {
	plain := c.p.T("off (the full-screen booth; ssh -t HOST plain for linear mode)")
	if p.Plain {
		plain = c.p.T("on (linear mode: one line at a time)")
	}
	lang := p.Lang
	if lang == "" {
		lang = c.p.T("auto (from your client's locale: %s now)", sessionLang(c.sess.Environ(), p))
	}
	fmt.Fprintf(c.out, "plain   %s\nlang    %s\n", plain, lang)
}
