package booth

import "testing"

// A choice's label reads as the middle of the prompt's sentence in every
// language: its first letter lowered, a multibyte one whole.
func TestLowerFirstInEveryLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"Vote: rank the candidates": "vote: rank the candidates",
		"Ver los resultados":        "ver los resultados",
		"Élire":                     "élire",
		"結果を見る":                     "結果を見る",
		"":                          "",
	} {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}
