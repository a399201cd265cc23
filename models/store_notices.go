package models

import (
	"context"
	"time"
)

// NoticeStore keeps the notices (notices.go) and their outbox: one row per
// notice and member, which front ends sharing the database claim in
// batches, so each mail is handed to the mail server by one of them once.
type NoticeStore interface {
	// QueueNotice records the notice and an outbox row for each member of
	// its audience on the election's roll (a member without an address
	// gets a failed row saying so), in one transaction that checks the
	// election's state (CheckQueueNotice) and audits the queuing. It
	// returns the rows queued, or ErrExists when the notice was queued
	// before: a notice goes out once, however often it is asked for.
	QueueNotice(ctx context.Context, n Notice, actor string) (int, error)
	// ClaimNotices takes up to limit pending rows that are due, in one
	// transaction (PostgreSQL: FOR UPDATE SKIP LOCKED, so front ends
	// claiming at once take different rows), and holds them for holder
	// until now+lease. Rows that CheckClaim skips are marked so, not
	// returned. First it settles what a dead front end left: claimed rows
	// whose lease ran out go back to pending, sending rows whose lease
	// ran out become uncertain (never sent again).
	ClaimNotices(ctx context.Context, holder string, limit int, lease time.Duration) ([]OutboxItem, error)
	// RecordDeliveries records what became of holder's rows in done and,
	// in the same transaction, marks next (when not nil) as sending, held
	// until now+lease: the mark a crash leaves behind. It returns false
	// when next is no longer holder's to send (its lease ran out and
	// another front end took it, or the election closed): the caller must
	// not send it. The other rows of a batch keep the lease of their
	// claim, so a caller claims no more than it sends within a lease.
	RecordDeliveries(ctx context.Context, holder string, done []Delivery, next *OutboxItem, lease time.Duration) (bool, error)
	// RetryFailedNotices puts the failed rows of the election's notices of
	// kind k back to pending with no attempts counted (the officers fixed
	// what failed them: the sender, an address), except those of members
	// still without an address and of notices folded at the close. It
	// audits the re-queuing and returns the rows re-queued.
	RetryFailedNotices(ctx context.Context, electionID string, k NoticeKind, actor string) (int, error)
	// NoticeReports lists an election's notices, oldest first, with the
	// outbox's counts and reasons (electionID "": the renewal reminders,
	// which belong to no election).
	NoticeReports(ctx context.Context, electionID string) ([]NoticeReport, error)
}
