package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"vote.example.org/booth/models"
)

// QueueNotice records the notice and one outbox row per member of its
// audience with one INSERT … SELECT from the roll.
func (s *Store) QueueNotice(ctx context.Context, n models.Notice, actor string) (int, error) {
	// Most calls come from the clock asking again for a notice queued
	// long ago: answer those without the write lock.
	var queued, unpublished bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM notices WHERE id = ?),
		? AND NOT EXISTS (SELECT 1 FROM bundles WHERE election_id = ?)`, n.ID(), n.Kind == models.NoticeResults, n.ElectionID).Scan(&queued, &unpublished)
	if err != nil {
		return 0, err
	}
	if err := models.CheckNoticeAsked(n, queued, unpublished); err != nil {
		return 0, err
	}
	var rows int
	err = s.write(ctx, func(tx *sql.Tx) error {
		now, err := s.storeTime(ctx, tx)
		if err != nil {
			return err
		}
		if n.Kind == models.NoticeRenewal {
			rows, err = queueRenewal(ctx, tx, n, formatTime(now))
			if err != nil {
				return err
			}
			return s.appendAudit(ctx, tx, actor, models.AuditNoticeQueued(n, rows))
		}
		e, err := loadElection(ctx, tx, n.ElectionID)
		if err != nil {
			return err
		}
		var published bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM bundles WHERE election_id = ?)`, n.ElectionID).Scan(&published); err != nil {
			return err
		}
		if err := models.CheckQueueNotice(e, n.Kind, published, now); err != nil {
			return err
		}
		aud := n.Kind.Audience()
		if _, err := tx.ExecContext(ctx, `INSERT INTO notices (id, election_id, kind, slot, audience, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			n.ID(), n.ElectionID, string(n.Kind), n.Slot, string(aud), formatTime(now)); err != nil {
			if isUnique(err) {
				return models.NoticeQueued(n)
			}
			return err
		}
		q := `INSERT INTO outbox (notice_id, member_id, election_id, state, reason)
			SELECT ?, r.member_id, r.election_id,
				CASE WHEN m.email = '' THEN 'failed' ELSE 'pending' END,
				CASE WHEN m.email = '' THEN ? ELSE '' END
			FROM roll r JOIN members m ON m.id = r.member_id
			WHERE r.election_id = ? AND m.status = 'active' AND (? = 'roll' OR r.voted = 0)
			ORDER BY r.member_id`
		if aud == models.AudienceMembers {
			// Before the opening there is no roll: every active member.
			q = `INSERT INTO outbox (notice_id, member_id, election_id, state, reason)
			SELECT ?1, m.id, ?3,
				CASE WHEN m.email = '' THEN 'failed' ELSE 'pending' END,
				CASE WHEN m.email = '' THEN ?2 ELSE '' END
			FROM members m WHERE m.status = 'active' AND ?4 = 'members'
			ORDER BY m.id`
		}
		res, err := tx.ExecContext(ctx, q, n.ID(), models.ReasonNoAddress, n.ElectionID, string(aud))
		if err != nil {
			return err
		}
		c, err := res.RowsAffected()
		rows = int(c)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditNoticeQueued(n, rows))
	})
	return rows, err
}

// ClaimNotices settles what dead front ends left, then claims up to limit
// due rows in key order.
func (s *Store) ClaimNotices(ctx context.Context, holder string, limit int, lease time.Duration) ([]models.OutboxItem, error) {
	var items []models.OutboxItem
	err := s.write(ctx, func(tx *sql.Tx) error {
		items = nil
		now, err := s.storeTime(ctx, tx)
		if err != nil {
			return err
		}
		nowText := formatTime(now)
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'uncertain', reason = ?, lease_until = NULL
			WHERE state = 'sending' AND lease_until <= ?`, models.ReasonUncertain, nowText); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'pending', holder = NULL, lease_until = NULL
			WHERE state = 'claimed' AND lease_until <= ?`, nowText); err != nil {
			return err
		}
		// A batch whose every row was skipped (members who voted since
		// the reminder was queued) claims the next rows at once, so the
		// caller stops only when nothing is due.
		for {
			batch, n, err := claimDue(ctx, tx, nowText, limit)
			if err != nil {
				return err
			}
			items = batch
			if len(items) > 0 || n < limit {
				break
			}
		}
		until := formatTime(now.Add(lease))
		for _, it := range items {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'claimed', holder = ?, lease_until = ?, due_at = NULL WHERE notice_id = ? AND member_id = ?`,
				holder, until, it.Notice.ID(), it.MemberID); err != nil {
				return err
			}
		}
		return nil
	})
	return items, err
}

// claimDue reads up to limit due pending rows, in key order, and marks
// those CheckClaim skips; it returns the others and how many it read.
func claimDue(ctx context.Context, tx *sql.Tx, nowText string, limit int) (items []models.OutboxItem, scanned int, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT o.notice_id, o.member_id, o.attempts, COALESCE(n.election_id, ''), COALESCE(n.member_id, ''), n.kind, n.slot,
			COALESCE(e.state, ''), COALESCE(e.cancelled_at, ''), COALESCE(r.voted, 0), m.name, m.email, m.status, m.good_until
		FROM outbox o
		JOIN notices n ON n.id = o.notice_id
		LEFT JOIN elections e ON e.id = n.election_id
		JOIN members m ON m.id = o.member_id
		LEFT JOIN roll r ON r.election_id = n.election_id AND r.member_id = o.member_id
		WHERE o.state = 'pending' AND (o.due_at IS NULL OR o.due_at <= ?)
		ORDER BY o.state, o.notice_id, o.member_id LIMIT ?`, nowText, limit)
	if err != nil {
		return nil, 0, err
	}
	type skip struct{ notice, member, reason string }
	var skips []skip
	for rows.Next() {
		scanned++
		var it models.OutboxItem
		var noticeID, kind, state, cancelled, status, goodUntil string
		var voted int
		if err := rows.Scan(&noticeID, &it.MemberID, &it.Attempts, &it.Notice.ElectionID, &it.Notice.MemberID, &kind, &it.Notice.Slot,
			&state, &cancelled, &voted, &it.Name, &it.Email, &status, &goodUntil); err != nil {
			rows.Close()
			return nil, 0, err
		}
		until, err := parseTime(goodUntil)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		it.Notice.Kind = models.NoticeKind(kind)
		es := models.ElectionState(state)
		if cancelled != "" {
			es = models.Cancelled
		}
		if why := models.CheckClaim(models.ClaimCheck{Kind: it.Notice.Kind, ElectionState: es, Voted: voted == 1, MemberStatus: models.MemberStatus(status),
			Slot: it.Notice.Slot, GoodUntil: until}); why != "" {
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
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'skipped', reason = ?, due_at = NULL WHERE notice_id = ? AND member_id = ?`,
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
	err := s.write(ctx, func(tx *sql.Tx) error {
		marked = false
		now, err := s.storeTime(ctx, tx)
		if err != nil {
			return err
		}
		for _, d := range done {
			var due any
			if d.State == models.OutboxPending {
				due = formatTime(now.Add(d.RetryIn))
			}
			// A row the lease lost (uncertain, or claimed again) keeps
			// what another front end decided, except that a mail known
			// to be sent is recorded as sent.
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = ?, reason = ?, due_at = ?, holder = NULL, lease_until = NULL,
					attempts = attempts + ?
				WHERE notice_id = ? AND member_id = ? AND holder = ? AND (state IN ('claimed', 'sending') OR (state = 'uncertain' AND ? = 'sent'))`,
				d.State, d.Reason, due, d.Charge(), d.NoticeID, d.MemberID, holder, d.State); err != nil {
				return err
			}
		}
		until := formatTime(now.Add(lease))
		if next == nil {
			return nil
		}
		// The claim's check again, at the last moment before the SMTP
		// transaction: a member who voted while the row waited in its
		// batch gets no "you have not voted yet".
		var state, cancelled, status, goodUntil string
		var voted int
		err = tx.QueryRowContext(ctx, `SELECT COALESCE(e.state, ''), COALESCE(e.cancelled_at, ''), COALESCE(r.voted, 0), m.status, m.good_until
			FROM outbox o
			JOIN notices n ON n.id = o.notice_id
			LEFT JOIN elections e ON e.id = n.election_id
			JOIN members m ON m.id = o.member_id
			LEFT JOIN roll r ON r.election_id = o.election_id AND r.member_id = o.member_id
			WHERE o.notice_id = ? AND o.member_id = ? AND o.holder = ? AND o.state = 'claimed'`,
			next.Notice.ID(), next.MemberID, holder).Scan(&state, &cancelled, &voted, &status, &goodUntil)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		termEnd, err := parseTime(goodUntil)
		if err != nil {
			return err
		}
		es := models.ElectionState(state)
		if cancelled != "" {
			es = models.Cancelled
		}
		if why := models.CheckClaim(models.ClaimCheck{Kind: next.Notice.Kind, ElectionState: es, Voted: voted == 1, MemberStatus: models.MemberStatus(status),
			Slot: next.Notice.Slot, GoodUntil: termEnd}); why != "" {
			_, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'skipped', reason = ?, holder = NULL, lease_until = NULL WHERE notice_id = ? AND member_id = ?`,
				why, next.Notice.ID(), next.MemberID)
			return err
		}
		n, err := rowsAffected(tx.ExecContext(ctx, `UPDATE outbox SET state = 'sending', lease_until = ?
			WHERE notice_id = ? AND member_id = ? AND holder = ? AND state = 'claimed'`,
			until, next.Notice.ID(), next.MemberID, holder))
		marked = n == 1
		return err
	})
	return marked, err
}

// RetryFailedNotices puts the failed rows of an election's notices of a
// kind back to pending.
func (s *Store) RetryFailedNotices(ctx context.Context, electionID string, k models.NoticeKind, actor string) (int, error) {
	var rows int
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := loadElection(ctx, tx, electionID); err != nil {
			return err
		}
		n, err := rowsAffected(tx.ExecContext(ctx, `UPDATE outbox SET state = 'pending', reason = '', attempts = 0, due_at = NULL, holder = NULL, lease_until = NULL
			WHERE state = 'failed'
			AND notice_id IN (SELECT id FROM notices WHERE election_id = ? AND kind = ? AND folded IS NULL)
			AND member_id IN (SELECT id FROM members WHERE email <> '')`, electionID, string(k)))
		if err != nil {
			return err
		}
		rows = int(n)
		return s.appendAudit(ctx, tx, actor, models.AuditNoticeRetried(electionID, k, rows))
	})
	return rows, err
}

// NoticeReports reads an election's notices and their outbox counts.
func (s *Store) NoticeReports(ctx context.Context, electionID string) ([]models.NoticeReport, error) {
	var out []models.NoticeReport
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, COALESCE(member_id, ''), kind, slot, created_at, folded FROM notices WHERE COALESCE(election_id, '') = ? ORDER BY created_at, id`, electionID)
		if err != nil {
			return err
		}
		var folded []sql.NullString
		for rows.Next() {
			r := models.NoticeReport{Notice: models.Notice{ElectionID: electionID}, Counts: map[string]int{}}
			var id, kind, created string
			var f sql.NullString
			if err := rows.Scan(&id, &r.Notice.MemberID, &kind, &r.Notice.Slot, &created, &f); err != nil {
				rows.Close()
				return err
			}
			r.Notice.Kind = models.NoticeKind(kind)
			if r.Created, err = parseTime(created); err != nil {
				rows.Close()
				return err
			}
			out = append(out, r)
			folded = append(folded, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			if folded[i].Valid {
				out[i].Folded = true
				if err := json.Unmarshal([]byte(folded[i].String), &out[i].Reasons); err != nil {
					return fmt.Errorf("notice %s: stored counts: %w", out[i].Notice.ID(), err)
				}
				models.CountReasons(&out[i])
				continue
			}
			if err := outboxReasons(ctx, tx, &out[i], true); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// outboxReasons fills r from its outbox rows: the counts by state and
// reason, naming the members of the failed and uncertain ones when
// members is set.
func outboxReasons(ctx context.Context, tx *sql.Tx, r *models.NoticeReport, members bool) error {
	return outboxReasonsOf(ctx, tx, r.Notice.ID(), r, members)
}

func outboxReasonsOf(ctx context.Context, tx *sql.Tx, noticeID string, r *models.NoticeReport, members bool) error {
	rows, err := tx.QueryContext(ctx, `SELECT state, reason, count(*),
			CASE WHEN ? AND state IN ('failed', 'uncertain') THEN json_group_array(member_id) ELSE '[]' END
		FROM outbox WHERE notice_id = ? GROUP BY state, reason ORDER BY state, reason`, members, noticeID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var nr models.NoticeReason
		var names string
		if err := rows.Scan(&nr.State, &nr.Reason, &nr.Count, &names); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(names), &nr.Members); err != nil {
			return err
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
func foldOutbox(ctx context.Context, tx *sql.Tx, electionID string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'skipped', reason = ? WHERE election_id = ? AND state IN ('pending', 'claimed')`,
		models.ReasonNotOpen, electionID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'uncertain', reason = ? WHERE election_id = ? AND state = 'sending'`,
		models.ReasonUncertain, electionID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET due_at = NULL, lease_until = NULL,
			holder = CASE WHEN state = 'uncertain' THEN holder END WHERE election_id = ?`, electionID); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM notices WHERE election_id = ? AND audience = 'not_voted' AND folded IS NULL`, electionID)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		r := models.NoticeReport{Counts: map[string]int{}}
		if err := outboxReasonsOf(ctx, tx, id, &r, false); err != nil {
			return err
		}
		data, err := json.Marshal(models.FoldReasons(r.Reasons))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notices SET folded = ? WHERE id = ?`, string(data), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE notice_id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}

// queueRenewal records a renewal reminder and its one outbox row, for
// the member it names if active; the notice's key (member and term)
// makes it once per term.
func queueRenewal(ctx context.Context, tx *sql.Tx, n models.Notice, now string) (int, error) {
	if err := memberExists(ctx, tx, n.MemberID); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO notices (id, election_id, member_id, kind, slot, audience, created_at) VALUES (?, NULL, ?, ?, ?, 'member', ?)`,
		n.ID(), n.MemberID, string(n.Kind), n.Slot, now); err != nil {
		if isUnique(err) {
			return 0, models.NoticeQueued(n)
		}
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox (notice_id, member_id, election_id, state, reason)
		SELECT ?, m.id, NULL,
			CASE WHEN m.email = '' THEN 'failed' ELSE 'pending' END,
			CASE WHEN m.email = '' THEN ? ELSE '' END
		FROM members m WHERE m.id = ? AND m.status = 'active'`, n.ID(), models.ReasonNoAddress, n.MemberID)
	if err != nil {
		return 0, err
	}
	c, err := res.RowsAffected()
	return int(c), err
}
