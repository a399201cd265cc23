package models

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The audit wording of every change a store makes. Published audit chains
// hold these words and hash them, so each is written here once, and both
// stores append exactly what these functions return.

// AuditEvent is what an audit entry says happened: its action and detail.
type AuditEvent struct {
	Action, Detail string
}

// NextAuditEntry is the entry a store appends after the chain's head (the
// last entry's sequence number and hash as stored; 0 and nil for an empty
// chain), at now to the second.
func NextAuditEntry(headSeq int64, headHash []byte, now time.Time, actor string, ev AuditEvent) (AuditEntry, error) {
	e := AuditEntry{Seq: headSeq + 1, At: now.Truncate(time.Second), Actor: actor, Action: ev.Action, Detail: ev.Detail}
	if headSeq != 0 || headHash != nil {
		if len(headHash) != len(e.Prev) {
			return e, fmt.Errorf("audit entry %d has a malformed hash", headSeq)
		}
		copy(e.Prev[:], headHash)
	}
	e.Hash = ChainHash(e.Prev, e.Seq, e.At, e.Actor, e.Action, e.Detail)
	return e, nil
}

// AuditMemberAdded records a member added by hand or imported from a file,
// with the fingerprints of their keys.
func AuditMemberAdded(m Member, imported bool) AuditEvent {
	action, verb := "member.add", "added"
	if imported {
		action, verb = "member.import", "imported"
	}
	detail := fmt.Sprintf("member %s %s", m.ID, verb)
	if len(m.Keys) > 0 {
		fps := make([]string, len(m.Keys))
		for i, k := range m.Keys {
			fps[i] = k.Fingerprint
		}
		detail += " with keys " + strings.Join(fps, ", ")
	}
	return AuditEvent{action, detail}
}

// AuditMemberStatus records a member's status changing from old to st.
func AuditMemberStatus(id string, st MemberStatus, old string) AuditEvent {
	return AuditEvent{"member.status", fmt.Sprintf("member %s status %s (was %s)", id, st, old)}
}

// AuditKeyAdded records one more key registered to a member.
func AuditKeyAdded(memberID, fingerprint string) AuditEvent {
	return AuditEvent{"key.add", fmt.Sprintf("member %s key %s added", memberID, fingerprint)}
}

// AuditKeyRemoved records a member's key removed.
func AuditKeyRemoved(memberID, fingerprint string) AuditEvent {
	return AuditEvent{"key.remove", fmt.Sprintf("member %s key %s removed", memberID, fingerprint)}
}

// AuditElectionCreated records a new draft election.
func AuditElectionCreated(e Election) AuditEvent {
	return AuditEvent{"election.create", fmt.Sprintf("election %s created (%s, %d candidates)", e.ID, e.Method, len(e.Candidates))}
}

// AuditTrusteeShares records the sealing key of a new election split among
// its trustees.
func AuditTrusteeShares(e Election) AuditEvent {
	t := e.Trustees
	names := make([]string, len(t.Keys))
	for i := range names {
		names[i] = fmt.Sprintf("%d=%s", i+1, t.Name(i))
	}
	return AuditEvent{"trustee.shares", fmt.Sprintf("election %s: sealing key split among %d trustees, threshold %d; each share sealed to its trustee (%s); the key was not kept",
		e.ID, len(t.Keys), t.Threshold, strings.Join(names, "; "))}
}

// AuditShareFetched is the detail of a trustee fetching their sealed share.
func AuditShareFetched(electionID string, index int, fingerprint string) string {
	return fmt.Sprintf("election %s: trustee %d (%s) fetched their sealed share", electionID, index, fingerprint)
}

// AuditCountSessionStarted records a trustee count session's one-time key.
func AuditCountSessionStarted(electionID, key string) AuditEvent {
	return AuditEvent{"count.session", fmt.Sprintf("election %s: count session started with key %s", electionID, key)}
}

// AuditReleaseUsed records one trustee's release used by a count.
func AuditReleaseUsed(electionID, key string, r UsedRelease) AuditEvent {
	return AuditEvent{"trustee.release", fmt.Sprintf("election %s: trustee %d (%s) released their share to count session %s", electionID, r.Index, r.Trustee, key)}
}

// AuditCountSessionFinished records a count session closed after its
// results were published.
func AuditCountSessionFinished(electionID, key string) AuditEvent {
	return AuditEvent{"count.session.finish", fmt.Sprintf("election %s: count session %s finished; its key is deleted", electionID, key)}
}

// AuditDefinitionReplaced records a draft's definition edited.
func AuditDefinitionReplaced(id string) AuditEvent {
	return AuditEvent{"election.update", fmt.Sprintf("election %s definition replaced", id)}
}

// AuditElectionOpened records an election opened with its fingerprint and
// the size of the electorate it froze, and when it opened before its
// opening time, that time (o.Early), which moved to the opening.
func AuditElectionOpened(id string, o Opening, electorate int) AuditEvent {
	detail := fmt.Sprintf("election %s opened, fingerprint %s, electorate %d", id, o.Fingerprint, electorate)
	if !o.Early.IsZero() {
		detail += fmt.Sprintf(", before its opening time %s, which moved to %s", o.Early.UTC().Format(time.RFC3339),
			o.Definition.OpensAt.UTC().Format(time.RFC3339))
	}
	return AuditEvent{"election.open", detail}
}

// AuditOpenRefused records an opening refused for an empty electorate
// (CheckElectorate): the election stays a draft.
func AuditOpenRefused(e Election) AuditEvent {
	return AuditEvent{"election.open.refused", fmt.Sprintf("election %s not opened: %s; it stays a draft", e.ID, e.electorateRule())}
}

// AuditElectionCancelled records an election cancelled before any ballot,
// from state was, with the roll of roll members discarded.
func AuditElectionCancelled(id string, was ElectionState, roll int) AuditEvent {
	return AuditEvent{"election.cancel", fmt.Sprintf("election %s cancelled (was %s, no ballots): its roll of %d and its tally key record discarded", id, was, roll)}
}

// AuditElectionExtended records a close extension; e is the election with
// the extension counted.
func AuditElectionExtended(e Election) AuditEvent {
	return AuditEvent{"election.extend", fmt.Sprintf("election %s extended (extension %d), closes %s", e.ID, e.Extensions,
		e.EffectiveClose().UTC().Format(time.RFC3339))}
}

// AuditCandidateWithdrawn records a candidate withdrawn.
func AuditCandidateWithdrawn(electionID, candidateID string) AuditEvent {
	return AuditEvent{"candidate.withdraw", fmt.Sprintf("election %s candidate %s withdrawn", electionID, candidateID)}
}

// AuditElectionClosed records a close with the election's turnout.
func AuditElectionClosed(id string, t Turnout) AuditEvent {
	return AuditEvent{"election.close", fmt.Sprintf("election %s closed, %d of %d voted", id, t.Voted, t.Electorate)}
}

// AuditScrubbed records the scrub of the elections that were pending when
// it began, in a store's words for what it did (how). The election whose
// close is being scrubbed (closing; "" for none) was audited by the close,
// so it is left out, and a scrub of that election alone is not audited: ok
// is false.
func AuditScrubbed(pending []string, closing, how string) (ev AuditEvent, ok bool) {
	audited := slices.DeleteFunc(slices.Clone(pending), func(id string) bool { return id == closing })
	if len(audited) == 0 {
		return AuditEvent{}, false
	}
	return AuditEvent{"election.scrub", fmt.Sprintf("storage of %s scrubbed after the close: %s", strings.Join(audited, ", "), how)}, true
}

// AuditCounted records a count stored; before is the state the election
// was in, so a count of a counted election says it was counted again.
func AuditCounted(electionID string, before ElectionState, ballots int64) AuditEvent {
	verb := "counted"
	if before == Counted {
		verb = "recounted"
	}
	return AuditEvent{"election.result", fmt.Sprintf("election %s %s: %d ballots", electionID, verb, ballots)}
}

// AuditPublished records a results bundle published (again, when first is
// false), naming its SHA-256, so the chain commits to exactly that file
// (see FindPublication).
func AuditPublished(electionID string, first bool, data []byte) AuditEvent {
	verb := "published again"
	if first {
		verb = "published"
	}
	sum := sha256.Sum256(data)
	return AuditEvent{PublishAction,
		fmt.Sprintf("election %s %s: results bundle sha256 %s (%d bytes)", electionID, verb, hex.EncodeToString(sum[:]), len(data))}
}

// AuditCodeIssued records a kiosk code issued: its id, its scope and
// expiry, never its member (an entry "member M got a code" next to the
// kiosk's cast times would tie a name to a ballot's time).
func AuditCodeIssued(c KioskCode) AuditEvent {
	scope := "any open election"
	if c.ElectionID != "" {
		scope = "election " + c.ElectionID
	}
	return AuditEvent{"kiosk.code.issue",
		fmt.Sprintf("kiosk code %s issued for %s, valid until %s", c.ID(), scope, c.Expires.UTC().Format(time.RFC3339))}
}

// AuditCodeRevoked records a kiosk code revoked before it was used.
func AuditCodeRevoked(hash [32]byte) AuditEvent {
	return AuditEvent{"kiosk.code.revoke", fmt.Sprintf("kiosk code %s revoked", KioskCode{Hash: hash}.ID())}
}

// AuditStaff records the staff role granted (staff) or withdrawn.
func AuditStaff(memberID string, staff bool) AuditEvent {
	if staff {
		return AuditEvent{"kiosk.staff.add", fmt.Sprintf("member %s may issue kiosk codes", memberID)}
	}
	return AuditEvent{"kiosk.staff.remove", fmt.Sprintf("member %s may no longer issue kiosk codes", memberID)}
}

// AuditDeviceAdded records a kiosk device registered with its key.
func AuditDeviceAdded(d KioskDevice) AuditEvent {
	return AuditEvent{"kiosk.device.add", fmt.Sprintf("kiosk device %s added with key %s", d.Name, d.Key.Fingerprint)}
}

// AuditDeviceRemoved records a kiosk device removed.
func AuditDeviceRemoved(name string) AuditEvent {
	return AuditEvent{"kiosk.device.remove", fmt.Sprintf("kiosk device %s removed", name)}
}

// AuditClockAccepted records the recorded time set back to the local
// clock (LocalClockStore), naming both times, so the step back is on the
// record.
func AuditClockAccepted(local, recorded time.Time) AuditEvent {
	return AuditEvent{"clock.accept", fmt.Sprintf("local clock accepted: the recorded time %s, %s ahead of it, set back to %s",
		recorded.Format(time.RFC3339), recorded.Sub(local).Round(time.Second), local.Format(time.RFC3339))}
}

// AuditNoticeQueued records a notice queued for rows members (who they
// are is the roll's business, not the chain's).
func AuditNoticeQueued(n Notice, rows int) AuditEvent {
	return AuditEvent{"notice.queue", fmt.Sprintf("notice %s queued for %d members", n.ID(), rows)}
}

// AuditNoticeRetried records the failed rows of an election's notices of
// one kind put back to pending by an officer.
func AuditNoticeRetried(electionID string, k NoticeKind, rows int) AuditEvent {
	return AuditEvent{"notice.retry", fmt.Sprintf("failed %s notices of election %s queued again for %d members", k, electionID, rows)}
}

// AuditFoundation records the foundation's membership rules set.
func AuditFoundation(f Foundation) AuditEvent {
	return AuditEvent{"foundation.set", fmt.Sprintf("membership rules set: term %d months, renewal window %d days, grace %d days",
		f.TermMonths, f.WindowDays, f.GraceDays)}
}

// AuditRenewed records a membership renewed, by the member or by an
// officer (with the reason), and its new expiry.
func AuditRenewed(r Renewal, until time.Time) AuditEvent {
	detail := fmt.Sprintf("member %s renewed their membership, good until %s", r.MemberID, until.UTC().Format(time.RFC3339))
	if r.ByOfficer {
		detail = fmt.Sprintf("member %s renewed by an officer, good until %s: %s", r.MemberID, until.UTC().Format(time.RFC3339), r.Reason)
	}
	return AuditEvent{"member.renew", detail}
}

// AuditLapsed records an officer lapsing a membership, with the reason.
func AuditLapsed(memberID, reason string) AuditEvent {
	return AuditEvent{"member.lapse", fmt.Sprintf("member %s lapsed by an officer: %s", memberID, reason)}
}

// AuditNominated records a nomination: who nominated whom.
func AuditNominated(n Nominate) AuditEvent {
	return AuditEvent{"nomination.nominate", fmt.Sprintf("election %s: member %s nominated %s", n.ElectionID, n.Nominator, n.Nominee)}
}

// AuditNominationChanged records a nominee's answer (accept, with the
// SHA-256 of their statement; decline; withdraw) or an officer's decision
// (reject, reinstate) with the reason.
func AuditNominationChanged(c NominationChange) AuditEvent {
	detail := fmt.Sprintf("election %s: nomination of %s", c.ElectionID, c.NomineeID)
	switch c.Action {
	case Accept:
		sum := sha256.Sum256([]byte(c.Statement))
		detail += fmt.Sprintf(" accepted, statement sha256 %s", hex.EncodeToString(sum[:]))
	case Decline:
		detail += " declined"
	case Withdraw:
		detail += " withdrawn by the nominee"
	case Reject:
		detail += " rejected by an officer: " + c.Reason
	case Reinstate:
		detail += " reinstated by an officer: " + c.Reason
	}
	return AuditEvent{"nomination." + string(c.Action), detail}
}

// AuditNominationsClosed records the nominations closed and the
// candidates they made, with the definition's new fingerprint, and the
// nominees the close dropped, each with the reason.
func AuditNominationsClosed(c Closing) AuditEvent {
	d := c.Definition
	ids := make([]string, len(d.Candidates))
	for i, c := range d.Candidates {
		ids[i] = c.ID
	}
	return AuditEvent{"nomination.close", fmt.Sprintf("election %s: nominations closed, candidates %s, fingerprint %s%s",
		d.ID, strings.Join(ids, ", "), d.Fingerprint(), auditDropped(c.Dropped))}
}

// AuditNominationsShort records nominations that closed with fewer
// accepted nominees than seats: the election is not opened.
func AuditNominationsShort(c Closing) AuditEvent {
	d := c.Definition
	return AuditEvent{"nomination.short", fmt.Sprintf("election %s not opened: %d accepted nominees for %s%s; the officers may extend the nominations",
		d.ID, len(d.Candidates), seats(d.Seats), auditDropped(c.Dropped))}
}

// auditDropped names the nominees a close dropped, with why; "" if none.
func auditDropped(dropped []Nomination) string {
	var b strings.Builder
	for i, n := range dropped {
		if i == 0 {
			b.WriteString("; not standing: ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s (%s)", n.NomineeID, n.Reason)
	}
	return b.String()
}

// AuditNominationsExtended records the close of the nomination period
// moved later.
func AuditNominationsExtended(id string, from, until time.Time) AuditEvent {
	return AuditEvent{"nomination.extend", fmt.Sprintf("election %s: nominations close moved from %s to %s", id,
		from.UTC().Format(time.RFC3339), until.UTC().Format(time.RFC3339))}
}
