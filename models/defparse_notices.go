package models

import (
	"cmp"
	"slices"
	"time"
)

// maxReminders bounds a definition's reminders: more would be spam.
const maxReminders = 10

// notices reads the [notices] table: announce and results (true or
// false), remind (periods before the close, e.g. ["7d", "2d", "6h"]) and
// remind_until_quorum (a period, with a quorum that extends the close).
func (p *defParser) notices(root tbl, d *Definition) {
	t, ok := p.table(root, "notices")
	if !ok {
		return
	}
	d.Notices.Announce = p.boolean(t, "announce")
	d.Notices.Results = p.boolean(t, "results")
	if list, ok := get[[]any](p, t, "remind", `a list of periods, e.g. ["7d", "2d", "6h"]`); ok {
		if len(list) > maxReminders {
			p.at("notices.remind", "notices.remind lists %d reminders; at most %d are sent", len(list), maxReminders)
		}
		for _, v := range list {
			s, ok := v.(string)
			if !ok {
				p.at("notices.remind", "notices.remind must list periods as strings such as \"2d\", not %s", tomlType(v))
				continue
			}
			off, err := parseExtend(s)
			if err != nil {
				p.at("notices.remind", "notices.remind %q: %v", s, err)
				continue
			}
			if slices.Contains(d.Notices.Remind, off) {
				p.at("notices.remind", "notices.remind lists %q twice", s)
				continue
			}
			d.Notices.Remind = append(d.Notices.Remind, off)
		}
		// Longest first, as a person reads a schedule.
		slices.SortFunc(d.Notices.Remind, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	}
	if s, ok := p.str(t, "remind_until_quorum"); ok {
		every, err := parseExtend(s)
		switch {
		case err != nil:
			p.at("notices.remind_until_quorum", "notices.remind_until_quorum %q: %v", s, err)
		case d.Quorum.Extend == 0:
			p.at("notices.remind_until_quorum", "notices.remind_until_quorum needs a close that moves on while the quorum is missed: set quorum.percent and quorum.extend")
		default:
			d.Notices.RemindUntilQuorum = every
		}
	}
}
