package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// QueueNotice records the notice and one outbox row per member of its
// audience with one INSERT … SELECT from the roll; the notice's primary
// key decides between front ends queuing it at once.
func (s *Store) QueueNotice(ctx context.Context, n models.Notice, actor string) (int, error) {
	var queued, unpublished bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM notices WHERE id = $1),
		$2 AND NOT EXISTS (SELECT 1 FROM bundles WHERE election_id = $3)`, n.ID(), n.Kind == models.NoticeResults, n.ElectionID).Scan(&queued, &unpublished)
	if err != nil {
		return 0, err
	}
	if err := models.CheckNoticeAsked(n, queued, unpublished); err != nil {
		return 0, err
	}
	var rows int
	err = s.write(ctx, func(tx pgx.Tx) error {
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		if n.Kind == models.NoticeRenewal {
			rows, err = queueRenewal(ctx, tx, n, nanos(now))
			if err != nil {
				return err
			}
			return s.appendAudit(ctx, tx, actor, models.AuditNoticeQueued(n, rows))
		}
		// FOR SHARE: a close waits for the queue, so the rows it folds
		// include these.
		e, err := lockElection(ctx, tx, n.ElectionID, `FOR SHARE`)
		if err != nil {
			return err
		}
		var published bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM bundles WHERE election_id = $1)`, n.ElectionID).Scan(&published); err != nil {
			return err
		}
		if err := models.CheckQueueNotice(e, n.Kind, published, now); err != nil {
			return err
		}
		aud := n.Kind.Audience()
		tag, err := tx.Exec(ctx, `INSERT INTO notices (id, election_id, kind, slot, audience, created_at) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (id) DO NOTHING`, n.ID(), n.ElectionID, string(n.Kind), n.Slot, string(aud), nanos(now))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return models.NoticeQueued(n)
		}
		q := `INSERT INTO outbox (notice_id, member_id, election_id, state, reason)
			SELECT $1, r.member_id, r.election_id,
				CASE WHEN m.email = '' THEN 'failed' ELSE 'pending' END,
				CASE WHEN m.email = '' THEN $2 ELSE '' END
			FROM roll r JOIN members m ON m.id = r.member_id
			WHERE r.election_id = $3 AND m.status = 'active' AND ($4 = 'roll' OR NOT r.voted)
			ORDER BY r.member_id`
		if aud == models.AudienceMembers {
			// Before the opening there is no roll: every active member.
			q = `INSERT INTO outbox (notice_id, member_id, election_id, state, reason)
			SELECT $1, m.id, $3,
				CASE WHEN m.email = '' THEN 'failed' ELSE 'pending' END,
				CASE WHEN m.email = '' THEN $2 ELSE '' END
			FROM members m WHERE m.status = 'active' AND $4 = 'members'
			ORDER BY m.id`
		}
		tag, err = tx.Exec(ctx, q, n.ID(), models.ReasonNoAddress, n.ElectionID, string(aud))
		if err != nil {
			return err
		}
		rows = int(tag.RowsAffected())
		return s.appendAudit(ctx, tx, actor, models.AuditNoticeQueued(n, rows))
	})
	return rows, err
}

// ClaimNotices settles what dead front ends left, then claims up to limit
// due rows; SKIP LOCKED lets front ends claiming at once take different
// rows instead of queuing behind each other.
func (s *Store) ClaimNotices(ctx context.Context, holder string, limit int, lease time.Duration) ([]models.OutboxItem, error) {
	var items []models.OutboxItem
	err := s.write(ctx, func(tx pgx.Tx) error {
		items = nil
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE outbox SET state = 'uncertain', reason = $1, lease_until = NULL
			WHERE state = 'sending' AND lease_until <= $2`, models.ReasonUncertain, nanos(now)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE outbox SET state = 'pending', holder = NULL, lease_until = NULL
			WHERE state = 'claimed' AND lease_until <= $1`, nanos(now)); err != nil {
			return err
		}
		// A batch whose every row was skipped (members who voted since
		// the reminder was queued) claims the next rows at once, so the
		// caller stops only when nothing is due.
		for {
			batch, n, err := claimDue(ctx, tx, now, limit)
			if err != nil {
				return err
			}
			items = batch
			if len(items) > 0 || n < limit {
				break
			}
		}
		if len(items) == 0 {
			return nil
		}
		notices := make([]string, len(items))
		members := make([]string, len(items))
		for i, it := range items {
			notices[i], members[i] = it.Notice.ID(), it.MemberID
		}
		_, err = tx.Exec(ctx, `UPDATE outbox o SET state = 'claimed', holder = $1, lease_until = $2, due_at = NULL
			FROM unnest($3::text[], $4::text[]) AS c(notice_id, member_id)
			WHERE o.notice_id = c.notice_id AND o.member_id = c.member_id`,
			holder, nanos(now.Add(lease)), notices, members)
		return err
	})
	return items, err
}

// claimDue reads up to limit due pending rows, in key order, and marks
// those CheckClaim skips; it returns the others and how many it read.
func claimDue(ctx context.Context, tx pgx.Tx, now time.Time, limit int) (items []models.OutboxItem, scanned int, err error) {
	rows, _ := tx.Query(ctx, `SELECT o.notice_id, o.member_id, o.attempts, COALESCE(n.election_id, ''), COALESCE(n.member_id, ''), n.kind, n.slot,
			COALESCE(e.state, ''), e.cancelled_at IS NOT NULL, COALESCE(r.voted, false), m.name, m.email, m.status, m.good_until
		FROM outbox o
		JOIN notices n ON n.id = o.notice_id
		LEFT JOIN elections e ON e.id = n.election_id
		JOIN members m ON m.id = o.member_id
		LEFT JOIN roll r ON r.election_id = n.election_id AND r.member_id = o.member_id
		WHERE o.state = 'pending' AND (o.due_at IS NULL OR o.due_at <= $1)
		ORDER BY o.state, o.notice_id, o.member_id LIMIT $2
		FOR UPDATE OF o SKIP LOCKED`, nanos(now), limit)
	type skip struct{ notice, member, reason string }
	var skips []skip
	for rows.Next() {
		scanned++
		var it models.OutboxItem
		var noticeID, kind, state, status string
		var cancelled, voted bool
		var goodUntil *int64
		if err := rows.Scan(&noticeID, &it.MemberID, &it.Attempts, &it.Notice.ElectionID, &it.Notice.MemberID, &kind, &it.Notice.Slot,
			&state, &cancelled, &voted, &it.Name, &it.Email, &status, &goodUntil); err != nil {
			rows.Close()
			return nil, 0, err
		}
		it.Notice.Kind = models.NoticeKind(kind)
		es := models.ElectionState(state)
		if cancelled {
			es = models.Cancelled
		}
		if why := models.CheckClaim(models.ClaimCheck{Kind: it.Notice.Kind, ElectionState: es, Voted: voted, MemberStatus: models.MemberStatus(status),
			Slot: it.Notice.Slot, GoodUntil: fromNanos(goodUntil)}); why != "" {
			skips = append(skips, skip{it.Notice.ID(), it.MemberID, why})
			continue
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	for _, sk := range skips {
		if _, err := tx.Exec(ctx, `UPDATE outbox SET state = 'skipped', reason = $1, due_at = NULL WHERE notice_id = $2 AND member_id = $3`,
			sk.reason, sk.notice, sk.member); err != nil {
			return nil, 0, err
		}
	}
	return items, scanned, nil
}

// RecordDeliveries records done and marks next as sending, in one
// transaction.
func (s *Store) RecordDeliveries(ctx context.Context, holder string, done []models.Delivery, next *models.OutboxItem, lease time.Duration) (bool, error) {
	marked := false
	err := s.write(ctx, func(tx pgx.Tx) error {
		marked = false
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		for _, d := range done {
			var due *int64
			if d.State == models.OutboxPending {
				due = optNanos(now.Add(d.RetryIn))
			}
			// A row the lease lost (uncertain, or claimed again) keeps
			// what another front end decided, except that a mail known
			// to be sent is recorded as sent.
			if _, err := tx.Exec(ctx, `UPDATE outbox SET state = $1, reason = $2, due_at = $3, holder = NULL, lease_until = NULL,
					attempts = attempts + $7
				WHERE notice_id = $4 AND member_id = $5 AND holder = $6 AND (state IN ('claimed', 'sending') OR (state = 'uncertain' AND $1 = 'sent'))`,
				d.State, d.Reason, due, d.NoticeID, d.MemberID, holder, d.Charge()); err != nil {
				return err
			}
		}
		until := nanos(now.Add(lease))
		if next == nil {
			return nil
		}
		// The claim's check again, at the last moment before the SMTP
		// transaction: a member who voted while the row waited in its
		// batch gets no "you have not voted yet".
		var state, status string
		var cancelled, voted bool
		var goodUntil *int64
		err = tx.QueryRow(ctx, `SELECT COALESCE(e.state, ''), e.cancelled_at IS NOT NULL, COALESCE(r.voted, false), m.status, m.good_until
			FROM outbox o
			JOIN notices n ON n.id = o.notice_id
			LEFT JOIN elections e ON e.id = n.election_id
			JOIN members m ON m.id = o.member_id
			LEFT JOIN roll r ON r.election_id = o.election_id AND r.member_id = o.member_id
			WHERE o.notice_id = $1 AND o.member_id = $2 AND o.holder = $3 AND o.state = 'claimed'
			FOR UPDATE OF o`,
			next.Notice.ID(), next.MemberID, holder).Scan(&state, &cancelled, &voted, &status, &goodUntil)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		es := models.ElectionState(state)
		if cancelled {
			es = models.Cancelled
		}
		if why := models.CheckClaim(models.ClaimCheck{Kind: next.Notice.Kind, ElectionState: es, Voted: voted, MemberStatus: models.MemberStatus(status),
			Slot: next.Notice.Slot, GoodUntil: fromNanos(goodUntil)}); why != "" {
			_, err := tx.Exec(ctx, `UPDATE outbox SET state = 'skipped', reason = $1, holder = NULL, lease_until = NULL WHERE notice_id = $2 AND member_id = $3`,
				why, next.Notice.ID(), next.MemberID)
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE outbox SET state = 'sending', lease_until = $1
			WHERE notice_id = $2 AND member_id = $3 AND holder = $4 AND state = 'claimed'`,
			until, next.Notice.ID(), next.MemberID, holder)
		marked = err == nil && tag.RowsAffected() == 1
		return err
	})
	return marked, err
}

// RetryFailedNotices puts the failed rows of an election's notices of a
// kind back to pending.
func (s *Store) RetryFailedNotices(ctx context.Context, electionID string, k models.NoticeKind, actor string) (int, error) {
	var rows int
	err := s.write(ctx, func(tx pgx.Tx) error {
		if _, err := lockElection(ctx, tx, electionID, `FOR SHARE`); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE outbox SET state = 'pending', reason = '', attempts = 0, due_at = NULL, holder = NULL, lease_until = NULL
			WHERE state = 'failed'
			AND notice_id IN (SELECT id FROM notices WHERE election_id = $1 AND kind = $2 AND folded IS NULL)
			AND member_id IN (SELECT id FROM members WHERE email <> '')`, electionID, string(k))
		if err != nil {
			return err
		}
		rows = int(tag.RowsAffected())
		return s.appendAudit(ctx, tx, actor, models.AuditNoticeRetried(electionID, k, rows))
	})
	return rows, err
}

// NoticeReports reads an election's notices and their outbox counts.
func (s *Store) NoticeReports(ctx context.Context, electionID string) ([]models.NoticeReport, error) {
	var out []models.NoticeReport
	err := s.read(ctx, func(tx pgx.Tx) error {
		out = nil
		rows, _ := tx.Query(ctx, `SELECT COALESCE(member_id, ''), kind, slot, created_at, folded FROM notices WHERE COALESCE(election_id, '') = $1 ORDER BY created_at, id`, electionID)
		var folded [][]byte
		for rows.Next() {
			r := models.NoticeReport{Notice: models.Notice{ElectionID: electionID}, Counts: map[string]int{}}
			var kind string
			var created int64
			var f []byte
			if err := rows.Scan(&r.Notice.MemberID, &kind, &r.Notice.Slot, &created, &f); err != nil {
				rows.Close()
				return err
			}
			r.Notice.Kind = models.NoticeKind(kind)
			r.Created = time.Unix(0, created).UTC()
			out = append(out, r)
			folded = append(folded, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			if folded[i] != nil {
				out[i].Folded = true
				if err := json.Unmarshal(folded[i], &out[i].Reasons); err != nil {
					return fmt.Errorf("notice %s: stored counts: %w", out[i].Notice.ID(), err)
				}
				models.CountReasons(&out[i])
				continue
			}
			if err := outboxReasons(ctx, tx, out[i].Notice.ID(), &out[i], true); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// outboxReasons fills r from a notice's outbox rows: the counts by state
// and reason, naming the members of the failed and uncertain ones when
// members is set.
func outboxReasons(ctx context.Context, tx pgx.Tx, noticeID string, r *models.NoticeReport, members bool) error {
	rows, _ := tx.Query(ctx, `SELECT state, reason, count(*)::int,
			CASE WHEN $2 AND state IN ('failed', 'uncertain') THEN array_agg(member_id ORDER BY member_id) ELSE '{}' END
		FROM outbox WHERE notice_id = $1 GROUP BY state, reason ORDER BY state, reason`, noticeID, members)
	defer rows.Close()
	for rows.Next() {
		var nr models.NoticeReason
		if err := rows.Scan(&nr.State, &nr.Reason, &nr.Count, &nr.Members); err != nil {
			return err
		}
		if len(nr.Members) == 0 {
			nr.Members = nil
		}
		r.Reasons = append(r.Reasons, nr)
	}
	models.CountReasons(r)
	return rows.Err()
}

// foldOutbox is the close's part for notices: rows not yet sent are
// skipped, the one on the wire becomes uncertain (keeping its holder, so
// the sender's "sent" still lands), the election's outbox rows keep no
// time, and the rows of notices sent to those who had not voted
// are replaced by their counts (folded), since each such row says a
// member had not voted by the time it was queued, and a skipped one that
// they voted between then and its sending.
func foldOutbox(ctx context.Context, tx pgx.Tx, electionID string) error {
	if _, err := tx.Exec(ctx, `UPDATE outbox SET state = 'skipped', reason = $1 WHERE election_id = $2 AND state IN ('pending', 'claimed')`,
		models.ReasonNotOpen, electionID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE outbox SET state = 'uncertain', reason = $1 WHERE election_id = $2 AND state = 'sending'`,
		models.ReasonUncertain, electionID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE outbox SET due_at = NULL, lease_until = NULL,
			holder = CASE WHEN state = 'uncertain' THEN holder END WHERE election_id = $1`, electionID); err != nil {
		return err
	}
	rows, _ := tx.Query(ctx, `SELECT id FROM notices WHERE election_id = $1 AND audience = 'not_voted' AND folded IS NULL`, electionID)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, id := range ids {
		r := models.NoticeReport{Counts: map[string]int{}}
		if err := outboxReasons(ctx, tx, id, &r, false); err != nil {
			return err
		}
		data, err := json.Marshal(models.FoldReasons(r.Reasons))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE notices SET folded = $1 WHERE id = $2`, data, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM outbox WHERE notice_id = $1`, id); err != nil {
			return err
		}
	}
	return nil
}

// queueRenewal records a renewal reminder and its one outbox row, for
// the member it names if active; the notice's key (member and term)
// makes it once per term.
func queueRenewal(ctx context.Context, tx pgx.Tx, n models.Notice, now int64) (int, error) {
	if err := memberExists(ctx, tx, n.MemberID); err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO notices (id, election_id, member_id, kind, slot, audience, created_at) VALUES ($1, NULL, $2, $3, $4, 'member', $5)
		ON CONFLICT (id) DO NOTHING`, n.ID(), n.MemberID, string(n.Kind), n.Slot, now)
	if err != nil {
		return 0, err
	}
	if tag.RowsAffected() == 0 {
		return 0, models.NoticeQueued(n)
	}
	tag, err = tx.Exec(ctx, `INSERT INTO outbox (notice_id, member_id, election_id, state, reason)
		SELECT $1, m.id, NULL,
			CASE WHEN m.email = '' THEN 'failed' ELSE 'pending' END,
			CASE WHEN m.email = '' THEN $2 ELSE '' END
		FROM members m WHERE m.id = $3 AND m.status = 'active'`, n.ID(), models.ReasonNoAddress, n.MemberID)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}
