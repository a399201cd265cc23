package models

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
	"vote.example.org/booth/models/i18n"
)

// ErrNotStaff is a member without the staff role asking for what only the
// stand's staff may do.
var ErrNotStaff = i18n.Errorf("not allowed: only the stand's staff issue kiosk codes; the election officers grant the staff role")

// codeRate is the limit staff issue codes under.
func (s *Service) codeRate() CodeRate {
	if s.CodeRate == (CodeRate{}) {
		return DefaultCodeRate
	}
	return s.CodeRate
}

// StaffIssueCode issues a code as IssueCode does, for the staff member
// staffID over SSH: it refuses a member without the staff role
// (ErrNotStaff) and a staff member over the limit (a *CodeRateError,
// saying when the next code may be issued). The code lives DefaultCodeTTL.
func (s *Service) StaffIssueCode(ctx context.Context, staffID, memberID, electionID string) (IssuedCode, error) {
	staff, err := s.store.IsStaff(ctx, staffID)
	if err != nil {
		return IssuedCode{}, err
	}
	if !staff {
		return IssuedCode{}, ErrNotStaff
	}
	return s.issueCode(ctx, memberID, electionID, 0, staffID, StaffActor(staffID))
}

// sealCodeRecords seals a record of c's issue to each election in opens
// and sets c.Opens to their ids. A record's key is random: nothing in its
// row orders it or ties it to the code.
func (s *Service) sealCodeRecords(c *KioskCode, opens []MemberElection, staff, actor string) ([]SealedCodeRecord, error) {
	rec := CodeRecord{Code: hex.EncodeToString(c.Hash[:]), Member: c.MemberID, Election: c.ElectionID, Staff: staff}
	if staff == "" {
		rec.Officer = actor
	}
	text, err := rec.encode()
	if err != nil {
		return nil, err
	}
	c.Opens = make([]string, 0, len(opens))
	out := make([]SealedCodeRecord, 0, len(opens))
	for _, e := range opens {
		rs, err := ParseRecipients(e.Recipients)
		if err != nil {
			return nil, fmt.Errorf("election %s: its tally key: %w", e.ID, err)
		}
		sealed, err := Seal(rs, text, codeRecordSize)
		if err != nil {
			return nil, fmt.Errorf("sealing the record of a kiosk code for election %s: %w", e.ID, err)
		}
		r := SealedCodeRecord{ElectionID: e.ID, Sealed: sealed}
		if _, err := io.ReadFull(s.Rand, r.Key[:]); err != nil {
			return nil, fmt.Errorf("drawing a record key: %w", err)
		}
		c.Opens = append(c.Opens, e.ID)
		out = append(out, r)
	}
	return out, nil
}

// CodeHistory is what a staff member sees of their own issuing: their
// log entries, newest first, and how many more codes they may issue now
// (with, when none, the time the next one may be).
type CodeHistory struct {
	Entries []CodeLogEntry
	Rate    CodeRate
	Left    int
	Next    time.Time
}

// StaffCodeHistory lists the codes staffID issued, newest first. A code
// names its member only while it is live; once used, revoked or expired
// the server keeps no readable link from the staff member to the member.
func (s *Service) StaffCodeHistory(ctx context.Context, staffID string) (CodeHistory, error) {
	if staffID == "" {
		return CodeHistory{}, ErrNotStaff
	}
	staff, err := s.store.IsStaff(ctx, staffID)
	if err != nil {
		return CodeHistory{}, err
	}
	if !staff {
		return CodeHistory{}, ErrNotStaff
	}
	log, err := s.store.CodeLog(ctx, staffID)
	if err != nil {
		return CodeHistory{}, err
	}
	now := s.Now().UTC()
	for i := range log {
		if log[i].StateAt(now) != CodeIssued {
			log[i].MemberID = ""
		}
	}
	h := CodeHistory{Entries: log, Rate: s.codeRate()}
	h.Left, h.Next = h.Rate.Left(log, now)
	return h, nil
}

// CodeFinding is one sealed record of an election, unsealed, with what
// the server's log and audit chain say about its code.
type CodeFinding struct {
	CodeRecord
	// Logged is false when the issue log has no entry for the code; then
	// Issued, Expires and State are zero.
	Logged          bool
	Issued, Expires time.Time
	State           CodeState
	// AuditSeq is the audit entry of the code's issue by the record's
	// issuer; 0 when the chain has none (a record the server forged, or
	// an issuer that does not match, deserves a look).
	AuditSeq int64
}

// InvestigateCodes unseals the records of the kiosk codes issued for an
// election with its tally key (or an officer's key it is sealed to), for
// the election committee settling a dispute: who issued a code for whom,
// when, and whether it was used. Each record is checked against the issue
// log and the audit chain. The unsealing is audited. Findings come sorted
// by issuer, member and issue time.
//
// The records of an election with trustees are sealed to the key split
// among them, which no officer holds: they are refused here, naming the
// trustees (InvestigateCodesWithTrustees opens them).
func (s *Service) InvestigateCodes(ctx context.Context, electionID string, ids []age.Identity, actor string) ([]CodeFinding, error) {
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return nil, err
	}
	if t := e.Trustees; t != nil {
		names := make([]string, len(t.Keys))
		for i := range names {
			names[i] = fmt.Sprintf("%d (%s)", i+1, t.Name(i))
		}
		return nil, fmt.Errorf("the kiosk code records of election %s are sealed to the key split among its trustees, which no officer holds: any %d of trustees %s. After the close and before publication, open them with the releases of its count session: 'booth code investigate %s --trustees --release FILE…'",
			electionID, t.Threshold, strings.Join(names, ", "), electionID)
	}
	return s.investigateCodes(ctx, electionID, ids, actor)
}

// InvestigateCodesWithTrustees is InvestigateCodes for an election with
// trustees: the releases of its open count session (as
// CountWithTrustees takes them, checked the same way) recover the
// sealing identity in memory, which opens the records and is dropped.
// The releases are not recorded as used: only a count uses them.
func (s *Service) InvestigateCodesWithTrustees(ctx context.Context, electionID, keyFile string, files []ReleaseFile, actor string) ([]CodeFinding, error) {
	e, err := s.trusteeElection(ctx, electionID)
	if err != nil {
		return nil, err
	}
	if err := CheckCountSession(e); err != nil {
		return nil, err
	}
	id, _, _, err := s.openWithTrustees(ctx, e, keyFile, files)
	if err != nil {
		return nil, err
	}
	return s.investigateCodes(ctx, electionID, []age.Identity{id}, actor)
}

// investigateCodes opens and checks the records with the identities.
func (s *Service) investigateCodes(ctx context.Context, electionID string, ids []age.Identity, actor string) ([]CodeFinding, error) {
	sealed, err := s.store.CodeRecords(ctx, electionID)
	if err != nil {
		return nil, err
	}
	log, err := s.store.CodeLog(ctx, "")
	if err != nil {
		return nil, err
	}
	byHash := make(map[string]CodeLogEntry, len(log))
	for _, e := range log {
		byHash[hex.EncodeToString(e.Hash[:])] = e
	}
	audit, err := s.store.AuditLog(ctx)
	if err != nil {
		return nil, err
	}
	issues := map[string][]AuditEntry{} // by code id
	for _, a := range audit {
		if a.Action != "kiosk.code.issue" {
			continue
		}
		if id, ok := strings.CutPrefix(a.Detail, "kiosk code "); ok && len(id) >= 8 {
			issues[id[:8]] = append(issues[id[:8]], a)
		}
	}
	out := make([]CodeFinding, 0, len(sealed))
	for i, r := range sealed {
		text, err := Unseal(ids, r.Sealed)
		if errors.Is(err, ErrNotTallyKey) {
			return nil, fmt.Errorf("the key does not open the kiosk code records of election %s: give the election's tally key (or the private key of an officer's key its ballots are sealed to)", electionID)
		}
		if err != nil {
			return nil, fmt.Errorf("kiosk code record %d of %d of election %s: %w", i+1, len(sealed), electionID, err)
		}
		rec, err := decodeCodeRecord(text)
		if err != nil {
			return nil, fmt.Errorf("kiosk code record %d of %d of election %s: %w", i+1, len(sealed), electionID, err)
		}
		f := CodeFinding{CodeRecord: rec}
		if e, ok := byHash[rec.Code]; ok {
			f.Logged, f.Issued, f.Expires, f.State = true, e.Issued, e.Expires, e.StateAt(s.Now())
		}
		for _, a := range issues[rec.Code[:8]] {
			if a.Actor == rec.Issuer() {
				f.AuditSeq = a.Seq
			}
		}
		out = append(out, f)
	}
	if err := s.store.Audit(ctx, actor, "kiosk.code.investigate",
		fmt.Sprintf("election %s: %d kiosk code records unsealed", electionID, len(out))); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b CodeFinding) int {
		return cmp.Or(strings.Compare(a.Issuer(), b.Issuer()), strings.Compare(a.Member, b.Member), a.Issued.Compare(b.Issued), strings.Compare(a.Code, b.Code))
	})
	return out, nil
}
