package models

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// edKeys are n fresh ssh-ed25519 public keys with comments.
func edKeys(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	for i := range n {
		pub, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		k, err := ssh.NewPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))+fmt.Sprintf(" trustee%d@example.org", i+1))
	}
	return out
}

func tomlList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

func TestDefinitionTrustees(t *testing.T) {
	keys := edKeys(t, 3)
	src := defHead + "[trustees]\nthreshold = 3\nkeys = " + tomlList(keys[:2]) + "\nmembers = [\"carol\", \"dave\"]\n" + defThree
	d, err := ParseDefinition("e.toml", []byte(src), defNoFiles)
	if err != nil {
		t.Fatal(err)
	}
	tr := d.Trustees
	if tr == nil || tr.Threshold != 3 || len(tr.Keys) != 4 || !slices.Equal(tr.Members, []string{"", "", "carol", "dave"}) {
		t.Fatalf("trustees read as %+v", tr)
	}
	if strings.Contains(tr.Keys[0], "trustee1@") || !strings.HasPrefix(tr.Keys[0], "ssh-ed25519 ") {
		t.Errorf("a trustee key is kept as %q, want the key without its comment", tr.Keys[0])
	}
	plain, err := ParseDefinition("e.toml", []byte(defHead+defThree), defNoFiles)
	if err != nil {
		t.Fatal(err)
	}
	if plain.Trustees != nil {
		t.Fatal("a definition without [trustees] has trustees")
	}
	if d.Fingerprint() == plain.Fingerprint() {
		t.Error("the trustees are not part of the fingerprint")
	}
}

func TestDefinitionTrusteesProblems(t *testing.T) {
	keys := edKeys(t, 3)
	two := tomlList(keys[:2])
	tests := []struct {
		name, src string
		want      []defWant
	}{
		{"no threshold", "[trustees]\nkeys = " + two + "\n", []defWant{{7, "trustees.threshold is missing"}}},
		{"threshold above n", "[trustees]\nthreshold = 3\nkeys = " + two + "\n", []defWant{{7, "threshold 3 with 2 trustees: it must be between 1 and 2"}}},
		{"threshold 1", "[trustees]\nthreshold = 1\nkeys = " + two + "\n", []defWant{{7, "lets any one of them open every ballot alone"}}},
		{"one trustee", "[trustees]\nthreshold = 1\nkeys = " + tomlList(keys[:1]) + "\n", []defWant{{7, "1 trustees: name at least two"}}},
		{"key twice", "[trustees]\nthreshold = 2\nkeys = " + tomlList([]string{keys[0], keys[1], keys[0]}) + "\n", []defWant{{9, "trustee key 3 is listed twice"}}},
		{"not a key", "[trustees]\nthreshold = 2\nkeys = [\"hello\", " + fmt.Sprintf("%q", keys[0]) + "]\n", []defWant{{7, "1 trustees"}, {9, "trustee key 1: not an SSH public key"}}},
		{"ecdsa key", "[trustees]\nthreshold = 2\nkeys = " + tomlList([]string{defECDSAKey, keys[0], keys[1]}) + "\n", []defWant{{9, "cannot seal ballots"}}},
		{"member twice", "[trustees]\nthreshold = 2\nmembers = [\"ann\", \"ann\", \"bob\"]\n", []defWant{{9, "trustee member ann is listed twice"}}},
		{"unknown key", "[trustees]\nthreshold = 2\nkeys = " + two + "\nk = 3\n", []defWant{{10, "unknown"}}},
		{"with recipients", "recipients = [\"" + defEdKey + "\"]\n[trustees]\nthreshold = 2\nkeys = " + two + "\n", []defWant{{8, "remove recipients"}}},
		{"keys not a list", "[trustees]\nthreshold = 2\nkeys = \"x\"\n", []defWant{{7, "0 trustees"}, {9, "trustees.keys must be a list"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDefinition("e.toml", []byte(defHead+tt.src+defThree), defNoFiles)
			checkDefProblems(t, err, "e.toml", tt.want)
		})
	}
}
