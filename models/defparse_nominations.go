package models

import (
	"time"

	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// nominations reads the nomination period (nominations_open,
// nominations_close) and its [nominations] rules. Both times or neither;
// the period ends at or before the opening. The candidates then come
// from the nominations, so the file lists none.
func (p *defParser) nominations(root tbl, d *Definition) {
	open, hasOpen := p.when(root, "nominations_open", false)
	closes, hasClose := p.when(root, "nominations_close", false)
	_, hasRules := root.m["nominations"]
	if !hasOpen && !hasClose && !hasRules {
		return
	}
	if !hasOpen || !hasClose {
		if _, written := root.m["nominations_open"]; !written {
			p.at("", "a nomination period needs nominations_open, e.g. nominations_open = 2026-05-01T09:00:00Z")
		}
		if _, written := root.m["nominations_close"]; !written {
			p.at("", "a nomination period needs nominations_close, e.g. nominations_close = 2026-05-15T09:00:00Z")
		}
		return
	}
	r := &NominationRules{Opens: open, Closes: closes, Supporters: 1, NominatorInGoodStanding: true, PublishNominators: true}
	switch {
	case !closes.After(open):
		p.at("nominations_close", "nominations_close (%s) must be after nominations_open (%s)", closes.Format(time.RFC3339), open.Format(time.RFC3339))
	case !d.OpensAt.IsZero() && closes.After(d.OpensAt):
		p.at("nominations_close", "nominations_close (%s) must be at or before opens_at (%s): the ballot is made when the nominations close",
			closes.Format(time.RFC3339), d.OpensAt.Format(time.RFC3339))
	}
	if t, ok := p.table(root, "nominations"); ok {
		if n, ok := p.integer(t, "supporters"); ok {
			r.Supporters = int(min(max(n, 0), 1000))
			if n < 1 || n > 1000 {
				p.at("nominations.supporters", "nominations.supporters must be 1 to 1000, not %d", n)
			}
		}
		if _, ok := t.m["self"]; ok {
			r.Self = p.boolean(t, "self")
		}
		if s, ok := p.str(t, "nominee_member_for"); ok {
			if dur, err := parseExtend(s); err != nil {
				p.at("nominations.nominee_member_for", "nominations.nominee_member_for %q: %v", s, err)
			} else {
				r.NomineeMemberFor = dur
			}
		}
		if _, ok := t.m["nominator_in_good_standing"]; ok {
			r.NominatorInGoodStanding = p.boolean(t, "nominator_in_good_standing")
		}
		if n, ok := p.integer(t, "max_per_nominator"); ok {
			r.MaxPerNominator = int(min(max(n, 0), MaxCandidates))
			if n < 1 || n > MaxCandidates {
				p.at("nominations.max_per_nominator", "nominations.max_per_nominator must be 1 to %d, not %d (leave it out for no limit)", MaxCandidates, n)
			}
		}
		if _, ok := t.m["publish_nominators"]; ok {
			r.PublishNominators = p.boolean(t, "publish_nominators")
		}
	}
	if _, listed := root.m["candidate"]; listed {
		p.at("candidate", "an election with a nomination period takes its candidates from the nominations: leave out the [[candidate]] tables")
	}
	if d.Method == tally.YesNo {
		p.at("nominations_open", "a yes/no question has no nominees: leave out the nomination period")
	}
	d.Nominations = r
}

// memberFor reads electorate.member_for: how long a member must have
// been one when the electorate is frozen.
func (p *defParser) memberFor(t tbl, d *Definition) {
	s, ok := p.str(t, "member_for")
	if !ok {
		return
	}
	dur, err := parseExtend(s)
	if err != nil {
		p.at("electorate.member_for", "electorate.member_for %q: %v", s, err)
		return
	}
	d.MemberFor = dur
}

// CheckStatement checks a nominee's statement as a definition's candidate
// statements are checked: Markdown of at most MaxStatementBytes, without
// control, escape or bidi characters.
func CheckStatement(s string) error {
	if len(s) > MaxStatementBytes {
		return i18n.Errorf("the statement is %d bytes; at most %d are allowed", len(s), MaxStatementBytes)
	}
	return safetext.CheckMultiline(i18n.Textf("the statement"), s)
}
