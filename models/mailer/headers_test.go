package mailer_test

import (
	"bytes"
	"net/mail"
	"testing"

	"vote.example.org/booth/models/mailer"
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
