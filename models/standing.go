package models

import (
	"errors"
	"fmt"
	"time"

	"vote.example.org/booth/models/i18n"
)

// Foundation is the membership rules a foundation sets once, kept in the
// store (booth foundation set) so that every front end on the database
// applies the same rules and each change is in the audit chain. The zero
// value tracks no term: membership does not expire, and every active
// member is in good standing.
type Foundation struct {
	// TermMonths is how long a membership lasts from joining or from the
	// previous expiry (calendar months); 0: no term.
	TermMonths int `json:"term_months"`
	// WindowDays is how long before the expiry a member may renew.
	WindowDays int `json:"window_days"`
	// GraceDays is how long after the expiry the member stays in good
	// standing and may still renew themselves, so a renewal missed by a
	// few days costs nothing.
	GraceDays int `json:"grace_days"`
}

// Limits on the foundation's rules, so a typo cannot make memberships
// last a thousand years or never be renewable.
const (
	maxTermMonths = 120
	maxRuleDays   = 366
)

// Check refuses rules that cannot work together.
func (f Foundation) Check() error {
	switch {
	case f.TermMonths < 0 || f.TermMonths > maxTermMonths:
		return fmt.Errorf("a membership term of %d months: give 1 to %d months, or 0 for memberships that do not expire", f.TermMonths, maxTermMonths)
	case f.WindowDays < 0 || f.WindowDays > maxRuleDays, f.GraceDays < 0 || f.GraceDays > maxRuleDays:
		return fmt.Errorf("a renewal window of %d days and a grace of %d days: each must be 0 to %d days", f.WindowDays, f.GraceDays, maxRuleDays)
	case f.TermMonths == 0 && (f.WindowDays > 0 || f.GraceDays > 0):
		return errors.New("a renewal window or grace needs a term: set the term in months too")
	case f.TermMonths > 0 && f.WindowDays == 0:
		return errors.New("a term needs a renewal window: members renew themselves in the days before the expiry (e.g. 30)")
	case f.TermMonths > 0 && f.WindowDays > 28*f.TermMonths:
		return fmt.Errorf("a renewal window of %d days is longer than the term of %d months", f.WindowDays, f.TermMonths)
	}
	return nil
}

// Tracked reports whether memberships expire.
func (f Foundation) Tracked() bool { return f.TermMonths > 0 }

// Grace is the grace after an expiry.
func (f Foundation) Grace() time.Duration { return time.Duration(f.GraceDays) * 24 * time.Hour }

// Window is the renewal window before an expiry.
func (f Foundation) Window() time.Duration { return time.Duration(f.WindowDays) * 24 * time.Hour }

// NewTerm is when a membership that started (or was last good until) from
// ends: one term later.
func (f Foundation) NewTerm(from time.Time) time.Time {
	return from.UTC().AddDate(0, f.TermMonths, 0).Truncate(time.Second)
}

// StandingCutoff is the oldest expiry still in good standing at now: a
// member whose good_standing_until is after it is in good standing (the
// grace counted). The stores freeze an electorate with it.
func (f Foundation) StandingCutoff(now time.Time) time.Time {
	return now.UTC().Add(-f.Grace())
}

// StandingState is where a member's membership stands.
type StandingState string

// Standing states. Good, Expiring and Grace are in good standing; Lapsed
// and Inactive are not.
const (
	StandingGood     StandingState = "good"     // good, and not yet renewable
	StandingExpiring StandingState = "expiring" // in the renewal window before the expiry
	StandingGrace    StandingState = "grace"    // expired, within the grace: still good, renew now
	StandingLapsed   StandingState = "lapsed"   // past the grace: not in good standing
	StandingInactive StandingState = "inactive" // suspended or removed by the officers
)

// StandingFilters are the values booth member list --standing takes.
var StandingFilters = []StandingState{StandingGood, StandingExpiring, StandingGrace, StandingLapsed, StandingInactive}

// Standing is a member's standing at a moment.
type Standing struct {
	State StandingState
	// Until is the end of the current term (zero when memberships do not
	// expire); GoodUntil the end of good standing, the grace counted.
	Until, GoodUntil time.Time
	// RenewFrom is when the member may renew themselves (zero: never).
	RenewFrom time.Time
}

// InGood reports whether the standing counts as good: for voting,
// nominating and being nominated.
func (s Standing) InGood() bool {
	return s.State == StandingGood || s.State == StandingExpiring || s.State == StandingGrace
}

// StandingAt is m's standing at now under f. A member without an expiry
// (added before the foundation set a term) is in good standing while
// active.
func (m Member) StandingAt(f Foundation, now time.Time) Standing {
	st := Standing{Until: m.GoodUntil}
	if m.Status != Active {
		st.State = StandingInactive
		return st
	}
	if !f.Tracked() || m.GoodUntil.IsZero() {
		st.State = StandingGood
		return st
	}
	st.GoodUntil = m.GoodUntil.Add(f.Grace())
	st.RenewFrom = m.GoodUntil.Add(-f.Window())
	switch {
	case now.Before(st.RenewFrom):
		st.State = StandingGood
	case now.Before(m.GoodUntil):
		st.State = StandingExpiring
	case now.Before(st.GoodUntil):
		st.State = StandingGrace
	default:
		st.State = StandingLapsed
	}
	return st
}

// Describe says a standing to its member, in one line.
func (s Standing) Describe() string { return s.Text().String() }

// DescribeIn is Describe in p's language.
func (s Standing) DescribeIn(p i18n.Printer) string { return s.Text().In(p) }

// Text is Describe as a message, for a refusal that quotes it.
func (s Standing) Text() i18n.Text {
	switch s.State {
	case StandingInactive:
		return i18n.Textf("not in good standing: your membership is suspended or removed")
	case StandingGood:
		if s.Until.IsZero() {
			return i18n.Textf("in good standing (memberships do not expire)")
		}
		return i18n.Textf("in good standing until %s; renewal opens %s", day(s.Until), day(s.RenewFrom))
	case StandingExpiring:
		return i18n.Textf("in good standing until %s: renew now with 'renew'", day(s.Until))
	case StandingGrace:
		return i18n.Textf("expired %s, in good standing for the grace until %s: renew now with 'renew'", day(s.Until), day(s.GoodUntil))
	}
	return i18n.Textf("lapsed: not in good standing since %s; ask the officers to renew it", day(s.GoodUntil))
}

// day is a date as members read it.
func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// MemberFor is how long m has been a member at t, in whole days.
func (m Member) MemberFor(t time.Time) int {
	return int(t.Sub(m.Joined) / (24 * time.Hour))
}

// Renewal is a membership renewed: by the member themselves (ByOfficer
// false: only in the window or the grace), or by an officer (any time,
// with a reason).
type Renewal struct {
	MemberID  string
	ByOfficer bool
	Reason    string
}

// ErrRefused is a rule of the foundation or of an election refusing what
// a member or officer asked; the error's text says which rule and why.
var ErrRefused = errors.New("refused by the rules")

// RefusedError is a refusal by a rule, in words for the person who asked:
// the words are the error it wraps (an i18n error where a member reads
// them), its text is theirs.
type RefusedError struct{ err error }

func (e *RefusedError) Error() string        { return e.err.Error() }
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }
func (e *RefusedError) Unwrap() error        { return e.err }

func refused(why error) error { return &RefusedError{err: why} }
