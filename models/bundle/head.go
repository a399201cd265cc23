package bundle

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// HeadNamespace is the SSH signature namespace of a signed audit head, so
// that neither a bundle's signature nor any other passes for one.
const HeadNamespace = "booth-audit@vote.example.org"

// headText is the signed text of an audit head: the entry and its hash.
var headText = regexp.MustCompile(`\Abooth audit head\nentry ([1-9][0-9]{0,18})\nhash ([0-9a-f]{64})\n\z`)

// SignHead signs the audit chain's head, entry seq with hash head, with
// the host key. Officers publish it at the close and the count: entries
// removed from the chain's end later cannot take a signed head with them.
func SignHead(seq int64, head [32]byte, s ssh.Signer) ([]byte, error) {
	body := fmt.Appendf(nil, "booth audit head\nentry %d\nhash %s\n", seq, hex.EncodeToString(head[:]))
	sig, err := sshsig.Sign(bytes.NewReader(body), s, sshsig.HashSHA512, HeadNamespace)
	if err != nil {
		return nil, fmt.Errorf("signing the audit head: %w", err)
	}
	return append(body, sshsig.Armor(sig)...), nil
}

// OpenHead reads an audit head that SignHead wrote and checks that key
// (the host key) signed it.
func OpenHead(data []byte, key ssh.PublicKey) (seq int64, head [32]byte, err error) {
	body, armor, ok := bytes.Cut(data, []byte("\n"+signatureBegin+"\n"))
	if !ok {
		return 0, head, errors.New("it is not a signed audit head: it holds no signature block; write one with booth audit head --sign")
	}
	body = append(body, '\n')
	sig, err := sshsig.Unarmor(append([]byte(signatureBegin+"\n"), armor...))
	if err != nil {
		return 0, head, fmt.Errorf("its signature block cannot be read: %v", err)
	}
	switch {
	case sig.Namespace != HeadNamespace:
		return 0, head, fmt.Errorf("its signature was made for %q, not for %s", sig.Namespace, HeadNamespace)
	case !keyEqual(sig.PublicKey, key):
		return 0, head, fmt.Errorf("it is signed by %s, not by this server's host key %s", ssh.FingerprintSHA256(sig.PublicKey), ssh.FingerprintSHA256(key))
	}
	if err := sshsig.Verify(bytes.NewReader(body), sig, key, sig.HashAlgorithm, HeadNamespace); err != nil {
		return 0, head, errors.New("its signature does not verify: the head was changed after it was signed")
	}
	m := headText.FindSubmatch(body)
	if m == nil {
		return 0, head, errors.New("its signed text is not an audit head as booth audit head --sign writes it")
	}
	seq, err = strconv.ParseInt(string(m[1]), 10, 64)
	if err != nil {
		return 0, head, fmt.Errorf("its entry number %s is out of range", m[1])
	}
	if _, err := hex.Decode(head[:], m[2]); err != nil {
		return 0, head, fmt.Errorf("its hash cannot be read: %v", err)
	}
	return seq, head, nil
}
