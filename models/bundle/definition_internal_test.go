package bundle

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// fullDefinition sets every field of a definition, in every nested type,
// to a value that is not zero.
func fullDefinition() models.Definition {
	at := time.Date(2026, 11, 3, 4, 39, 30, 123456789, time.UTC)
	return models.Definition{
		ID: "id", Title: "T <&> \u00e9", Description: "d", Method: tally.Schulze, Seats: 2,
		Candidates: []models.Candidate{{ID: "a", Name: "A", Affiliation: "x", Statement: "s"}},
		FixedOrder: true, OpensAt: at, ClosesAt: at.Add(time.Hour), AllowReplace: true, PublishLedger: true,
		Quorum:        models.QuorumRule{Percent: 50, Extend: 72*time.Hour + time.Nanosecond},
		DefaultOption: "a", OptionQuorum: 3, Majority: tally.Ratio{Num: 3, Den: 1}, PassRatio: tally.Ratio{Num: 2, Den: 3},
		MaxChoices: 1, TieSeed: "seed", JoinedBefore: at.Add(-time.Hour), Recipients: []string{"ssh-ed25519 AAAA"},
		Trustees:  &models.Trustees{Threshold: 2, Keys: []string{"ssh-ed25519 AAAB"}, Members: []string{"m"}, Recipient: "ssh-ed25519 AAAC", Commitments: []string{"c"}},
		MemberFor: 90 * 24 * time.Hour,
		Nominations: &models.NominationRules{Opens: at.Add(-72 * time.Hour), Closes: at.Add(-48 * time.Hour), Supporters: 2, Self: true,
			NomineeMemberFor: 91 * 24 * time.Hour, NominatorInGoodStanding: true, MaxPerNominator: 3, PublishNominators: true, Closed: true},
		Translations: map[string]models.Translation{"ja": {Title: "題", Description: "説明", Statements: map[string]string{"a": "声明"}}},
		Notices:      models.NoticeSchedule{Announce: true, Remind: []time.Duration{48 * time.Hour, time.Hour + time.Nanosecond}, RemindUntilQuorum: 72 * time.Hour, Results: true},
	}
}

// nonZero fails the test for every field under v (through structs and
// list elements, stopping at times) that is zero.
func nonZero(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	if v.IsZero() {
		t.Errorf("fullDefinition leaves %s zero: set it, and give definitionRecord the field", path)
		return
	}
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			nonZero(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case v.Kind() == reflect.Slice:
		for i := range v.Len() {
			nonZero(t, v.Index(i), path+"[]")
		}
	}
}

// A v3 bundle's definition must carry every field of models.Definition
// and of the types it holds, or the fingerprint recomputed from a bundle
// would not be the one recorded at the opening. Candidate and tally.Ratio
// are converted to their records, so the compiler checks those; this
// checks the rest.
func TestDefinitionRecordHoldsEveryField(t *testing.T) {
	d := fullDefinition()
	nonZero(t, reflect.ValueOf(d), "Definition")
	if got := newDefinitionRecord(d).definition(); !reflect.DeepEqual(got, d) {
		t.Errorf("a definition read back from its record is\n%+v\nwant\n%+v", got, d)
	}
	for _, tc := range []struct{ goType, record reflect.Type }{
		{reflect.TypeFor[models.Definition](), reflect.TypeFor[definitionRecord]()},
		{reflect.TypeFor[models.QuorumRule](), reflect.TypeFor[quorumRecord]()},
		{reflect.TypeFor[models.NominationRules](), reflect.TypeFor[nominationRulesRecord]()},
		{reflect.TypeFor[models.NoticeSchedule](), reflect.TypeFor[noticesRecord]()},
	} {
		if n, m := tc.goType.NumField(), tc.record.NumField(); n != m {
			t.Errorf("%v has %d fields, %v %d", tc.goType, n, tc.record, m)
		}
	}
}

// goName is the name of the Go field a definition record's key stands
// for, as docs/formats.md states the rule.
func goName(key string) string {
	switch key {
	case "id":
		return "ID"
	}
	// Periods are in nanoseconds: extend_ns is Extend.
	key = strings.TrimSuffix(key, "_ns")
	var b strings.Builder
	for w := range strings.SplitSeq(key, "_") {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// Renaming each key of a definition record to its Go field's name gives
// exactly the text the fingerprint hashes (docs/formats.md says so, so
// that anyone can recompute it without booth), and the definition read
// back from the record has the fingerprint of the one written, whatever
// the time zones it was written with.
func TestDefinitionRecordRenamedIsWhatTheFingerprintHashes(t *testing.T) {
	d := fullDefinition()
	zone := time.FixedZone("", 5*3600)
	d.OpensAt, d.ClosesAt, d.JoinedBefore = d.OpensAt.In(zone), d.ClosesAt.In(zone), d.JoinedBefore.In(zone)
	rec, err := json.Marshal(newDefinitionRecord(d))
	if err != nil {
		t.Fatal(err)
	}
	// The keys of the translations ("ja") and of their statements (the
	// candidate "a") are data, not field names: they stay as they are.
	renamed := regexp.MustCompile(`([{,])"([a-z_]+)":`).ReplaceAllStringFunc(string(rec), func(k string) string {
		if name := k[2 : len(k)-2]; name == "ja" || name == "a" {
			return k
		}
		return k[:2] + goName(k[2:len(k)-2]) + `":`
	})
	u := d
	u.OpensAt, u.ClosesAt, u.JoinedBefore = d.OpensAt.UTC(), d.ClosesAt.UTC(), d.JoinedBefore.UTC()
	want, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	if renamed != string(want) {
		t.Errorf("the record with Go's names is\n%s\nwant\n%s", renamed, want)
	}
	var back definitionRecord
	if err := json.Unmarshal(rec, &back); err != nil {
		t.Fatal(err)
	}
	if got, _ := readDefinition(back); got.Fingerprint() != d.Fingerprint() || d.Fingerprint() == "" {
		t.Errorf("the definition read back has the fingerprint %q, want %q", got.Fingerprint(), d.Fingerprint())
	}
}
