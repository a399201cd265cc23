// Package mailer hands booth's notices to an SMTP server with go-mail:
// the officer's relay, reached over implicit TLS or mandatory STARTTLS
// (plain text only when asked for by name), with authentication and DKIM
// signing when configured. It implements models.Mailer.
package mailer

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"net/textproto"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-msgauth/dkim"
	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"vote.example.org/booth/models"
)

// Config is how booth reaches the officer's relay.
type Config struct {
	// URL: smtp://[USER@]HOST[:PORT] for STARTTLS (required; port 587 by
	// default), smtps://[USER@]HOST[:PORT] for implicit TLS (port 465),
	// smtp://HOST:PORT?tls=none for a server on this machine without TLS
	// (a test server). ?ca=FILE trusts a private CA's certificate.
	URL string
	// Password authenticates USER; it comes from the environment
	// (BOOTH_SMTP_PASSWORD), never from the URL or the database.
	Password string
	// From is the sender: "Foundation Elections <vote@example.org>".
	From string
	// DKIM signs every mail when DKIMKeyFile is set: a PEM private key
	// (RSA or Ed25519), the signing domain and the DNS selector.
	DKIMKeyFile, DKIMDomain, DKIMSelector string
	// Timeout bounds each exchange with the server.
	Timeout time.Duration
}

// DefaultTimeout bounds each exchange with the server.
const DefaultTimeout = 30 * time.Second

// Mailer is a connection to the relay, opened at the first mail, kept
// for the next ones and opened again after a failure.
type Mailer struct {
	mu      sync.Mutex
	client  *gomail.Client
	conn    *smtp.Client // nil until the first mail, and after a failure
	from    *mail.Address
	dkim    *dkim.SignOptions // nil: mails are not signed
	timeout time.Duration
}

var _ models.Mailer = (*Mailer)(nil)

// New checks cfg and builds the mailer; it connects at the first mail.
func New(cfg Config) (*Mailer, error) {
	if cfg.URL == "" {
		return nil, errors.New("no mail server: give its address with --smtp or BOOTH_SMTP, e.g. smtp://booth@mail.example.org:587")
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("the mail server address %q is not one booth reads: write smtp://[USER@]HOST[:PORT] (STARTTLS) or smtps://[USER@]HOST[:PORT] (TLS)", redact(cfg.URL))
	}
	if _, has := u.User.Password(); has {
		return nil, errors.New("the mail server address holds a password, which other users of this machine could read in the process list: put it in BOOTH_SMTP_PASSWORD instead")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil || cfg.From == "" {
		return nil, fmt.Errorf("the sender %q is not a mail address: give --mail-from (or BOOTH_MAIL_FROM) such as \"Elections <vote@example.org>\"", cfg.From)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	opts := []gomail.Option{gomail.WithTimeout(cfg.Timeout), gomail.WithoutNoop()}
	q := u.Query()
	switch tlsMode := q.Get("tls"); {
	case u.Scheme == "smtps":
		opts = append(opts, gomail.WithSSLPort(false))
	case tlsMode == "none":
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.NoTLS))
	case tlsMode == "" || tlsMode == "starttls":
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.TLSMandatory))
	default:
		return nil, fmt.Errorf("the mail server address: tls=%s is not a choice: leave it out (STARTTLS, required), or tls=none for a server on this machine", tlsMode)
	}
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("the mail server address: port %q is not a port number", p)
		}
		opts = append(opts, gomail.WithPort(port))
	}
	tc := &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	if ca := q.Get("ca"); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("the mail server's CA certificate: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("the mail server's CA certificate %s holds no PEM certificate", ca)
		}
	}
	opts = append(opts, gomail.WithTLSConfig(tc))
	if user := u.User.Username(); user != "" {
		if cfg.Password == "" {
			return nil, fmt.Errorf("the mail server address names the user %s but no password was given: put it in BOOTH_SMTP_PASSWORD", user)
		}
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(user), gomail.WithPassword(cfg.Password))
	}
	m := &Mailer{from: from, timeout: cfg.Timeout}
	if cfg.DKIMKeyFile != "" {
		if m.dkim, err = dkimOptions(cfg); err != nil {
			return nil, err
		}
	}
	if m.client, err = gomail.NewClient(u.Hostname(), opts...); err != nil {
		return nil, fmt.Errorf("the mail server address: %w", err)
	}
	return m, nil
}

// dkimOptions reads the DKIM key. go-msgauth signs the bytes that go on
// the wire, with relaxed canonicalisation (relays may refold headers),
// over the headers a spam filter weighs. The headers a phisher would add
// to a replayed notice (From, To, Subject, Reply-To, Cc) are listed once
// more than the mail has them (oversigning), so adding one breaks the
// signature.
func dkimOptions(cfg Config) (*dkim.SignOptions, error) {
	if cfg.DKIMDomain == "" || cfg.DKIMSelector == "" {
		return nil, errors.New("DKIM needs --dkim-domain and --dkim-selector with --dkim-key")
	}
	data, err := os.ReadFile(cfg.DKIMKeyFile)
	if err != nil {
		return nil, fmt.Errorf("the DKIM key: %w", err)
	}
	key, err := gomail.PrivKeyFromPEM(data)
	if err != nil {
		return nil, fmt.Errorf("the DKIM key %s: %w (give a PEM RSA or Ed25519 private key)", cfg.DKIMKeyFile, err)
	}
	return &dkim.SignOptions{
		Domain: cfg.DKIMDomain, Selector: cfg.DKIMSelector, Signer: key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: []string{"From", "From", "To", "To", "Subject", "Subject", "Reply-To", "Cc", "Date", "Message-ID", "Auto-Submitted", "List-Id", "Content-Type", "Content-Transfer-Encoding", "MIME-Version"},
	}, nil
}

// Message builds the mail as it goes on the wire: plain text in UTF-8,
// with Date, Message-ID, Auto-Submitted and List-Id. go-mail encodes
// every header, so a name or subject cannot start a header of its own.
func (m *Mailer) Message(ml models.Mail) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(m.from)
	to, err := mail.ParseAddress(ml.To)
	if err != nil || to.Name != "" {
		return nil, &models.PermanentMailError{Err: fmt.Errorf("the member's address %q is not a bare mail address", ml.To)}
	}
	name, subject := oneLine(ml.ToName), oneLine(ml.Subject)
	if strings.Contains(name, "=?") {
		// An ASCII name goes out quoted, and clients decode an encoded
		// word even there: encoded whole, the client shows it as written.
		msg.SetGenHeaderPreformatted(gomail.Header(gomail.HeaderTo), strings.Join(append(encodedWords(name), "<"+to.Address+">"), "\r\n "))
	} else {
		// mail.Address quotes the name (a member may be called José "Pepe,
		// el de Lugo" García); a name formatted by hand would end the quote.
		msg.AddToMailAddress(&mail.Address{Name: name, Address: to.Address})
	}
	if strings.Contains(subject, "=?") {
		// go-mail leaves ASCII as it is, and a client would decode an
		// encoded word spelled in a title into any character it names.
		subject = strings.Join(encodedWords(subject), " ")
	}
	msg.Subject(subject)
	msg.SetMessageIDWithValue(ml.MessageID)
	msg.SetDate()
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetGenHeader(gomail.Header("List-Id"), ml.ListID)
	msg.SetBulk()
	msg.SetBodyString(gomail.TypeTextPlain, ml.Body)
	return msg, nil
}

// render writes the mail as it goes on the wire, signed when DKIM is
// configured.
func (m *Mailer) render(ml models.Mail) ([]byte, error) {
	msg, err := m.Message(ml)
	if err != nil {
		return nil, err
	}
	var raw bytes.Buffer
	if _, err := msg.WriteTo(&raw); err != nil {
		return nil, &models.PermanentMailError{Err: fmt.Errorf("writing the mail: %w", err)}
	}
	if m.dkim == nil {
		return raw.Bytes(), nil
	}
	var signed bytes.Buffer
	if err := dkim.Sign(&signed, &raw, m.dkim); err != nil {
		return nil, fmt.Errorf("signing the mail (DKIM): %w", err)
	}
	return signed.Bytes(), nil
}

// Send mails one notice over the kept connection.
func (m *Mailer) Send(ctx context.Context, ml models.Mail) error {
	raw, err := m.render(ml)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conn == nil {
		c, err := m.client.DialToSMTPClientWithContext(ctx)
		if err != nil {
			return fmt.Errorf("%w: connecting to %s: %v", models.ErrMailServerDown, m.client.ServerAddr(), err)
		}
		m.conn = c
	}
	if err := m.transact(m.conn, ml.To, raw); err != nil {
		// The connection may be in any state: the next mail dials again.
		_ = m.conn.Close()
		m.conn = nil
		return err
	}
	return nil
}

// transact is one SMTP transaction. Until the end of the mail is sent a
// failure means the server did not take it; once it is sent, only the
// server's reply says, and without one the mail's fate is unknown.
func (m *Mailer) transact(c *smtp.Client, to string, raw []byte) error {
	if err := c.UpdateDeadline(m.timeout); err != nil {
		return fmt.Errorf("%w: %v", models.ErrMailServerDown, err)
	}
	if err := c.Mail("<" + m.from.Address + ">"); err != nil {
		// A refused sender is booth's configuration (or the server's
		// state), never the member's: no member's row is charged.
		return fmt.Errorf("%w: the server refused the sender %s (MAIL FROM): %v; check --mail-from", models.ErrMailServerDown, m.from.Address, err)
	}
	if err := c.Rcpt("<" + to + ">"); err != nil {
		return classify("RCPT TO", err)
	}
	w, err := c.Data()
	if err != nil {
		return classify("DATA", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("sending the mail: %w", err)
	}
	if err := w.Close(); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) {
			return classify("end of mail", err)
		}
		return fmt.Errorf("%w: %v", models.ErrMailUncertain, err)
	}
	return nil
}

// Close ends the connection.
func (m *Mailer) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conn == nil {
		return nil
	}
	err := m.conn.Quit()
	m.conn = nil
	return err
}

// classify says whether the server refused for good (a 5xx reply) or
// for now.
func classify(step string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return &models.PermanentMailError{Err: fmt.Errorf("%s: %w", step, err)}
	}
	return fmt.Errorf("%s: %w", step, err)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// encodedWords spells s as RFC 2047 base64 encoded words of whole
// characters, each at most 75 long (RFC 2047 2), so that what a client
// decodes is s itself, whatever it looks like.
func encodedWords(s string) []string {
	const maxBytes = 45 // 60 base64 characters, plus "=?UTF-8?B?" and "?="
	var words []string
	for s != "" {
		n := 0
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			if n+size > maxBytes {
				break
			}
			n += size
		}
		words = append(words, "=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return words
}

// redact hides a password in an address before it is shown.
func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "(an address that does not parse)"
}
