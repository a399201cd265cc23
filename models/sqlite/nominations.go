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

// Foundation returns the membership rules; zero when none were set.
func (s *Store) Foundation(ctx context.Context) (models.Foundation, error) {
	var f models.Foundation
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		f, err = loadFoundation(ctx, tx)
		return err
	})
	return f, err
}

func loadFoundation(ctx context.Context, tx *sql.Tx) (models.Foundation, error) {
	var (
		f     models.Foundation
		rules string
	)
	err := tx.QueryRowContext(ctx, `SELECT rules FROM foundation WHERE id = 1`).Scan(&rules)
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal([]byte(rules), &f); err != nil {
		return f, fmt.Errorf("stored membership rules: %w", err)
	}
	return f, nil
}

// SetFoundation replaces the membership rules.
func (s *Store) SetFoundation(ctx context.Context, f models.Foundation, actor string) error {
	if err := models.CheckFoundation(f); err != nil {
		return err
	}
	rules, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO foundation (id, rules) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET rules = excluded.rules`,
			string(rules)); err != nil {
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
// that reads the member, the rules and the store's time.
func (s *Store) setTerm(ctx context.Context, id, actor string, rule models.TermRule) (models.Member, error) {
	var out models.Member
	err := s.write(ctx, func(tx *sql.Tx) error {
		m, err := memberIn(ctx, tx, id)
		if err != nil {
			return err
		}
		f, err := loadFoundation(ctx, tx)
		if err != nil {
			return err
		}
		now, err := s.storeTime(ctx, tx)
		if err != nil {
			return err
		}
		until, ev, err := rule(m, f, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE members SET good_until = ? WHERE id = ?`, formatTime(until), id); err != nil {
			return err
		}
		m.GoodUntil = until
		out = m
		return s.appendAudit(ctx, tx, actor, ev)
	})
	return out, err
}

// memberIn reads one member inside tx; ErrNotFound if unknown.
func memberIn(ctx context.Context, tx *sql.Tx, id string) (models.Member, error) {
	ms, err := queryMembers(ctx, tx, `WHERE id = ?`, id)
	if err != nil {
		return models.Member{}, err
	}
	if len(ms) == 0 {
		return models.Member{}, fmt.Errorf("member %s: %w", id, models.ErrNotFound)
	}
	return ms[0], nil
}

// Nominate records a member's nomination of another.
func (s *Store) Nominate(ctx context.Context, n models.Nominate, actor string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, n.ElectionID)
		if err != nil {
			return err
		}
		nominator, err := memberIn(ctx, tx, n.Nominator)
		if err != nil {
			return err
		}
		nominee, err := memberIn(ctx, tx, n.Nominee)
		if err != nil {
			return err
		}
		f, err := loadFoundation(ctx, tx)
		if err != nil {
			return err
		}
		now, err := s.storeTime(ctx, tx)
		if err != nil {
			return err
		}
		existing, err := nominationIn(ctx, tx, n.ElectionID, n.Nominee)
		if err != nil {
			return err
		}
		var made int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM nomination_supporters WHERE election_id = ? AND supporter_id = ?`,
			n.ElectionID, n.Nominator).Scan(&made); err != nil {
			return err
		}
		if err := models.CheckNominate(e, now, f, nominator, nominee, existing, made); err != nil {
			return err
		}
		if existing == nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO nominations (election_id, nominee_id, state) VALUES (?, ?, ?)`,
				n.ElectionID, n.Nominee, string(models.NominationPending)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO nomination_supporters (election_id, nominee_id, supporter_id) VALUES (?, ?, ?)`,
			n.ElectionID, n.Nominee, n.Nominator); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditNominated(n))
	})
}

// ChangeNomination applies a nominee's answer or an officer's decision.
func (s *Store) ChangeNomination(ctx context.Context, c models.NominationChange, actor string) (models.Nomination, error) {
	var out models.Nomination
	err := s.write(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, c.ElectionID)
		if err != nil {
			return err
		}
		nominee, err := memberIn(ctx, tx, c.NomineeID)
		if err != nil {
			return err
		}
		now, err := s.storeTime(ctx, tx)
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
		if _, err := tx.ExecContext(ctx, `UPDATE nominations SET state = ?, statement = ?, reason = ? WHERE election_id = ? AND nominee_id = ?`,
			string(out.State), out.Statement, out.Reason, c.ElectionID, c.NomineeID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditNominationChanged(c))
	})
	return out, err
}

// Nominations lists an election's nominations by nominee.
func (s *Store) Nominations(ctx context.Context, electionID string) ([]models.Nomination, error) {
	var ns []models.Nomination
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := loadElection(ctx, tx, electionID); err != nil {
			return err
		}
		var err error
		ns, err = queryNominations(ctx, tx, electionID, "")
		return err
	})
	return ns, err
}

// nominationIn reads one nomination inside tx; nil when there is none.
func nominationIn(ctx context.Context, tx *sql.Tx, electionID, nomineeID string) (*models.Nomination, error) {
	ns, err := queryNominations(ctx, tx, electionID, nomineeID)
	if err != nil || len(ns) == 0 {
		return nil, err
	}
	return &ns[0], nil
}

// queryNominations reads an election's nominations (of one nominee, when
// nomineeID is not ""), with their supporters, by nominee ID.
func queryNominations(ctx context.Context, tx *sql.Tx, electionID, nomineeID string) ([]models.Nomination, error) {
	rows, err := tx.QueryContext(ctx, `SELECT nominee_id, state, statement, reason FROM nominations
		WHERE election_id = ?1 AND (?2 = '' OR nominee_id = ?2) ORDER BY nominee_id`, electionID, nomineeID)
	if err != nil {
		return nil, err
	}
	var ns []models.Nomination
	index := map[string]int{}
	for rows.Next() {
		n := models.Nomination{ElectionID: electionID}
		var state string
		if err := rows.Scan(&n.NomineeID, &state, &n.Statement, &n.Reason); err != nil {
			rows.Close()
			return nil, err
		}
		n.State = models.NominationState(state)
		index[n.NomineeID] = len(ns)
		ns = append(ns, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ns) == 0 {
		return ns, err
	}
	srows, err := tx.QueryContext(ctx, `SELECT nominee_id, supporter_id FROM nomination_supporters
		WHERE election_id = ?1 AND (?2 = '' OR nominee_id = ?2) ORDER BY nominee_id, supporter_id`, electionID, nomineeID)
	if err != nil {
		return nil, err
	}
	defer srows.Close()
	for srows.Next() {
		var nominee, supporter string
		if err := srows.Scan(&nominee, &supporter); err != nil {
			return nil, err
		}
		if i, ok := index[nominee]; ok {
			ns[i].Supporters = append(ns[i].Supporters, supporter)
		}
	}
	return ns, srows.Err()
}

// CloseNominations ends a due nomination period: the valid nominees
// become the candidates, or the refusal is recorded.
func (s *Store) CloseNominations(ctx context.Context, id, actor string) error {
	var short error
	err := s.write(ctx, func(tx *sql.Tx) error {
		short = nil
		e, err := loadElection(ctx, tx, id)
		if err != nil {
			return err
		}
		now, err := s.storeTime(ctx, tx)
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
		nominees, err := nomineesIn(ctx, tx, id)
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
			if _, err := tx.ExecContext(ctx, `UPDATE elections SET open_refused = ? WHERE id = ?`, e.Definition.Fingerprint(), id); err != nil {
				return err
			}
			return s.appendAudit(ctx, tx, actor, models.AuditNominationsShort(c))
		}
		def, err := json.Marshal(c.Definition)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE elections SET definition = ? WHERE id = ?`, string(def), id); err != nil {
			return err
		}
		for _, n := range c.Dropped {
			if _, err := tx.ExecContext(ctx, `UPDATE nominations SET state = ?, reason = ? WHERE election_id = ? AND nominee_id = ?`,
				string(n.State), n.Reason, id, n.NomineeID); err != nil {
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

// nomineesIn reads the nominees of an election as members, by ID.
func nomineesIn(ctx context.Context, tx *sql.Tx, electionID string) (map[string]models.Member, error) {
	ms, err := queryMembers(ctx, tx, `WHERE id IN (SELECT nominee_id FROM nominations WHERE election_id = ?)`, electionID)
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
	return s.write(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, id)
		if err != nil {
			return err
		}
		now, err := s.storeTime(ctx, tx)
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
		def, err := json.Marshal(d)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE elections SET definition = ? WHERE id = ?`, string(def), id); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, actor, models.AuditNominationsExtended(id, from, rules.Closes))
	})
}
