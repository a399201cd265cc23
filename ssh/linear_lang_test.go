package ssh

import (
	"regexp"
	"strings"
	"testing"

	"vote.example.org/booth/models"
	"vote.example.org/booth/tally"
)

// A full vote in linear mode in Japanese (the client's LANG), read as a
// teletype reads it: the same checks as in English (no cursor movement,
// no line printed twice), every prompt and explanation in Japanese, and
// the words typed (help, back, cast) the same as in English.
func TestLinearJapanese(t *testing.T) {
	e := newTestEnv(t, nil)
	ids := methodElections(e)
	id, title := ids[tally.Schulze], "Election by schulze"
	tt := e.teletypeSession(t, "ada", "dumb", map[string]string{"LANG": "ja_JP.UTF-8"}, "")
	tt.expect("投票ブース、リニアモード")
	tt.expect("としてサインインしました。")
	re := regexp.MustCompile(`(?m)^(\d+)\. ` + regexp.QuoteMeta(title) + `。`)
	var m []string
	if !eventually(func() bool { m = re.FindStringSubmatch(tt.out.String()); return m != nil }) {
		t.Fatalf("no election %q in the list:\n%s", title, tt.out.String())
	}
	tt.answer("選挙の番号（1 から 7）、または list", m[1])
	tt.expect("選挙: " + title)
	tt.expect("方式: ")
	tt.expect(title + " の説明:")
	tt.expect("because the bylaws say so")
	tt.expect(title + " の説明はここまでです。")
	tt.expect("候補者（3 名）。あなたに表示される順の番号です:")
	tt.answer("入力: 1 ", "2")
	tt.answer("所信表明を読む番号（1 から 3）", "1")
	tt.expect("I am Alma and I stand for schulze")
	tt.expect("の所信表明はここまでです。")
	tt.answer("入力: 1 ", "1")
	tt.answer("あなたの順位", "help")
	tt.expect("同順位にするには = でつなぎます")
	tt.expect("どの質問でも、help で説明、back で戻る、quit でブースを出ます。")
	tt.answer("あなたの順位", "7")
	tt.expect("番号 7 はありません。番号は 1 から 3 までです")
	tt.answer("あなたの順位", "2 1")
	tt.expect("でのあなたの票。読み上げます:")
	if box, _ := e.ballots(id); box != 0 {
		t.Fatal("a ballot was stored before cast was typed")
	}
	tt.answer("この票を投じるには cast、変更するには back と入力", "cast")
	tt.expect("投票しました。受領番号は次のとおりです（表示はこの一度だけです）:")
	var r string
	if !eventually(func() bool {
		rest := strings.TrimLeft(tt.out.String()[tt.read:], "\r\n")
		line, _, ok := strings.Cut(rest, "\r\n")
		r = line
		return ok
	}) {
		t.Fatal("no receipt line")
	}
	if _, err := models.NormalizeReceipt(r); err != nil {
		t.Fatalf("the receipt line %q: %v", r, err)
	}
	tt.expect("一文字ずつ: ")
	tt.expect("今書き留めるかコピーしてください。")
	if box, voted := e.ballots(id); box != 1 || voted != 1 {
		t.Fatalf("after cast: %d ballots, %d voted, want 1 and 1", box, voted)
	}
	tt.answer("入力: 1 ", "back")
	tt.answer("選挙の番号", "quit")
	tt.expect("さようなら。")
	tt.wait()
	// Nothing of the dialogue's own text is left in English.
	for _, en := range []string{"Election number", "Type 1", "Your ranking", "Your ballot", "Goodbye", "receipt"} {
		if strings.Contains(tt.transcript(), en) {
			t.Errorf("the Japanese dialogue says %q:\n%s", en, tt.transcript())
		}
	}
}

// A member who chose Japanese (set lang ja) on a client whose locale
// allows only ASCII (LANG=C) gets linear mode in English: Japanese would
// arrive as question marks. Not one byte at or above 0x80 is sent.
func TestLinearJapaneseOnASCII(t *testing.T) {
	e := newTestEnv(t, nil)
	if out, errOut, code := e.run("ada", "set lang ja", ""); code != 0 {
		t.Fatalf("set lang ja: %s %s", out, errOut)
	}
	tt := e.teletypeSession(t, "ada", "dumb", map[string]string{"LANG": "C"}, "")
	tt.expect("Voting booth, linear mode")
	tt.answer("Election number", "quit")
	tt.expect("Goodbye.")
	tt.wait()
	for i, b := range []byte(tt.transcript()) {
		if b >= 0x80 {
			t.Fatalf("byte %#x at %d with LANG=C:\n%s", b, i, tt.transcript())
		}
	}
	// Spanish loses only its accents there, and stays Spanish.
	if out, errOut, code := e.run("ada", "set lang es", ""); code != 0 {
		t.Fatalf("set lang es: %s %s", out, errOut)
	}
	tt = e.teletypeSession(t, "ada", "dumb", map[string]string{"LANG": "C"}, "")
	tt.expect("Cabina de votacion, modo lineal")
	tt.answer("Numero de eleccion", "quit")
	tt.expect("Adios.")
	tt.wait()
}
