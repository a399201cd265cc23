package models

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/trustee"
)

// trustees reads the [trustees] table: a threshold and the trustees, by
// SSH key (keys) and by member id (members, whose registered key booth
// takes when the election is created). Keys come first in share order,
// then members. With trustees the definition names no recipients.
func (p *defParser) trustees(root tbl, d *Definition) {
	t, ok := p.table(root, "trustees")
	if !ok {
		return
	}
	tr := &Trustees{}
	if _, ok := t.m["threshold"]; !ok {
		p.at("trustees", "trustees.threshold is missing: write how many trustees must act together to count, e.g. threshold = 3")
	} else if n, ok := p.integer(t, "threshold"); ok {
		tr.Threshold = int(n)
	}
	if list, ok := get[[]any](p, t, "keys", "a list of SSH public keys"); ok {
		for i, v := range list {
			at := fmt.Sprintf("trustees.keys[%d]", i)
			s, ok := v.(string)
			if !ok {
				p.at(at, "each trustee key must be a string holding an SSH public key, not %s", tomlType(v))
				continue
			}
			s = strings.TrimSpace(s)
			if err := checkRecipient(s); err != nil {
				p.at(at, "trustee key %d: %v", i+1, err)
				continue
			}
			// Without its comment: the key is what holds a share.
			k, _, _, _, _ := ssh.ParseAuthorizedKey([]byte(s))
			s = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
			if slices.Contains(tr.Keys, s) {
				p.at(at, "trustee key %d is listed twice; each trustee holds one share", i+1)
				continue
			}
			tr.Keys = append(tr.Keys, s)
			tr.Members = append(tr.Members, "")
		}
	}
	if list, ok := get[[]any](p, t, "members", "a list of member ids"); ok {
		for i, v := range list {
			at := fmt.Sprintf("trustees.members[%d]", i)
			s, ok := v.(string)
			if !ok || strings.TrimSpace(s) == "" {
				p.at(at, "each trustee member must be a member id (a string)")
				continue
			}
			if slices.Contains(tr.Members, s) {
				p.at(at, "trustee member %s is listed twice; each trustee holds one share", s)
				continue
			}
			tr.Keys = append(tr.Keys, "")
			tr.Members = append(tr.Members, s)
		}
	}
	if len(d.Recipients) > 0 {
		p.at("trustees", "an election with trustees seals its ballots to the key they share: remove recipients")
	}
	if _, set := t.m["threshold"]; set {
		if err := trustee.CheckThreshold(tr.Threshold, len(tr.Keys)); err != nil {
			p.at("trustees", "trustees: %v", err)
		}
	}
	d.Trustees = tr
}
