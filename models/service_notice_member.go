package models

import (
	"context"
	"errors"
	"fmt"
)

// The notices that are not about an election's ballot: the announcement
// that nominations are open (to every active member, since the roll is
// made only at the opening) and the renewal reminder (to one member, once
// per term: its key holds the end of the term, so a renewal that moves
// the end brings a new reminder next time, never the same one twice).

// audienceRoll is who an election's notice of kind k may go to, as roll
// entries: the roll, or every member for the nominations notice.
func (s *Service) audienceRoll(ctx context.Context, electionID string, k NoticeKind) ([]RollEntry, error) {
	if k.Audience() != AudienceMembers {
		return s.store.Roll(ctx, electionID)
	}
	members, err := s.store.Members(ctx)
	if err != nil {
		return nil, err
	}
	roll := make([]RollEntry, 0, len(members))
	for _, m := range members {
		roll = append(roll, RollEntry{MemberID: m.ID})
	}
	return roll, nil
}

// listWord is a notice's List-Id word: its election, or "membership".
func listWord(n Notice) string {
	if n.ElectionID == "" {
		return "membership"
	}
	return headerWord(n.ElectionID)
}

// QueueRenewals queues the renewal reminder of every member in the
// renewal window or grace (RenewalDue) who has not had this term's one;
// it returns the members queued now. The clock calls it at every tick.
func (s *Service) QueueRenewals(ctx context.Context, actor string) ([]string, error) {
	due, err := s.renewalNotices(ctx)
	if err != nil {
		return nil, err
	}
	return s.queueRenewals(ctx, due, actor)
}

// renewalNotices are the reminders of this term due to the active members
// in the renewal window or grace, queued or not.
func (s *Service) renewalNotices(ctx context.Context) ([]Notice, error) {
	due, err := s.RenewalDue(ctx)
	if err != nil {
		return nil, err
	}
	var out []Notice
	for _, m := range due {
		if m.Status == Active && !m.GoodUntil.IsZero() {
			out = append(out, RenewalNotice(m.ID, m.GoodUntil))
		}
	}
	return out, nil
}

// queueRenewals queues the reminders of due not queued yet (queueOnce)
// and returns their members.
func (s *Service) queueRenewals(ctx context.Context, due []Notice, actor string) ([]string, error) {
	var queued []string
	var errs []error
	for _, n := range due {
		rows, err := s.queueOnce(ctx, n, actor)
		switch {
		case errors.Is(err, ErrExists):
		case err != nil:
			errs = append(errs, fmt.Errorf("queuing notice %s: %w", n.ID(), err))
		case rows > 0:
			queued = append(queued, n.MemberID)
		}
	}
	return queued, errors.Join(errs...)
}

// PreviewRenewals is what booth notice send --renewal --dry-run shows:
// the members in their renewal window or grace, and one rendered mail.
func (s *Service) PreviewRenewals(ctx context.Context) (NoticePreview, error) {
	var p NoticePreview
	due, err := s.RenewalDue(ctx)
	if err != nil {
		return p, err
	}
	// The reminders queued before (this term's, for a member reminded
	// already) are not queued again by a send: not counted either.
	reports, err := s.store.NoticeReports(ctx, "")
	if err != nil {
		return p, err
	}
	queued := make(map[string]bool, len(reports))
	for _, r := range reports {
		queued[r.Notice.ID()] = true
	}
	var items []OutboxItem
	for _, m := range due {
		switch {
		case m.Status != Active || m.GoodUntil.IsZero():
		case queued[RenewalNotice(m.ID, m.GoodUntil).ID()]:
		case m.Email == "":
			p.NoAddress++
		default:
			items = append(items, OutboxItem{Notice: RenewalNotice(m.ID, m.GoodUntil), MemberID: m.ID, Name: m.Name, Email: m.Email})
		}
	}
	p.Recipients = len(items)
	p.Languages, err = s.previewLanguages(ctx, Election{}, items, false)
	return p, err
}
