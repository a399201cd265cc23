package models

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Accountability for kiosk codes (issue 10 item 6). A code lets whoever
// types it vote as its member, so the staff who issue codes could vote as
// anyone. Three things bound and trace that:
//
//   - a limit: a staff member issues at most CodeRate.Codes codes in any
//     window of CodeRate.Per, counted in the store (the issue log), so it
//     holds across front ends that share a database;
//   - a sealed record of every issue (who issued a code for whom), one for
//     each election the code opens, sealed to that election's tally key:
//     the election committee reads it with `booth code investigate`, the
//     server cannot. Its row carries no time and a random key, and the
//     close rewrites the table in key order;
//   - the issue log, which the staff see as their history: when, which
//     election, until when, and whether the code was used, but never for
//     whom once the code is gone (the member is shown only while the code
//     is live, from the code's own row, which the kiosk needs anyway).

// CodeRate limits how many kiosk codes one staff member issues over SSH:
// at most Codes in any window of Per.
type CodeRate struct {
	Codes int
	Per   time.Duration
}

// DefaultCodeRate is the limit unless `booth serve --code-rate` says
// otherwise: a kiosk serves a voter every few minutes, so 30 an hour keeps
// a busy stand going while bounding what one staff member can do.
var DefaultCodeRate = CodeRate{Codes: 30, Per: time.Hour}

// Bounds of a code rate an officer may choose.
const (
	maxRateCodes = 10000
	minRatePer   = time.Minute
	maxRatePer   = 7 * 24 * time.Hour
)

// ParseCodeRate reads a limit written as CODES/DURATION, e.g. "30/1h" or
// "10/15m".
func ParseCodeRate(s string) (CodeRate, error) {
	n, per, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return CodeRate{}, fmt.Errorf("kiosk code limit %q: write it as CODES/DURATION, such as 30/1h", s)
	}
	codes, err := strconv.Atoi(n)
	if err != nil {
		return CodeRate{}, fmt.Errorf("kiosk code limit %q: %q is not a whole number of codes; write it as CODES/DURATION, such as 30/1h", s, n)
	}
	d, err := time.ParseDuration(per)
	if err != nil {
		return CodeRate{}, fmt.Errorf("kiosk code limit %q: %q is not a duration (such as 1h or 15m); write it as CODES/DURATION, such as 30/1h", s, per)
	}
	r := CodeRate{Codes: codes, Per: d}
	return r, r.Check()
}

// Check checks that a limit is one an officer may set.
func (r CodeRate) Check() error {
	if r.Codes < 1 || r.Codes > maxRateCodes || r.Per < minRatePer || r.Per > maxRatePer {
		return fmt.Errorf("kiosk code limit %s: allow 1 to %d codes per %s to %s", r, maxRateCodes, minRatePer, ShortDuration(maxRatePer))
	}
	return nil
}

// String writes the limit as ParseCodeRate reads it.
func (r CodeRate) String() string { return fmt.Sprintf("%d/%s", r.Codes, ShortDuration(r.Per)) }

// ShortDuration writes 1h0m0s as 1h, 1h30m0s as 1h30m and 5m0s as 5m.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ErrCodeRate is a staff member who has issued as many codes as the
// limit allows; the error is a *CodeRateError, which says when the next
// one may be issued.
var ErrCodeRate = errors.New("kiosk code limit reached")

// CodeRateError refuses a code over the limit.
type CodeRateError struct {
	Rate CodeRate
	// Next is when the oldest issue in the window leaves it, and the
	// staff member may issue again.
	Next time.Time
}

func (e *CodeRateError) Error() string {
	return fmt.Sprintf("%d kiosk codes issued in the last %s, the limit: the next may be issued at %s",
		e.Rate.Codes, ShortDuration(e.Rate.Per), e.Next.UTC().Format("2006-01-02 15:04:05 UTC"))
}

// Is makes errors.Is(err, ErrCodeRate) hold.
func (e *CodeRateError) Is(target error) bool { return target == ErrCodeRate }

// StaffActor is how the audit log names a staff member who issues a code
// over SSH; `booth code investigate` matches records against it.
func StaffActor(memberID string) string { return memberID + " (staff, over SSH)" }

// CodeIssue is everything the store keeps of a code's issue, written in
// one transaction: the code, its log entry and its sealed records.
type CodeIssue struct {
	Code KioskCode
	// Staff is the staff member who issues the code over SSH; "" for an
	// officer at the server's command line, who is not limited.
	Staff string
	// Issued is when, for the log and the limit.
	Issued time.Time
	// Rate is the staff member's limit: the store refuses the code with a
	// *CodeRateError when Rate.Codes codes of Staff were issued in the
	// Rate.Per before Issued. Zero for an officer.
	Rate CodeRate
	// Records holds one sealed record for each election in Code.Opens.
	Records []SealedCodeRecord
}

// SealedCodeRecord is a CodeRecord sealed to one election's tally key, as
// stored: under a random key, with no time.
type SealedCodeRecord struct {
	Key        [32]byte
	ElectionID string
	Sealed     []byte
}

// CodeRecord is what a sealed record says: who issued which code for whom.
type CodeRecord struct {
	// Code is the code's hash in hex (KioskCode.ID is its first 8 digits).
	Code   string `json:"code"`
	Member string `json:"member"`
	// Election is the code's one election, "" when it named none (it then
	// opened every election holding a record of it).
	Election string `json:"election,omitempty"`
	// Staff is the staff member's id; Officer the officer at the server's
	// command line (as the audit log names them). One of the two is set.
	Staff   string `json:"staff,omitempty"`
	Officer string `json:"officer,omitempty"`
}

// codeRecordSize is the padded size of every sealed record: room for ids
// of 64 bytes and an officer's name of maxRecordOfficer, so that a
// record's length says nothing about whose it is.
const codeRecordSize = 512

// maxRecordOfficer bounds the officer's name kept in a record.
const maxRecordOfficer = 128

// Issuer says who issued the record's code, as the audit log names them.
func (r CodeRecord) Issuer() string {
	if r.Staff != "" {
		return StaffActor(r.Staff)
	}
	return r.Officer
}

// encode writes the record as the text that is sealed.
func (r CodeRecord) encode() ([]byte, error) {
	if len(r.Officer) > maxRecordOfficer {
		cut := maxRecordOfficer
		for cut > 0 && !utf8.RuneStart(r.Officer[cut]) {
			cut--
		}
		r.Officer = r.Officer[:cut]
	}
	return json.Marshal(r)
}

// decodeCodeRecord reads an unsealed record.
func decodeCodeRecord(b []byte) (CodeRecord, error) {
	var r CodeRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("not a kiosk code record: %w", err)
	}
	if h, err := hex.DecodeString(r.Code); err != nil || len(h) != 32 || r.Member == "" || (r.Staff == "") == (r.Officer == "") {
		return r, errors.New("not a kiosk code record: it lacks the code, the member or who issued it")
	}
	return r, nil
}

// CodeState is where an issued code is in its life.
type CodeState string

// A code is issued, then used at a kiosk or revoked; an issued code past
// its expiry is shown as expired.
const (
	CodeIssued  CodeState = "issued"
	CodeUsed    CodeState = "used"
	CodeRevoked CodeState = "revoked"
	CodeExpired CodeState = "expired"
)

// CodeLogEntry is one code in the issue log: no member, except while the
// code is live (MemberID then comes from the code's own row).
type CodeLogEntry struct {
	Hash [32]byte
	// Staff is "" for a code an officer issued at the command line.
	Staff      string
	ElectionID string // "" for any
	Issued     time.Time
	Expires    time.Time
	State      CodeState
	MemberID   string // only while the code can still be used
}

// ID is the code's id, as KioskCode.ID.
func (c CodeLogEntry) ID() string { return KioskCode{Hash: c.Hash}.ID() }

// StateAt is the entry's state as a person reads it at now: an issued
// code past its expiry is expired.
func (c CodeLogEntry) StateAt(now time.Time) CodeState {
	if c.State == CodeIssued && !now.Before(c.Expires) {
		return CodeExpired
	}
	return c.State
}

// Left says how many more codes a staff member whose log is entries may
// issue at now under r, and, when none, when the next one may be.
func (r CodeRate) Left(entries []CodeLogEntry, now time.Time) (left int, next time.Time) {
	var in []time.Time
	for _, e := range entries {
		if e.Issued.After(now.Add(-r.Per)) {
			in = append(in, e.Issued)
		}
	}
	if len(in) < r.Codes {
		return r.Codes - len(in), time.Time{}
	}
	// The next slot opens when the Codes-th newest leaves the window.
	slices.SortFunc(in, func(a, b time.Time) int { return b.Compare(a) })
	return 0, in[r.Codes-1].Add(r.Per)
}

// Check checks that an issue is whole before a store keeps it: a code
// that opens at least one election, its one election if it names one, and
// a sealed record for each, in the same order.
func (ci CodeIssue) Check() error {
	c := ci.Code
	switch {
	case c.MemberID == "" || c.Expires.IsZero() || ci.Issued.IsZero():
		return errors.New("a kiosk code needs a member, an expiry and an issue time")
	case len(c.Opens) == 0:
		return errors.New("a kiosk code must open at least one election")
	case c.ElectionID != "" && (len(c.Opens) != 1 || c.Opens[0] != c.ElectionID):
		return fmt.Errorf("a kiosk code for election %s opens that election only, not %v", c.ElectionID, c.Opens)
	case len(ci.Records) != len(c.Opens):
		return fmt.Errorf("a kiosk code opening %d elections needs a sealed record for each, not %d", len(c.Opens), len(ci.Records))
	}
	for i, r := range ci.Records {
		if r.ElectionID != c.Opens[i] || len(r.Sealed) == 0 {
			return fmt.Errorf("kiosk code record %d: a sealed record for election %s is needed", i+1, c.Opens[i])
		}
	}
	return nil
}
