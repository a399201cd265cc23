package bundle

import (
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// definitionRecord is a v3 or v4 bundle's election definition: models.Definition
// under snake_case keys of its own, so that renaming a field in models
// cannot change a signed format. It has Definition's shape field for
// field, in its order, with the values as encoding/json writes them (times
// in UTC as RFC 3339, the quorum's extension in nanoseconds, ratios as
// two integers): renaming each key to its Go field's name gives the text
// the fingerprint hashes (models.Definition.Fingerprint), so anyone can
// recompute it (docs/formats.md lists the names). v1 and v2 bundles hold
// models.Definition as encoding/json wrote it, Go's names as keys.
//
// It is not models.ElectionDetail, the definition booth election show
// prints: that shape is for reading (durations as "72h0m0s", ratios as
// "3:1", settings left out when unset, the election's state mixed in), so
// a definition does not come back whole from it, nor its fingerprint.
type definitionRecord struct {
	ID            string                `json:"id"`
	Title         string                `json:"title"`
	Description   string                `json:"description"`
	Method        tally.Method          `json:"method"`
	Seats         int                   `json:"seats"`
	Candidates    []definitionCandidate `json:"candidates"`
	FixedOrder    bool                  `json:"fixed_order"`
	OpensAt       time.Time             `json:"opens_at"`
	ClosesAt      time.Time             `json:"closes_at"`
	AllowReplace  bool                  `json:"allow_replace"`
	PublishLedger bool                  `json:"publish_ledger"`
	Quorum        quorumRecord          `json:"quorum"`
	DefaultOption string                `json:"default_option"`
	OptionQuorum  int64                 `json:"option_quorum"`
	Majority      ratioRecord           `json:"majority"`
	PassRatio     ratioRecord           `json:"pass_ratio"`
	MaxChoices    int                   `json:"max_choices"`
	TieSeed       string                `json:"tie_seed"`
	// JoinedBefore is "0001-01-01T00:00:00Z" when the electorate is every
	// active member, as the fingerprint hashes it.
	JoinedBefore time.Time `json:"joined_before"`
	Recipients   []string  `json:"recipients"`
	// Trustees is left out for an election without trustees, as the
	// fingerprint leaves it out.
	Trustees *definitionTrustees `json:"trustees,omitempty"`
	// MemberForNS and Nominations are left out when unset, as the
	// fingerprint leaves them out (v4; a v3 bundle holds neither).
	MemberForNS int64                  `json:"member_for_ns,omitempty"`
	Nominations *nominationRulesRecord `json:"nominations,omitempty"`
	// Translations is left out when the definition has none, so a
	// definition without any is written as before they existed.
	Translations map[string]translationRecord `json:"translations,omitempty"`
	// Notices is left out when the definition schedules none, as the
	// fingerprint leaves it out, so bundles of elections without notices
	// are as they were.
	Notices noticesRecord `json:"notices,omitzero"`
}

// definitionTrustees is models.Trustees.
type definitionTrustees struct {
	Threshold   int      `json:"threshold"`
	Keys        []string `json:"keys"`
	Members     []string `json:"members"`
	Recipient   string   `json:"recipient"`
	Commitments []string `json:"commitments"`
}

// nominationRulesRecord is models.NominationRules: the nomination period
// and its rules, under which the bundle's nominations are checked.
type nominationRulesRecord struct {
	Opens                   time.Time `json:"opens"`
	Closes                  time.Time `json:"closes"`
	Supporters              int       `json:"supporters"`
	Self                    bool      `json:"self"`
	NomineeMemberForNS      int64     `json:"nominee_member_for_ns"`
	NominatorInGoodStanding bool      `json:"nominator_in_good_standing"`
	MaxPerNominator         int       `json:"max_per_nominator"`
	PublishNominators       bool      `json:"publish_nominators"`
	Closed                  bool      `json:"closed,omitempty"`
}

// translationRecord is a models.Translation.
type translationRecord struct {
	Title       string            `json:"title,omitempty"`
	Description string            `json:"description,omitempty"`
	Statements  map[string]string `json:"statements,omitempty"`
}

// noticesRecord is models.NoticeSchedule, each field left out when
// unset, as the fingerprint leaves it out; periods are in nanoseconds
// (as the fingerprint writes them, so the keys keep their plain names).
type noticesRecord struct {
	Announce            bool    `json:"announce,omitempty"`
	RemindNS            []int64 `json:"remind,omitempty"`
	RemindUntilQuorumNS int64   `json:"remind_until_quorum,omitempty"`
	Results             bool    `json:"results,omitempty"`
}

// definitionCandidate is a candidate of a definitionRecord; its keys are
// those of the result's candidates, and two more.
type definitionCandidate struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Affiliation string `json:"affiliation"`
	Statement   string `json:"statement"`
}

// quorumRecord is models.QuorumRule. ExtendNS is in nanoseconds, the
// number the fingerprint hashes, so no unit conversion can lose a part
// of it.
type quorumRecord struct {
	Percent  int   `json:"percent"`
	ExtendNS int64 `json:"extend_ns"`
}

// ratioRecord is a tally.Ratio, num:den; 0:0 when the definition sets none.
type ratioRecord struct {
	Num int64 `json:"num"`
	Den int64 `json:"den"`
}

// newDefinitionRecord is d as a v3 bundle writes it. Lists d leaves nil
// stay null, so that a record reads back to the same definition.
func newDefinitionRecord(d models.Definition) definitionRecord {
	v := definitionRecord{
		ID: d.ID, Title: d.Title, Description: d.Description, Method: d.Method, Seats: d.Seats,
		FixedOrder: d.FixedOrder, OpensAt: d.OpensAt.UTC(), ClosesAt: d.ClosesAt.UTC(),
		AllowReplace: d.AllowReplace, PublishLedger: d.PublishLedger,
		Quorum:        quorumRecord{Percent: d.Quorum.Percent, ExtendNS: int64(d.Quorum.Extend)},
		DefaultOption: d.DefaultOption, OptionQuorum: d.OptionQuorum,
		Majority: ratioRecord(d.Majority), PassRatio: ratioRecord(d.PassRatio),
		MaxChoices: d.MaxChoices, TieSeed: d.TieSeed, JoinedBefore: d.JoinedBefore.UTC(), Recipients: d.Recipients,
		MemberForNS: int64(d.MemberFor),
		Notices:     noticesRecord{Announce: d.Notices.Announce, RemindUntilQuorumNS: int64(d.Notices.RemindUntilQuorum), Results: d.Notices.Results},
	}
	for _, r := range d.Notices.Remind {
		v.Notices.RemindNS = append(v.Notices.RemindNS, int64(r))
	}
	if r := d.Nominations; r != nil {
		v.Nominations = &nominationRulesRecord{
			Opens: r.Opens.UTC(), Closes: r.Closes.UTC(), Supporters: r.Supporters, Self: r.Self,
			NomineeMemberForNS: int64(r.NomineeMemberFor), NominatorInGoodStanding: r.NominatorInGoodStanding,
			MaxPerNominator: r.MaxPerNominator, PublishNominators: r.PublishNominators, Closed: r.Closed,
		}
	}
	if d.Trustees != nil {
		t := definitionTrustees(*d.Trustees)
		v.Trustees = &t
	}
	if d.Candidates != nil {
		v.Candidates = make([]definitionCandidate, len(d.Candidates))
		for i, c := range d.Candidates {
			v.Candidates[i] = definitionCandidate(c)
		}
	}
	for lang, tr := range d.Translations {
		if v.Translations == nil {
			v.Translations = map[string]translationRecord{}
		}
		v.Translations[lang] = translationRecord(tr)
	}
	return v
}

// definition is the record as a models.Definition.
func (v definitionRecord) definition() models.Definition {
	d := models.Definition{
		ID: v.ID, Title: v.Title, Description: v.Description, Method: v.Method, Seats: v.Seats,
		FixedOrder: v.FixedOrder, OpensAt: v.OpensAt, ClosesAt: v.ClosesAt,
		AllowReplace: v.AllowReplace, PublishLedger: v.PublishLedger,
		Quorum:        models.QuorumRule{Percent: v.Quorum.Percent, Extend: time.Duration(v.Quorum.ExtendNS)},
		DefaultOption: v.DefaultOption, OptionQuorum: v.OptionQuorum,
		Majority: tally.Ratio(v.Majority), PassRatio: tally.Ratio(v.PassRatio),
		MaxChoices: v.MaxChoices, TieSeed: v.TieSeed, JoinedBefore: v.JoinedBefore, Recipients: v.Recipients,
		MemberFor: time.Duration(v.MemberForNS),
		Notices:   models.NoticeSchedule{Announce: v.Notices.Announce, RemindUntilQuorum: time.Duration(v.Notices.RemindUntilQuorumNS), Results: v.Notices.Results},
	}
	for _, r := range v.Notices.RemindNS {
		d.Notices.Remind = append(d.Notices.Remind, time.Duration(r))
	}
	if r := v.Nominations; r != nil {
		d.Nominations = &models.NominationRules{
			Opens: r.Opens, Closes: r.Closes, Supporters: r.Supporters, Self: r.Self,
			NomineeMemberFor: time.Duration(r.NomineeMemberForNS), NominatorInGoodStanding: r.NominatorInGoodStanding,
			MaxPerNominator: r.MaxPerNominator, PublishNominators: r.PublishNominators, Closed: r.Closed,
		}
	}
	if v.Trustees != nil {
		t := models.Trustees(*v.Trustees)
		d.Trustees = &t
	}
	if v.Candidates != nil {
		d.Candidates = make([]models.Candidate, len(v.Candidates))
		for i, c := range v.Candidates {
			d.Candidates[i] = models.Candidate(c)
		}
	}
	for lang, tr := range v.Translations {
		if d.Translations == nil {
			d.Translations = map[string]models.Translation{}
		}
		d.Translations[lang] = models.Translation(tr)
	}
	return d
}

// readDefinition reads the definition of a bundle of Format, and gives
// the record booth writes for it: a time with another offset than UTC
// would read as the same definition, so the reader's canonical check
// compares the payload with this record, not with the one it decoded.
func readDefinition(v definitionRecord) (models.Definition, definitionRecord) {
	d := v.definition()
	return d, newDefinitionRecord(d)
}

// readLegacyDefinition reads the definition of a v2 or v1 bundle, which
// is models.Definition as encoding/json wrote it.
func readLegacyDefinition(d models.Definition) (models.Definition, models.Definition) {
	return d, d
}
