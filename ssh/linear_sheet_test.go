package ssh

import (
	"regexp"
	"strings"
	"testing"
)

// A counted STV election's result in linear mode in Japanese, read as a
// teletype reads it: the sheet's labels, rounds, notes and ties are in
// Japanese, nothing is redrawn or printed twice, and no English of the
// count is left.
func TestLinearResultsInJapanese(t *testing.T) {
	e := newTestEnv(t, nil)
	stv, _, _ := sheetElections(e)
	tt := e.teletypeSession(t, "ada", "dumb", map[string]string{"LANG": "ja_JP.UTF-8"}, "")
	re := regexp.MustCompile(`(?m)^(\d+)\. Sheet ` + stv + `。`)
	var m []string
	if !eventually(func() bool { m = re.FindStringSubmatch(tt.out.String()); return m != nil }) {
		t.Fatalf("no election Sheet %s in the list:\n%s", stv, tt.out.String())
	}
	tt.answer("選挙の番号", m[1])
	tt.expect("終了し開票済みです。結果を見られます。")
	tt.answer("入力: 1 ", "1")
	tt.expect("Sheet " + stv + " の結果（開票 ")
	for _, want := range []string{"方式:           スコットランド式STV", "各ラウンド", "山田 太郎 の余剰票を移譲", "Bert Example を除外",
		"第 1 段階で Bert Example", "の得票（2.00000）が最少: 除外", "残っている候補者が残りの議席を埋めます"} {
		tt.expect(want)
	}
	tt.expect("Sheet " + stv + " の結果はここまでです。")
	tt.answer("入力: 1 ", "back")
	tt.answer("選挙の番号", "quit")
	tt.wait()
	start := strings.Index(tt.transcript(), "の結果（開票")
	end := strings.Index(tt.transcript(), "の結果はここまでです。")
	if start < 0 || end < start {
		t.Fatalf("no result in the transcript:\n%s", tt.transcript())
	}
	if words := englishWords.FindAllString(tt.transcript()[start:end], -1); words != nil {
		t.Errorf("the Japanese result says %q in English:\n%s", words, tt.transcript()[start:end])
	}
}
