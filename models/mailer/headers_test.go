package mailer_test

import (
	"bytes"
	"mime"
	"net/mail"
	"strings"
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/mailer"
	"vote.example.org/booth/models/mailer/mailpittest"
)

// A member whose name holds a double quote (José "Pepe, el de Lugo" García) gets
// their notices like anyone else, to their own address only.
func TestQuoteInNameKeepsOneRecipient(t *testing.T) {
	m := sampleMail("zoe@example.net")
	m.ToName = `José "Pepe, el de Lugo" García`
	raw := receive(t, mailer.Config{}, m)
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "zoe@example.net" {
		t.Errorf("To header: %v %v", to, err)
	}
}

// A signed notice replayed with a Subject and Reply-To put in front must
// fail DKIM: the signature should oversign the headers a phisher would
// add (From, Subject, Reply-To, To, Cc listed once more than present).
func TestDKIMOversignsAddedHeaders(t *testing.T) {
	key, txt := keyFile(t, "ed25519")
	raw := receive(t, mailer.Config{DKIMKeyFile: key, DKIMDomain: "example.org", DKIMSelector: "booth2026"}, sampleMail("zoe@example.net"))
	forged := append([]byte("Subject: Your ballot was lost, reply with your receipt\r\nReply-To: attacker@evil.example\r\n"), raw...)
	vs, err := verify(forged, txt)
	if err == nil && len(vs) == 1 && vs[0].Err == nil {
		t.Errorf("a message with an added Subject and Reply-To still passes DKIM: the signature does not oversign them")
	}
}

// noticeSubject renders the built-in announcement's subject in lang for
// an election titled title, as delivery does.
func noticeSubject(t *testing.T, lang, title string) string {
	t.Helper()
	nt, err := models.DefaultNoticeTemplates().For(models.NoticeAnnounce, lang)
	if err != nil {
		t.Fatal(err)
	}
	subject, _, err := nt.Render(models.NoticeAnnounce, models.NoticeFields{Name: "Zoë", Title: title, Election: "board-2026"})
	if err != nil {
		t.Fatal(err)
	}
	return subject
}

// An election title (or a member's name) written as an RFC 2047 encoded
// word goes on the wire as it is, in an all-ASCII subject or name, and a
// mail client decodes it: the safetext rules (no bidi override, no
// control) are then bypassed by spelling the character encoded.
func TestEncodedWordInHeaderIsShownLiterally(t *testing.T) {
	for _, lang := range models.Languages {
		t.Run(lang, func(t *testing.T) {
			m := sampleMail("zoe@example.net")
			// U+202E RIGHT-TO-LEFT OVERRIDE then U+0007 BEL, spelled encoded.
			m.Subject = noticeSubject(t, lang, "=?utf-8?q?=E2=80=AE=07lanif?=")
			m.ToName = "=?utf-8?q?=E2=80=AEadmin?="
			raw := receive(t, mailer.Config{}, m)
			msg, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			dec := new(mime.WordDecoder)
			subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.ContainsAny(subject, "\u202e\a") {
				t.Errorf("the subject a mail client shows holds a bidi override or a control character: %q (raw %q)", subject, msg.Header.Get("Subject"))
			}
			if subject != m.Subject {
				t.Errorf("the subject a mail client shows is %q, want the text booth wrote, %q", subject, m.Subject)
			}
			to, err := dec.DecodeHeader(msg.Header.Get("To"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.ContainsAny(to, "\u202e") {
				t.Errorf("the To name a mail client shows holds a bidi override: %q (raw %q)", to, msg.Header.Get("To"))
			}
		})
	}
}

// A subject and a name that spell encoded words, long enough to fold
// and with Japanese in them, arrive as booth wrote them (as Mailpit
// shows them), to the one member, in header lines of at most 78
// characters.
func TestEncodedWordInHeaderArrivesAsWritten(t *testing.T) {
	mp := mailpittest.Start(t)
	ml, err := mailer.New(mailer.Config{URL: mp.URL(), From: "vote@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	defer ml.Close()
	m := sampleMail("zoe@example.net")
	m.Subject = noticeSubject(t, "ja", strings.Repeat("理事会選挙 =?utf-8?b?4oCu?= ", 6))
	m.ToName = "山田 =?utf-8?q?=E2=80=AE?= 花子 " + strings.Repeat("=?x?q?a?=", 10)
	if err := ml.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	msgs := mp.Messages(t)
	if len(msgs) != 1 {
		t.Fatalf("mailpit received %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.Subject != m.Subject {
		t.Errorf("Mailpit shows the subject %q, want %q", got.Subject, m.Subject)
	}
	if len(got.To) != 1 || got.To[0].Name != m.ToName || got.To[0].Address != "zoe@example.net" {
		t.Errorf("Mailpit shows To %+v, want %q <zoe@example.net> alone", got.To, m.ToName)
	}
	head, _, _ := bytes.Cut(mp.Raw(t, got.ID), []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\r\n") {
		if len(line) > 78 {
			t.Errorf("header line of %d characters: %q", len(line), line)
		}
	}
}

// Encoded by booth rather than go-mail, the folded To and Subject are
// still signed: the mail verifies, and a To changed after signing fails.
func TestEncodedWordHeadersAreSigned(t *testing.T) {
	key, txt := keyFile(t, "ed25519")
	m := sampleMail("zoe@example.net")
	m.Subject = "Voting is open: =?utf-8?q?=E2=80=AE?= " + strings.Repeat("Board ", 12)
	m.ToName = "=?utf-8?q?=E2=80=AEadmin?= " + strings.Repeat("Zoë ", 12)
	raw := receive(t, mailer.Config{DKIMKeyFile: key, DKIMDomain: "example.org", DKIMSelector: "booth2026"}, m)
	vs, err := verify(raw, txt)
	if err != nil || len(vs) != 1 || vs[0].Err != nil {
		t.Fatalf("verifying the mail as received: %v %+v\n%s", err, vs, raw)
	}
	changed := bytes.Replace(raw, []byte("?=\r\n <zoe@example.net>"), []byte("?=\r\n <eve@example.net>"), 1)
	if bytes.Equal(changed, raw) {
		t.Fatalf("the To address was not found:\n%s", raw)
	}
	if vs, err := verify(changed, txt); err != nil || len(vs) != 1 || vs[0].Err == nil {
		t.Errorf("a changed To verified: %v %+v\n%s", err, vs, changed)
	}
}
