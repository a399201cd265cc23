package ssh

import (
	"strings"
	"testing"

	"vote.example.org/booth/models"
)

// The commands for voting without a terminal speak the member's
// language: show's labels, ballot's comments, the reading of a ballot,
// the dry run's note, replace's and cast's refusals, whoami's standing.
// A Japanese template cast unchanged but for the ranking is accepted.
func TestBallotCommandsInJapanese(t *testing.T) {
	e := newTestEnv(t, nil)
	d := testDefinition("b26", "Board 2026")
	d.Candidates[0].Statement = "I stand for **honest** counting."
	e.openElection(d)
	ja := []string{"LANG=ja_JP.UTF-8"}

	out, _, code := e.runIn("ada", ja, "show b26", "")
	for _, want := range []string{"選挙: b26（受付中）", "方式: ", "開始: ", "締切: ", "あなた: 未投票", "候補者（ID、名前）:", "'ssh HOST ballot b26' で記入用の投票用紙を取得できます。"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("show in Japanese (exit %d) lacks %q:\n%s", code, want, out)
		}
	}

	tmpl, _, code := e.runIn("ada", ja, "ballot b26", "")
	if code != 0 || !strings.Contains(tmpl, "# b26 の投票用紙: Board 2026\n") || !strings.Contains(tmpl, "# この行の下に投票内容を書いてください。\n") {
		t.Fatalf("ballot in Japanese (exit %d):\n%s", code, tmpl)
	}
	for _, l := range strings.Split(strings.TrimRight(tmpl, "\n"), "\n") {
		if !strings.HasPrefix(l, "#") {
			t.Errorf("the template has a line that is not a comment: %q", l)
		}
	}

	out, _, code = e.runIn("ada", ja, "cast b26 --dry-run", tmpl+"bert\nalma\n")
	if code != 0 || !strings.Contains(out, "あなたの票は次のように読み取られました:") || !strings.Contains(out, "何も保存されていません（試行です）。") {
		t.Errorf("cast --dry-run in Japanese (exit %d):\n%s", code, out)
	}
	if box, _ := e.ballots("b26"); box != 0 {
		t.Fatal("a dry run stored a ballot")
	}
	out, errOut, code := e.runIn("ada", ja, "cast b26", tmpl+"bert\nalma\n")
	if code != 0 || !strings.Contains(errOut, "あなたの票は次のように読み取られました:") {
		t.Fatalf("cast of the Japanese template (exit %d): %q %q", code, out, errOut)
	}
	if _, err := models.NormalizeReceipt(strings.TrimSpace(out)); err != nil {
		t.Errorf("cast printed %q, not a receipt: %v", out, err)
	}
	_, errOut, code = e.runIn("ada", ja, "cast b26", "alma\n")
	if code != 1 || !strings.Contains(errOut, "b26 ではすでに投票済みです") {
		t.Errorf("a second cast in Japanese (exit %d): %q", code, errOut)
	}
}

// The commands' refusals, whoami's standing and set's refusals in the
// member's language.
func TestCommandRefusalsInJapanese(t *testing.T) {
	e := newTestEnv(t, nil)
	e.openElection(testDefinition("b26", "Board 2026"))
	ja := []string{"LANG=ja_JP.UTF-8"}
	_, errOut, code := e.runIn("ada", ja, "replace b26", "AAAA-BBBB\nalma\n")
	if code != 1 || !strings.Contains(errOut, "b26 では投票のやり直しはできません") {
		t.Errorf("replace where it is not allowed, in Japanese (exit %d): %q", code, errOut)
	}
	_, errOut, code = e.runIn("ada", ja, "show nope", "")
	if code != 1 || !strings.Contains(errOut, `あなたが名簿に載っている選挙に "nope" はありません`) {
		t.Errorf("show of an election not on the roll, in Japanese (exit %d): %q", code, errOut)
	}

	out, _, code := e.runIn("ken", ja, "whoami", "")
	// The three lines scripts read stay as they are; the standing and the
	// settings are in words.
	if code != 0 || !strings.HasPrefix(out, "member  ken\n") || !strings.Contains(out, "standing: 有効") || !strings.Contains(out, "lang    auto（クライアントのロケールから。現在は ja）") {
		t.Errorf("whoami in Japanese (exit %d):\n%s", code, out)
	}
	_, errOut, _ = e.runIn("ken", []string{"LANG=es_ES.UTF-8"}, "set plain maybe", "")
	if !strings.Contains(errOut, `plain es on u off, no "maybe"`) {
		t.Errorf("set's refusal in Spanish: %q", errOut)
	}
}
