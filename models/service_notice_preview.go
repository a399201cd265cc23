package models

import (
	"context"
	"errors"
	"slices"
)

// NoticePreview is what a dry run shows: who would get the notice now,
// and one of its mails in each language it would go out in.
type NoticePreview struct {
	Recipients int // members it would be mailed to
	NoAddress  int // members of its audience without an email address
	// Languages are the recipients by the language they chose (English
	// for those who chose none), English first.
	Languages []LanguagePreview
}

// LanguagePreview is the part of a notice's recipients who chose one
// language: how many, which text they get, and the first one's mail.
type LanguagePreview struct {
	Lang       string
	Recipients int
	Text       NoticeText
	Example    Mail
}

// PreviewNotice counts the audience of a notice of kind k as the roll
// stands and renders the mail of the first recipient (by ID) of each
// language, queuing nothing.
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
	n := Notice{ElectionID: e.ID, Kind: k, Slot: handSlot(e, k, now)}
	var items []OutboxItem
	for _, r := range roll {
		m, ok := byID[r.MemberID]
		if !ok || m.Status != Active || (k.Audience() == AudienceNotVoted && r.Voted) {
			continue
		}
		if m.Email == "" {
			p.NoAddress++
			continue
		}
		items = append(items, OutboxItem{Notice: n, MemberID: m.ID, Name: m.Name, Email: m.Email})
	}
	p.Recipients = len(items)
	p.Languages, err = s.previewLanguages(ctx, e, items)
	return p, err
}

// previewLanguages groups a preview's recipients by the language they
// chose, with the first one's mail of each.
func (s *Service) previewLanguages(ctx context.Context, e Election, items []OutboxItem) ([]LanguagePreview, error) {
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
