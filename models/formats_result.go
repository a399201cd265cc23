package models

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// MemberResult is a counted election's result as members read it: ssh
// HOST results ELECTION --json. It is the result report (tally's
// Result.JSON, candidates by name) with keys added for scripts: the
// election's id and title, when it was counted, its turnout, and the
// candidates' and winners' ids beside their names.
type MemberResult struct {
	Election  string    `json:"election"`
	Title     string    `json:"title"`
	CountedAt time.Time `json:"counted_at"`
	Turnout   struct {
		Voted      int `json:"voted"`
		Electorate int `json:"electorate"`
	} `json:"turnout"`
	// CandidateIDs holds the id of each name in the report's candidates,
	// in the same order; ElectedIDs the ids of its elected.
	CandidateIDs []string `json:"candidate_ids"`
	ElectedIDs   []string `json:"elected_ids"`
	// report is the result report the keys above are added to.
	report json.RawMessage
}

// NewMemberResult is e's stored result for a member.
func NewMemberResult(e MemberElection, res StoredResult) (MemberResult, error) {
	if res.Result == nil {
		return MemberResult{}, fmt.Errorf("election %s has no stored result", e.ID)
	}
	report, err := res.Result.JSON()
	if err != nil {
		return MemberResult{}, err
	}
	v := MemberResult{Election: e.ID, Title: e.Title, CountedAt: res.CountedAt.UTC(), report: report,
		CandidateIDs: make([]string, len(res.Result.Candidates)), ElectedIDs: make([]string, len(res.Result.Elected))}
	v.Turnout.Voted, v.Turnout.Electorate = e.Turnout.Voted, e.Turnout.Electorate
	for i, c := range res.Result.Candidates {
		v.CandidateIDs[i] = c.ID
	}
	for i, c := range res.Result.Elected {
		v.ElectedIDs[i] = res.Result.Candidates[c].ID
	}
	return v, nil
}

// MarshalJSON writes the report's keys, in its order, then the added ones.
func (v MemberResult) MarshalJSON() ([]byte, error) {
	type added MemberResult // without this method
	extra, err := json.Marshal(added(v))
	if err != nil {
		return nil, err
	}
	report := bytes.TrimSpace(v.report)
	if !json.Valid(report) || len(report) < 2 || report[0] != '{' {
		return nil, errors.New("the result report is not a JSON object")
	}
	if bytes.Equal(bytes.Join(bytes.Fields(report), nil), []byte("{}")) {
		return extra, nil
	}
	out := append([]byte{}, report[:len(report)-1]...)
	out = append(append(out, ','), extra[1:]...)
	return out, nil
}
