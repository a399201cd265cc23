package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"vote.example.org/booth/models/i18n"
)

// Mail is one notice as it is mailed: plain text, to one member.
type Mail struct {
	To, ToName    string
	Subject, Body string
	// MessageID is fixed by the notice and the member (id@domain, no
	// angle brackets), so a mail sent twice by a mistake outside booth's
	// control is one message to the mail clients that merge duplicates.
	MessageID string
	// ListID is the List-Id header's value: "<election.notices.domain>".
	ListID string
}

// Mailer hands mails to a mail server (models/notice/smtp). Send returns
// a *PermanentMailError for a mail refused for good, ErrMailUncertain when
// the connection broke after the mail's end was sent and before the
// server answered, and any other error for a failure worth a retry.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// ErrMailUncertain: the server may or may not have taken the mail.
var ErrMailUncertain = errors.New("the connection broke before the mail server confirmed the mail: it may or may not have arrived")

// ErrMailServerDown: no connection to the mail server could be made (it
// is down, or refused TLS, the password or booth's sender address). That
// is not any member's fault: the batch stops there, and its rows go back
// pending without counting an attempt, due after the front end's backoff.
var ErrMailServerDown = errors.New("no connection to the mail server")

// NoticeConfig is how this front end sends notices.
type NoticeConfig struct {
	// Mailer is nil when no mail server is configured: notices are then
	// queued (and shown in the booth) but not mailed by this front end.
	Mailer    Mailer
	Templates NoticeTemplates // nil: the built-in texts
	// SSHCommand, HostKey and Foundation fill the templates' fields.
	SSHCommand, HostKey, Foundation string
	// Domain names the Message-ID and List-Id domain (the sender's).
	Domain string
	// PerSecond limits the mails this front end sends; 0 means no limit.
	PerSecond float64
	// Batch is how many rows one claim takes; Lease how long they are
	// held before others may take them (renewed at every mail).
	Batch int
	Lease time.Duration
	// Holder names this front end in the outbox's claims.
	Holder string
}

// Defaults of NoticeConfig.
const (
	DefaultNoticeBatch = 50
	DefaultNoticeLease = 2 * time.Minute
)

func (c NoticeConfig) withDefaults() NoticeConfig {
	if c.Templates == nil {
		c.Templates = DefaultNoticeTemplates()
	}
	if c.Batch <= 0 {
		c.Batch = DefaultNoticeBatch
	}
	if c.Lease <= 0 {
		c.Lease = DefaultNoticeLease
	}
	if c.Holder == "" {
		host, _ := os.Hostname()
		c.Holder = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text()[:8])
	}
	if c.Domain == "" {
		c.Domain = "booth.invalid"
	}
	if c.Foundation == "" {
		c.Foundation = "the foundation"
	}
	if c.SSHCommand == "" {
		c.SSHCommand = "ssh HOST"
	}
	if c.HostKey == "" {
		c.HostKey = "(ask the election officers)"
	}
	return c
}

// SetNotices configures how this front end sends notices; a Holder is
// chosen when cfg has none, so the claims of one process share it.
func (s *Service) SetNotices(cfg NoticeConfig) { s.notices = cfg.withDefaults() }

// NoticeTick queues the notices the elections' schedules call for at the
// store's time. Each is queued once, whichever front end asks first; the
// results notice once the bundle is published (the store refuses it
// before, with ErrWrongState). A front end asks for each due notice until
// it learns it is queued, not at every tick after (queueOnce).
func (s *Service) NoticeTick(ctx context.Context) error {
	elections, err := s.store.Elections(ctx)
	if err != nil {
		return err
	}
	now, err := s.store.Now(ctx)
	if err != nil {
		return err
	}
	var errs []error
	due := map[string]bool{}
	for _, e := range elections {
		for _, n := range e.Notices.dueNotices(e, now.UTC()) {
			due[n.ID()] = true
			if _, err := s.queueOnce(ctx, n, ClockActor); err != nil && !errors.Is(err, ErrExists) && !errors.Is(err, ErrWrongState) {
				errs = append(errs, fmt.Errorf("queuing notice %s: %w", n.ID(), err))
			}
		}
	}
	renewals, err := s.renewalNotices(ctx)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, n := range renewals {
		due[n.ID()] = true
	}
	if _, err := s.queueRenewals(ctx, renewals, ClockActor); err != nil {
		errs = append(errs, err)
	}
	s.queued.keepOnly(due)
	return errors.Join(errs...)
}

// handSlot is the slot of a notice an officer sends by hand: the
// schedule's own for the notices that go out once (so the clock does not
// send it again), a new one per minute for a reminder.
func handSlot(e Election, k NoticeKind, now time.Time) string {
	switch k {
	case NoticeAnnounce, NoticeNominations:
		return "open"
	case NoticeExtended:
		return fmt.Sprint(e.Extensions)
	case NoticeResults:
		return "published"
	}
	return "hand-" + now.UTC().Format("20060102T1504")
}

// QueueNoticeByHand queues a notice an officer sends: it returns the
// notice and how many members it was queued for. ErrExists means it was
// sent already.
func (s *Service) QueueNoticeByHand(ctx context.Context, electionID string, k NoticeKind, actor string) (Notice, int, error) {
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return Notice{}, 0, err
	}
	now, err := s.store.Now(ctx)
	if err != nil {
		return Notice{}, 0, err
	}
	n := Notice{ElectionID: e.ID, Kind: k, Slot: handSlot(e, k, now)}
	rows, err := s.store.QueueNotice(ctx, n, actor)
	return n, rows, err
}

// RetryFailedNotices queues again the failed mails of the election's
// notices of kind k, once the officers fixed what failed them.
func (s *Service) RetryFailedNotices(ctx context.Context, electionID string, k NoticeKind, actor string) (int, error) {
	return s.store.RetryFailedNotices(ctx, electionID, k, actor)
}

// NoticePreview is what a dry run shows: who would get the notice now,
// and one of its mails.
type NoticePreview struct {
	Recipients int // members it would be mailed to
	NoAddress  int // members of its audience without an email address
	Example    Mail
}

// PreviewNotice counts the audience of a notice of kind k as the roll
// stands and renders one of its mails (the first recipient's, by ID),
// queuing nothing.
func (s *Service) PreviewNotice(ctx context.Context, electionID string, k NoticeKind) (NoticePreview, error) {
	var p NoticePreview
	e, err := s.store.Election(ctx, electionID)
	if err != nil {
		return p, err
	}
	published := false
	if k == NoticeResults {
		if _, err := s.store.Bundle(ctx, electionID); err == nil {
			published = true
		} else if !errors.Is(err, ErrNotFound) {
			return p, err
		}
	}
	now, err := s.store.Now(ctx)
	if err != nil {
		return p, err
	}
	if err := CheckQueueNotice(e, k, published, now); err != nil {
		return p, err
	}
	roll, err := s.audienceRoll(ctx, e.ID, k)
	if err != nil {
		return p, err
	}
	members, err := s.store.Members(ctx)
	if err != nil {
		return p, err
	}
	byID := make(map[string]Member, len(members))
	for _, m := range members {
		byID[m.ID] = m
	}
	var first *Member
	for _, r := range roll {
		m, ok := byID[r.MemberID]
		if !ok || m.Status != Active || (k.Audience() == AudienceNotVoted && r.Voted) {
			continue
		}
		if m.Email == "" {
			p.NoAddress++
			continue
		}
		p.Recipients++
		if first == nil {
			first = &m
		}
	}
	if first == nil {
		return p, nil
	}
	it := OutboxItem{Notice: Notice{ElectionID: e.ID, Kind: k, Slot: handSlot(e, k, now)}, MemberID: first.ID, Name: first.Name, Email: first.Email}
	p.Example, err = noticeMail(s.notices.withDefaults(), e, it)
	return p, err
}

// noticeMail renders the mail of one outbox row under cfg (with its
// defaults applied once by the caller, not per mail).
func noticeMail(cfg NoticeConfig, e Election, it OutboxItem) (Mail, error) {
	const layout = "2006-01-02 15:04 UTC"
	f := NoticeFields{
		Name: it.Name, Member: it.MemberID, Title: e.Title, Election: e.ID,
		Opens: e.OpensAt.UTC().Format(layout), Closes: e.EffectiveClose().UTC().Format(layout),
		SSH: cfg.SSHCommand, HostKey: cfg.HostKey, Action: noticeKinds[it.Notice.Kind].action, Foundation: cfg.Foundation,
	}
	switch it.Notice.Kind {
	case NoticeNominations:
		f.Opens, f.Closes = e.Nominations.Opens.UTC().Format(layout), e.Nominations.Closes.UTC().Format(layout)
	case NoticeRenewal:
		f.Opens, f.Closes = "", ""
		if t, err := time.Parse("2006-01-02T15:04Z", it.Notice.Slot); err == nil {
			f.Until = t.Format(layout)
		}
	}
	subject, body, err := cfg.Templates.Render(it.Notice.Kind, f)
	if err != nil {
		return Mail{}, err
	}
	h := sha256.Sum256([]byte("booth-notice\x00" + it.Notice.ID() + "\x00" + it.MemberID))
	return Mail{
		To: it.Email, ToName: it.Name, Subject: subject, Body: body,
		MessageID: hex.EncodeToString(h[:16]) + "@" + cfg.Domain,
		ListID:    "<" + listWord(it.Notice) + ".notices." + cfg.Domain + ">",
	}, nil
}

// headerWord keeps the letters, digits and hyphens of an ID, for a header
// that takes no other characters.
func headerWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '-'
	}, s)
}

// DeliveryStats counts what one DeliverNotices did.
type DeliveryStats struct {
	Sent, Retried, Failed, Uncertain int
}

// DeliverNotices mails what is due in the outbox, batch by batch, until
// nothing is due or ctx ends. Before each mail it commits the row's
// "sending" mark together with the outcome of the mail before (one
// transaction per mail), so a crash leaves at most one row whose fate is
// unknown, and that row becomes uncertain, never sent twice.
func (s *Service) DeliverNotices(ctx context.Context) (DeliveryStats, error) {
	var st DeliveryStats
	cfg := s.notices.withDefaults()
	if cfg.Mailer == nil {
		return st, errors.New("no mail server is configured: give --smtp (or BOOTH_SMTP) and --mail-from")
	}
	elections := map[string]Election{}
	pace := newPacer(cfg.PerSecond)
	if cfg.PerSecond > 0 {
		// A batch is sent within half its lease, at the rate: rows still
		// waiting when the lease ran out would go to another front end.
		cfg.Batch = max(1, min(cfg.Batch, int(cfg.Lease.Seconds()*cfg.PerSecond/2)))
	}
	for ctx.Err() == nil {
		items, err := s.store.ClaimNotices(ctx, cfg.Holder, cfg.Batch, cfg.Lease)
		if err != nil || len(items) == 0 {
			return st, err
		}
		if err := s.deliverBatch(ctx, cfg, items, elections, pace, &st); err != nil {
			return st, err
		}
	}
	return st, ctx.Err()
}

// deliverBatch mails one claimed batch.
func (s *Service) deliverBatch(ctx context.Context, cfg NoticeConfig, items []OutboxItem, elections map[string]Election, pace *pacer, st *DeliveryStats) error {
	var done []Delivery
	var down error
	for i := range items {
		it := &items[i]
		e, ok := elections[it.Notice.ElectionID]
		if !ok && it.Notice.ElectionID != "" {
			var err error
			if e, err = s.store.Election(ctx, it.Notice.ElectionID); err != nil {
				return err
			}
			elections[e.ID] = e
		}
		mail, err := noticeMail(cfg, e, *it)
		if err != nil {
			done = append(done, Delivery{NoticeID: it.Notice.ID(), MemberID: it.MemberID, State: OutboxFailed, Reason: oneLineError(err)})
			st.Failed++
			continue
		}
		if err := pace.wait(ctx); err != nil {
			break
		}
		mine, err := s.store.RecordDeliveries(ctx, cfg.Holder, done, it, cfg.Lease)
		if err != nil {
			return err
		}
		done = done[:0]
		if !mine {
			continue
		}
		d := Delivery{NoticeID: it.Notice.ID(), MemberID: it.MemberID, State: OutboxSent}
		err = cfg.Mailer.Send(ctx, mail)
		switch {
		case err == nil:
			st.Sent++
		case errors.Is(err, ErrMailUncertain):
			d.State, d.Reason = OutboxUncertain, oneLineError(err)
			st.Uncertain++
		case errors.Is(err, ErrMailServerDown):
			// This row and the rest of the batch wait for the server.
			wait := s.mailDown.failed()
			for _, rest := range items[i:] {
				done = append(done, Delivery{NoticeID: rest.Notice.ID(), MemberID: rest.MemberID, State: OutboxPending,
					Reason: oneLineError(err), RetryIn: wait, Uncharged: true})
			}
			down = err
		default:
			d = deliveryAfterError(*it, err)
			if d.State == OutboxFailed {
				st.Failed++
			} else {
				st.Retried++
			}
		}
		if down != nil {
			break
		}
		s.mailDown.reset()
		done = append(done, d)
	}
	// What was mailed is recorded even when ctx ended (SIGTERM): the
	// marks are what keeps a mail from going out twice.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := s.store.RecordDeliveries(rctx, cfg.Holder, done, nil, cfg.Lease); err != nil {
		return err
	}
	return down
}

// serverBackoff is how long a front end leaves its rows to the mail
// server's recovery: 1 minute after it was found down, doubling up to 15
// minutes while it stays down, back to nothing at the first mail it takes.
type serverBackoff struct {
	mu   sync.Mutex
	wait time.Duration
}

func (b *serverBackoff) failed() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.wait = min(max(time.Minute, 2*b.wait), 15*time.Minute)
	return b.wait
}

func (b *serverBackoff) reset() {
	b.mu.Lock()
	b.wait = 0
	b.mu.Unlock()
}

// pacer spaces mails out to a rate.
type pacer struct {
	every time.Duration
	next  time.Time
}

func newPacer(perSecond float64) *pacer {
	if perSecond <= 0 {
		return &pacer{}
	}
	return &pacer{every: time.Duration(float64(time.Second) / perSecond)}
}

func (p *pacer) wait(ctx context.Context) error {
	if p.every == 0 {
		return ctx.Err()
	}
	now := time.Now()
	if p.next.Before(now) {
		p.next = now
	}
	t := time.NewTimer(p.next.Sub(now))
	defer t.Stop()
	p.next = p.next.Add(p.every)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// NoticeReports lists an election's notices with the outbox's counts.
func (s *Service) NoticeReports(ctx context.Context, electionID string) ([]NoticeReport, error) {
	if _, err := s.store.Election(ctx, electionID); err != nil {
		return nil, err
	}
	return s.store.NoticeReports(ctx, electionID)
}

// MemberNotice is a notice shown in the booth: what the member should do,
// shown until they did it.
type MemberNotice struct {
	ElectionID string
	Kind       NoticeKind
	// Title is the election's (not yet made safe: callers sanitise the
	// line as any text others wrote); Closes its effective close.
	Title  string
	Closes time.Time
	// translations are the officers' titles in other languages.
	translations map[string]Translation
}

// Line is the notice as one line in p's language.
func (n MemberNotice) Line(p i18n.Printer) string {
	closes := n.Closes.UTC().Format("2006-01-02 15:04 UTC")
	title := Definition{Title: n.Title, Translations: n.translations}.In(p.Lang()).Title
	if n.Kind == NoticeExtended {
		return p.T("Voting in “%s” is extended to %s for its quorum, and you have not voted yet.", title, closes)
	}
	return p.T("Voting in “%s” is open until %s, and you have not voted yet.", title, closes)
}

// MemberNotices are the notices the member sees in the booth and in
// `ssh HOST status`: one for each election open now in which they are on
// the roll and have not voted (NoticeOf). They are read from the roll,
// not the outbox, so one disappears the moment the member votes.
func (s *Service) MemberNotices(ctx context.Context, memberID string) ([]MemberNotice, error) {
	marks, err := s.store.MemberRoll(ctx, memberID)
	if err != nil {
		return nil, err
	}
	var out []MemberNotice
	now := s.Now()
	for _, mk := range marks {
		if mk.Voted {
			continue
		}
		e, err := s.store.Election(ctx, mk.ElectionID)
		if err != nil {
			return nil, err
		}
		if n, ok := NoticeOf(e, true, false, now); ok {
			out = append(out, n)
		}
	}
	return out, nil
}

// NoticeOf is the booth's notice of election e for a member (on its roll
// or not, voted or not) at now: voting is open and they have not voted.
// The booth's home screen and `ssh HOST status` both word it so.
func NoticeOf(e Election, onRoll, voted bool, now time.Time) (MemberNotice, bool) {
	if !onRoll || voted || !e.IsOpenAt(now) {
		return MemberNotice{}, false
	}
	n := MemberNotice{ElectionID: e.ID, Kind: NoticeRemind, Title: e.Title, Closes: e.EffectiveClose(), translations: e.Translations}
	if e.Extensions > 0 {
		n.Kind = NoticeExtended
	}
	return n, true
}
