package booth

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// utc writes a time as voters read it, always in UTC.
func utc(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// duration writes a span in at most two units: "2d 4h", "3h 12m", "5m",
// "less than a minute".
func duration(p i18n.Printer, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	switch {
	case days > 0 && hours > 0:
		return p.T("%dd %dh", days, hours)
	case days > 0:
		return p.T("%dd", days)
	case hours > 0 && mins > 0:
		return p.T("%dh %dm", hours, mins)
	case hours > 0:
		return p.T("%dh", hours)
	case mins > 0:
		return p.T("%dm", mins)
	}
	return p.T("less than a minute")
}

// spelledDuration writes a span to the second in words, as the member
// lived it: "20 seconds", "1 minute 30 seconds", "15 minutes", "2 hours".
func spelledDuration(p i18n.Printer, d time.Duration) string {
	d = d.Round(time.Second)
	hours, mins, secs := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var parts []string
	if hours > 0 {
		parts = append(parts, p.N(hours, "1 hour", "%d hours", hours))
	}
	if mins > 0 {
		parts = append(parts, p.N(mins, "1 minute", "%d minutes", mins))
	}
	if secs > 0 || len(parts) == 0 {
		parts = append(parts, p.N(secs, "1 second", "%d seconds", secs))
	}
	return strings.Join(parts, " ")
}

// relative is "in 2d 4h" or "2d 4h ago".
func relative(p i18n.Printer, t, now time.Time) string {
	if t.After(now) {
		return p.T("in %s", duration(p, t.Sub(now)))
	}
	return p.T("%s ago", duration(p, now.Sub(t)))
}

// thousands writes 2310 as "2,310".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// percent is part/whole with one decimal, in integers: "55.6%".
func percent(part, whole int64) string {
	if whole <= 0 {
		return "0.0%"
	}
	tenths := (part*1000 + whole/2) / whole
	return fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)
}

// turnout is "turnout 1,284 of 2,310 (55.6%) · quorum 50% met".
func turnout(p i18n.Printer, e models.MemberElection) string {
	return turnoutText(p, e, i18n.Key("turnout %s of %s (%s)"))
}

// turnoutLine is turnout as a line of its own: "Turnout 1,284 of …".
func turnoutLine(p i18n.Printer, e models.MemberElection) string {
	return turnoutText(p, e, i18n.Key("Turnout %s of %s (%s)"))
}

func turnoutText(p i18n.Printer, e models.MemberElection, format string) string {
	t := e.Turnout
	s := p.T(format, thousands(int64(t.Voted)), thousands(int64(t.Electorate)),
		percent(int64(t.Voted), int64(t.Electorate)))
	if q := e.Quorum.Percent; q > 0 {
		switch {
		case e.Quorum.QuorumMet(t):
			s += p.T(" · quorum %d%% met", q)
		case e.State == models.Closed || e.State == models.Counted:
			s += p.T(" · quorum %d%% not met", q)
		default:
			s += p.T(" · quorum %d%% not met yet", q)
		}
	}
	return s
}

// methodName is a method's short name for headers.
func methodName(p i18n.Printer, m tally.Method) string {
	switch m {
	case tally.Schulze:
		return p.T("Schulze")
	case tally.IRV:
		return p.T("Instant runoff")
	case tally.Meek:
		return p.T("Meek STV")
	case tally.Scottish:
		return p.T("Scottish STV")
	case tally.Approval:
		return p.T("Approval")
	case tally.YesNo:
		return p.T("Yes/no")
	}
	return safetext.Sanitize(string(m))
}

// seats is "1 seat" or "3 seats".
func seats(p i18n.Printer, n int) string {
	return p.N(n, "1 seat", "%d seats", n)
}

// shortFingerprint is "7f3a…c2": enough to compare with a published one
// at a glance; the election screen shows it whole.
func shortFingerprint(fp string) string {
	fp = safetext.Sanitize(fp)
	// Cut by display width: a hostile definition's fingerprint may hold
	// wide characters, which a cut by bytes would split.
	w := ansi.StringWidth(fp)
	if w <= 12 {
		return fp
	}
	return ansi.Truncate(fp, 4, "") + "…" + ansi.TruncateLeft(fp, w-2, "")
}

// spread writes left and right on one line of width w, right-aligned.
func spread(left, right string, w int) string {
	gap := w - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 2 {
		return left + "  " + right
	}
	return left + strings.Repeat(" ", gap) + right
}

// padRight pads s with spaces to width w (cutting it if longer).
func padRight(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// wrap breaks plain text into lines of at most w cells, at spaces.
func wrap(s string, w int) string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, ansi.Wrap(para, w, ""))
	}
	return strings.Join(out, "\n")
}
