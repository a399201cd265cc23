package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The close's scrub (issue 10 item 1). While an election is open, the
// database keeps the order in which roll marks and ballots arrived (SQLite's
// WAL frames and page layout, PostgreSQL's old row versions); the close
// rewrites the election's tables and then clears those traces, which
// another reader of the database can hold up. So the scrub is a state of
// the election: the closing transaction marks it "closed, not scrubbed"
// (Election.ScrubPending), and only a scrub that truly completed clears
// the mark. Until then nothing is counted, exported or published, and
// every command and the server's tick try again.

// ErrNotScrubbed says an election is closed but its storage may still show
// the order in which its ballots arrived.
var ErrNotScrubbed = errors.New("closed but its storage is not scrubbed yet")

// ScrubError is a scrub that could not complete: Elections stay "closed,
// not scrubbed" because of Reason. It matches ErrNotScrubbed and Reason.
type ScrubError struct {
	Elections []string
	Reason    error
}

func (e *ScrubError) Error() string {
	what := "election " + e.Elections[0] + " is"
	if len(e.Elections) > 1 {
		what = "elections " + strings.Join(e.Elections, ", ") + " are"
	}
	return fmt.Sprintf("%s %v: %v; until then the database may still show the order in which ballots arrived, and nothing is counted or published: run `booth election compact %s` once other readers of the database have finished",
		what, ErrNotScrubbed, e.Reason, e.Elections[0])
}

func (e *ScrubError) Unwrap() []error { return []error{ErrNotScrubbed, e.Reason} }

// Retries wait briefly for other readers: a command that only reads must
// not hang on them. An officer's compact waits longer.
const (
	ScrubRetryWait = 2 * time.Second
	CompactWait    = time.Minute
)

// FinishScrubs retries the scrub of every election that is closed but not
// scrubbed, waiting at most wait for other readers of the database; it
// does nothing (one read) when none is. A *ScrubError names what is still
// pending.
func (s *Service) FinishScrubs(ctx context.Context, wait time.Duration, actor string) error {
	es, err := s.store.Elections(ctx)
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.ScrubPending {
			_, err := s.store.Scrub(ctx, wait, actor)
			return err
		}
	}
	return nil
}

// Compact scrubs a closed (or counted) election's storage again, waiting
// up to CompactWait for other readers of the database: `booth election
// compact`. It reports whether the election was still "closed, not
// scrubbed" before.
func (s *Service) Compact(ctx context.Context, id, actor string) (wasPending bool, err error) {
	e, err := s.store.Election(ctx, id)
	if err != nil {
		return false, err
	}
	if e.State != Closed && e.State != Counted {
		return false, fmt.Errorf("%w: election %s is %s; its storage is scrubbed when it closes", ErrWrongState, id, e.State)
	}
	if _, err := s.store.Scrub(ctx, CompactWait, actor); err != nil {
		return e.ScrubPending, err
	}
	return e.ScrubPending, nil
}

// scrubbed refuses an election whose close has not finished its scrub:
// counting or publishing it would put results out while the database can
// still tie members to ballots.
func scrubbed(e Election) error {
	if !e.ScrubPending {
		return nil
	}
	return notScrubbedError(fmt.Sprintf("election %s is closed but its storage is not scrubbed yet: the database may still show the order in which its ballots arrived, so it is not counted, exported or published until it is: run `booth election compact %s` once other readers of the database have finished",
		e.ID, e.ID))
}

// notScrubbedError is a refusal that matches ErrNotScrubbed and
// ErrWrongState without repeating their text.
type notScrubbedError string

func (e notScrubbedError) Error() string { return string(e) }

func (notScrubbedError) Is(target error) bool {
	return target == ErrNotScrubbed || target == ErrWrongState
}
