package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"vote.example.org/booth/models"
)

// Foundation returns the membership rules; zero when none were set.
func (s *Store) Foundation(ctx context.Context) (models.Foundation, error) {
	var f models.Foundation
	err := s.read(ctx, func(tx pgx.Tx) error {
		var err error
		f, err = loadFoundation(ctx, tx)
		return err
	})
	return f, err
}

func loadFoundation(ctx context.Context, tx pgx.Tx) (models.Foundation, error) {
	var f models.Foundation
	err := tx.QueryRow(ctx, `SELECT rules FROM foundation WHERE id = 1`).Scan(&f)
	if errors.Is(err, pgx.ErrNoRows) {
		return models.Foundation{}, nil
	}
	return f, err
}

// SetFoundation replaces the membership rules.
func (s *Store) SetFoundation(ctx context.Context, f models.Foundation, actor string) error {
	if err := models.CheckFoundation(f); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO foundation (id, rules) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET rules = excluded.rules`, f); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditFoundation(f))
	})
}

// RenewMember extends a member's term.
func (s *Store) RenewMember(ctx context.Context, r models.Renewal, actor string) (models.Member, error) {
	return s.setTerm(ctx, r.MemberID, actor, models.RenewRule(r))
}

// LapseMember ends a member's good standing now.
func (s *Store) LapseMember(ctx context.Context, id, reason, actor string) (models.Member, error) {
	return s.setTerm(ctx, id, actor, models.LapseRule(id, reason))
}

// setTerm moves a member's expiry to what rule gives, in one transaction
// holding the member's row and standing lock.
func (s *Store) setTerm(ctx context.Context, id, actor string, rule models.TermRule) (models.Member, error) {
	var out models.Member
	err := s.write(ctx, func(tx pgx.Tx) error {
		if err := lockMemberStanding(ctx, tx, id); err != nil {
			return err
		}
		m, err := memberIn(ctx, tx, id, `FOR UPDATE OF m`)
		if err != nil {
			return err
		}
		f, err := loadFoundation(ctx, tx)
		if err != nil {
			return err
		}
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		until, ev, err := rule(m, f, now)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE members SET good_until = $2 WHERE id = $1`, id, optNanos(until)); err != nil {
			return err
		}
		m.GoodUntil = until
		out = m
		return s.appendAudit(ctx, tx, actor, ev)
	})
	return out, err
}

// memberIn reads one member inside tx; ErrNotFound if unknown.
func memberIn(ctx context.Context, tx pgx.Tx, id, lock string) (models.Member, error) {
	var m models.Member
	var status string
	var joined int64
	var goodUntil *int64
	err := tx.QueryRow(ctx, `SELECT m.id, m.name, m.status, m.joined, m.good_until FROM members m WHERE m.id = $1 `+lock, id).
		Scan(&m.ID, &m.Name, &status, &joined, &goodUntil)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, fmt.Errorf("member %s: %w", id, models.ErrNotFound)
	}
	m.Status, m.Joined, m.GoodUntil = models.MemberStatus(status), fromNanos(&joined), fromNanos(goodUntil)
	return m, err
}

// Nominate records a member's nomination of another. The election's row
// is locked: its nominations are checked and written one at a time.
func (s *Store) Nominate(ctx context.Context, n models.Nominate, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		e, err := lockElection(ctx, tx, n.ElectionID, `FOR UPDATE`)
		if err != nil {
			return err
		}
		nominator, err := memberIn(ctx, tx, n.Nominator, `FOR SHARE`)
		if err != nil {
			return err
		}
		nominee, err := memberIn(ctx, tx, n.Nominee, `FOR SHARE`)
		if err != nil {
			return err
		}
		f, err := loadFoundation(ctx, tx)
		if err != nil {
			return err
		}
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		existing, err := nominationIn(ctx, tx, n.ElectionID, n.Nominee)
		if err != nil {
			return err
		}
		var made int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM nomination_supporters WHERE election_id = $1 AND supporter_id = $2`,
			n.ElectionID, n.Nominator).Scan(&made); err != nil {
			return err
		}
		if err := models.CheckNominate(e, now, f, nominator, nominee, existing, made); err != nil {
			return err
		}
		if existing == nil {
			if _, err := tx.Exec(ctx, `INSERT INTO nominations (election_id, nominee_id, state) VALUES ($1, $2, $3)`,
				n.ElectionID, n.Nominee, string(models.NominationPending)); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO nomination_supporters (election_id, nominee_id, supporter_id) VALUES ($1, $2, $3)`,
			n.ElectionID, n.Nominee, n.Nominator); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditNominated(n))
	})
}

// ChangeNomination applies a nominee's answer or an officer's decision,
// under the election's row lock, which the close takes too.
func (s *Store) ChangeNomination(ctx context.Context, c models.NominationChange, actor string) (models.Nomination, error) {
	var out models.Nomination
	err := s.write(ctx, func(tx pgx.Tx) error {
		e, err := lockElection(ctx, tx, c.ElectionID, `FOR UPDATE`)
		if err != nil {
			return err
		}
		nominee, err := memberIn(ctx, tx, c.NomineeID, `FOR SHARE`)
		if err != nil {
			return err
		}
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		n, err := nominationIn(ctx, tx, c.ElectionID, c.NomineeID)
		if err != nil {
			return err
		}
		if out, err = models.CheckNominationChange(e, now, c, n, nominee); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE nominations SET state = $3, statement = $4, reason = $5 WHERE election_id = $1 AND nominee_id = $2`,
			c.ElectionID, c.NomineeID, string(out.State), out.Statement, out.Reason); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditNominationChanged(c))
	})
	return out, err
}

// Nominations lists an election's nominations by nominee.
func (s *Store) Nominations(ctx context.Context, electionID string) ([]models.Nomination, error) {
	var ns []models.Nomination
	err := s.read(ctx, func(tx pgx.Tx) error {
		if _, err := lockElection(ctx, tx, electionID, ``); err != nil {
			return err
		}
		var err error
		ns, err = queryNominations(ctx, tx, electionID, "")
		return err
	})
	return ns, err
}

// nominationIn reads one nomination inside tx; nil when there is none.
func nominationIn(ctx context.Context, tx pgx.Tx, electionID, nomineeID string) (*models.Nomination, error) {
	ns, err := queryNominations(ctx, tx, electionID, nomineeID)
	if err != nil || len(ns) == 0 {
		return nil, err
	}
	return &ns[0], nil
}

// queryNominations reads an election's nominations (of one nominee, when
// nomineeID is not ""), with their supporters, by nominee ID.
func queryNominations(ctx context.Context, tx pgx.Tx, electionID, nomineeID string) ([]models.Nomination, error) {
	rows, _ := tx.Query(ctx, `SELECT n.nominee_id, n.state, n.statement, n.reason,
		coalesce(array_agg(s.supporter_id ORDER BY s.supporter_id) FILTER (WHERE s.supporter_id IS NOT NULL), '{}')
		FROM nominations n LEFT JOIN nomination_supporters s ON s.election_id = n.election_id AND s.nominee_id = n.nominee_id
		WHERE n.election_id = $1 AND ($2 = '' OR n.nominee_id = $2)
		GROUP BY n.nominee_id, n.state, n.statement, n.reason ORDER BY n.nominee_id`, electionID, nomineeID)
	return collect(rows, func(row pgx.CollectableRow) (models.Nomination, error) {
		n := models.Nomination{ElectionID: electionID}
		var state string
		err := row.Scan(&n.NomineeID, &state, &n.Statement, &n.Reason, &n.Supporters)
		n.State = models.NominationState(state)
		if len(n.Supporters) == 0 {
			n.Supporters = nil
		}
		return n, err
	})
}

// CloseNominations ends a due nomination period: the valid nominees
// become the candidates, or the refusal is recorded.
func (s *Store) CloseNominations(ctx context.Context, id, actor string) error {
	var short error
	err := s.write(ctx, func(tx pgx.Tx) error {
		short = nil
		e, err := lockElection(ctx, tx, id, `FOR UPDATE`)
		if err != nil {
			return err
		}
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		if err := models.CheckCloseNominations(e, now); err != nil {
			return err
		}
		ns, err := queryNominations(ctx, tx, id, "")
		if err != nil {
			return err
		}
		nominees, err := lockNominees(ctx, tx, id)
		if err != nil {
			return err
		}
		f, err := loadFoundation(ctx, tx)
		if err != nil {
			return err
		}
		c, err := models.ClosingNominations(e, ns, nominees, f, now)
		if err != nil {
			short = err
			if !c.Record {
				return nil
			}
			if _, err := tx.Exec(ctx, `UPDATE elections SET open_refused = $2 WHERE id = $1`, id, e.Definition.Fingerprint()); err != nil {
				return err
			}
			return s.appendAudit(ctx, tx, actor, models.AuditNominationsShort(c))
		}
		if _, err := tx.Exec(ctx, `UPDATE elections SET definition = $2 WHERE id = $1`, id, c.Definition); err != nil {
			return err
		}
		for _, n := range c.Dropped {
			if _, err := tx.Exec(ctx, `UPDATE nominations SET state = $3, reason = $4 WHERE election_id = $1 AND nominee_id = $2`,
				id, n.NomineeID, string(n.State), n.Reason); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, actor, models.AuditNominationsClosed(c))
	})
	if err != nil {
		return err
	}
	return short
}

// lockNominees reads the nominees of an election as members, by ID, their
// rows shared to the commit, as Nominate holds them: a suspension waits
// for the close, or the close reads it.
func lockNominees(ctx context.Context, tx pgx.Tx, electionID string) (map[string]models.Member, error) {
	rows, _ := tx.Query(ctx, `SELECT m.id, m.name, m.status, m.joined, m.good_until FROM members m
		WHERE m.id IN (SELECT nominee_id FROM nominations WHERE election_id = $1) ORDER BY m.id FOR SHARE OF m`, electionID)
	ms, err := collect(rows, func(row pgx.CollectableRow) (models.Member, error) {
		var m models.Member
		var status string
		var joined int64
		var goodUntil *int64
		err := row.Scan(&m.ID, &m.Name, &status, &joined, &goodUntil)
		m.Status, m.Joined, m.GoodUntil = models.MemberStatus(status), fromNanos(&joined), fromNanos(goodUntil)
		return m, err
	})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]models.Member, len(ms))
	for _, m := range ms {
		byID[m.ID] = m
	}
	return byID, nil
}

// ExtendNominations moves the close of a nomination period.
func (s *Store) ExtendNominations(ctx context.Context, id string, until time.Time, actor string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		e, err := lockElection(ctx, tx, id, `FOR UPDATE`)
		if err != nil {
			return err
		}
		now, err := s.txNow(ctx, tx)
		if err != nil {
			return err
		}
		if err := models.CheckExtendNominations(e, until, now); err != nil {
			return err
		}
		d := e.Definition
		rules := *d.Nominations
		from := rules.Closes
		rules.Closes = until.UTC().Truncate(time.Second)
		d.Nominations = &rules
		if _, err := tx.Exec(ctx, `UPDATE elections SET definition = $2 WHERE id = $1`, id, d); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditNominationsExtended(id, from, rules.Closes))
	})
}
