package models

import (
	"context"
	"errors"
	"slices"

	"vote.example.org/booth/models/i18n"
)

// NoticePreview is what a dry run shows: who would get the notice now,
// and one of its mails in each language it would go out in.
type NoticePreview struct {
	Recipients int // members it would be mailed to
	// NoAddress counts the members without an email address: of the
	// audience, or of the electorate when Electorate is set.
	NoAddress int
	// Languages are the recipients by the language they chose (English
	// for those who chose none), English first; when Electorate is set,
	// the whole electorate's, whoever has voted.
	Languages []LanguagePreview
	// Electorate is set for a notice to the members who have not voted:
	// a split of them (by language, by address) or one of them named
	// would change when a member of a small group votes, and tell an
	// officer who voted, which the roll never shows. Its split counts
	// the whole electorate and its examples go to a made-up member.
	Electorate bool
	// SentBefore is the notice's ID when this very notice was queued
	// before: a send would queue nothing, as booth notice send says.
	SentBefore string
}

// LanguagePreview is the part of a notice's recipients who chose one
// language: how many, which text they get, and one mail of theirs.
type LanguagePreview struct {
	Lang       string
	Recipients int
	Text       NoticeText
	Example    Mail
}

// PreviewNotice counts the audience of a notice of kind k as the roll
// stands and renders, for each language, the mail of its first
// recipient by ID (of a made-up member for the members who have not
// voted, see NoticePreview.Electorate), queuing nothing.
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
	p.Electorate = k.Audience() == AudienceNotVoted
	n := Notice{ElectionID: e.ID, Kind: k, Slot: handSlot(e, k, now)}
	reports, err := s.store.NoticeReports(ctx, e.ID)
	if err != nil {
		return p, err
	}
	for _, r := range reports {
		if r.Notice.ID() == n.ID() {
			p.SentBefore = n.ID()
			return p, nil
		}
	}
	// split is who the per-language counts are over: the audience, or
	// the electorate (see Electorate).
	var split []OutboxItem
	for _, r := range roll {
		m, ok := byID[r.MemberID]
		if !ok || m.Status != Active {
			continue
		}
		if m.Email == "" {
			p.NoAddress++
			continue
		}
		split = append(split, OutboxItem{Notice: n, MemberID: m.ID, Name: m.Name, Email: m.Email})
		// The audience's own count stays: with the turnout, which the
		// officers see anyway, it was always shown.
		if !p.Electorate || !r.Voted {
			p.Recipients++
		}
	}
	if p.Recipients == 0 {
		return p, nil
	}
	p.Languages, err = s.previewLanguages(ctx, e, split, p.Electorate)
	return p, err
}

// previewLanguages groups items by the language their members chose,
// with one mail of each: the first member's, or when madeUp a made-up
// member's, so that no real one is named.
func (s *Service) previewLanguages(ctx context.Context, e Election, items []OutboxItem, madeUp bool) ([]LanguagePreview, error) {
	if len(items) == 0 {
		return nil, nil
	}
	cfg := s.notices.withDefaults()
	langs, err := s.itemLanguages(ctx, items)
	if err != nil {
		return nil, err
	}
	var out []LanguagePreview
	for _, lang := range Languages {
		var lp *LanguagePreview
		for _, it := range items {
			if mailLanguage(langs, it.MemberID) != lang {
				continue
			}
			if lp == nil {
				if madeUp {
					it = madeUpRecipient(it.Notice, lang)
				}
				mail, nt, err := noticeMail(cfg, e, it, lang)
				if err != nil {
					return nil, err
				}
				lp = &LanguagePreview{Lang: lang, Text: nt, Example: mail}
			}
			lp.Recipients++
		}
		if lp != nil {
			out = append(out, *lp)
		}
	}
	return out, nil
}

// MadeUpAddress is the address of the made-up member a dry run's
// example mail goes to when naming a real one would tell who voted.
const MadeUpAddress = "member@example.invalid"

// madeUpRecipient is the outbox row of notice n for a member who does
// not exist, named in lang.
func madeUpRecipient(n Notice, lang string) OutboxItem {
	return OutboxItem{Notice: n, Name: i18n.For(lang).C("the made-up member a dry run's example mail is addressed to", "A Member"), Email: MadeUpAddress}
}

// itemLanguages reads the languages the members of a batch chose, in
// one query.
func (s *Service) itemLanguages(ctx context.Context, items []OutboxItem) (map[string]string, error) {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.MemberID
	}
	return s.store.MemberLanguages(ctx, ids)
}

// mailLanguage is the language a member's mails are in: the one they
// chose, else English (a mail has no session whose locale could say).
func mailLanguage(langs map[string]string, memberID string) string {
	if l := langs[memberID]; slices.Contains(Languages, l) {
		return l
	}
	return "en"
}
