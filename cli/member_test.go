package cli

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// memberTestKey returns a new Ed25519 public key line and its fingerprint.
func memberTestKey(t *testing.T, comment string) (line, fingerprint string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(k)), "\n") + " " + comment, ssh.FingerprintSHA256(k)
}

// memberJSONOut is what member list --json and show --json print.
type memberJSONOut struct {
	ID, Name, Email, Status string
	Joined                  string
	Keys                    []struct{ Fingerprint, Type, Public, Comment string }
}

func listMembers(t *testing.T, data string) []memberJSONOut {
	t.Helper()
	code, out, errOut := booth(t, "", "--data", data, "member", "list", "--json")
	if code != 0 {
		t.Fatalf("member list: exit %d: %s", code, errOut)
	}
	var ms []memberJSONOut
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatalf("member list --json: %v\n%s", err, out)
	}
	return ms
}

// Needs the SQLite store.
func TestMemberImportListShow(t *testing.T) {
	data := t.TempDir()
	a1, fpA1 := memberTestKey(t, "alice@laptop")
	a2, _ := memberTestKey(t, "alice@desktop")
	b, _ := memberTestKey(t, "")
	c, _ := memberTestKey(t, "")
	file := writeFile(t, "members.csv", "\ufeffid,name,email,key\r\n# the board\r\nalice,\"Liddell, Alice\",alice@example.org,"+a1+
		"\r\nalice,\"Liddell, Alice\",alice@example.org,"+a2+"\r\n\r\nbob,Bob Ó Briain,,"+b+"\r\ncarol,Carol,,"+c+"\r\n")
	code, out, errOut := booth(t, "", "--data", data, "member", "import", file)
	if code != 0 || out != "imported 3 members with 4 keys\n" {
		t.Fatalf("import: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	ms := listMembers(t, data)
	if len(ms) != 3 || ms[0].ID != "alice" || ms[0].Name != "Liddell, Alice" || ms[0].Email != "alice@example.org" ||
		ms[0].Status != "active" || len(ms[0].Keys) != 2 || ms[1].ID != "bob" || ms[2].Status != "active" || !strings.HasSuffix(ms[0].Joined, "Z") {
		t.Errorf("list --json: %+v", ms)
	}
	_, out, _ = booth(t, "", "--data", data, "member", "list")
	for _, want := range []string{"ID     NAME            STATUS  STANDING  UNTIL  KEYS\n", "alice  Liddell, Alice  active  good      -      2\n", "bob    Bob Ó Briain"} {
		if !strings.Contains(out, want) {
			t.Errorf("list: missing %q in\n%s", want, out)
		}
	}
	code, out, _ = booth(t, "", "--data", data, "member", "show", "alice")
	if code != 0 || !strings.Contains(out, "Name:      Liddell, Alice\n") || !strings.Contains(out, fpA1+"  ssh-ed25519  alice@laptop") || !strings.Contains(out, "Keys:      2\n") || !strings.Contains(out, "Standing:  good\n") {
		t.Errorf("show: exit %d\n%s", code, out)
	}
	_, out, _ = booth(t, "", "--data", data, "member", "show", "--json", "bob")
	var m memberJSONOut
	if err := json.Unmarshal([]byte(out), &m); err != nil || m.ID != "bob" || len(m.Keys) != 1 || m.Keys[0].Public+" " != b {
		t.Errorf("show --json: %v %+v", err, m)
	}
}

// Needs the SQLite store.
func TestMemberAddStatusAndKeys(t *testing.T) {
	data := t.TempDir()
	k1, fp1 := memberTestKey(t, "one")
	k2, fp2 := memberTestKey(t, "two")
	k3, fp3 := memberTestKey(t, "three")
	keys := writeFile(t, "dana.pub", "# Dana's keys\n"+k1+"\r\n"+k2+"\n")
	code, out, errOut := booth(t, "", "--data", data, "member", "add", "dana", "--name", "Dana Scully", "--email", "dana@example.org", "--key", keys)
	if code != 0 || out != "added member dana (Dana Scully) with 2 keys\n" {
		t.Fatalf("add: exit %d, %q, %q", code, out, errOut)
	}
	code, out, errOut = booth(t, k3+"\n", "--data", data, "member", "key", "add", "dana", "--key", "-")
	if code != 0 || out != "added 1 key to member dana\n" {
		t.Fatalf("key add: exit %d, %q, %q", code, out, errOut)
	}
	code, out, errOut = booth(t, "", "--data", data, "member", "key", "remove", "dana", strings.TrimPrefix(fp2, "SHA256:"))
	if code != 0 || out != "removed key "+fp2+" from member dana\n" {
		t.Fatalf("key remove: exit %d, %q, %q", code, out, errOut)
	}
	ms := listMembers(t, data)
	if len(ms) != 1 || len(ms[0].Keys) != 2 || !hasKey(ms[0], fp1) || !hasKey(ms[0], fp3) || hasKey(ms[0], fp2) {
		t.Errorf("after key add and remove: %+v", ms)
	}
	for _, step := range []struct{ verb, status, out string }{
		{"suspend", "suspended", "member dana (Dana Scully) suspended: now suspended\n"},
		{"reinstate", "active", "member dana (Dana Scully) reinstated: now active\n"},
		{"remove", "removed", "member dana (Dana Scully) removed: now removed\n"},
	} {
		code, out, errOut := booth(t, "", "--data", data, "member", step.verb, "dana")
		if code != 0 || out != step.out {
			t.Errorf("%s: exit %d, %q, %q", step.verb, code, out, errOut)
		}
		if got := listMembers(t, data)[0].Status; got != step.status {
			t.Errorf("after %s: status %s", step.verb, got)
		}
	}
	code, _, errOut = booth(t, "", "--data", data, "member", "suspend", "dana")
	if code != 1 || errOut != "booth member suspend: member dana is removed and cannot be suspended: reinstate them first\n" {
		t.Errorf("suspend a removed member: exit %d, %q", code, errOut)
	}
	code, _, errOut = booth(t, "", "--data", data, "member", "remove", "dana")
	if code != 1 || errOut != "booth member remove: member dana is already removed\n" {
		t.Errorf("remove twice: exit %d, %q", code, errOut)
	}
}

func hasKey(m memberJSONOut, fp string) bool {
	for _, k := range m.Keys {
		if k.Fingerprint == fp {
			return true
		}
	}
	return false
}

// A key registered to a member cannot be imported or added for another;
// the import is refused whole and names the holder and the line. Needs the
// SQLite store.
func TestMemberDuplicateKeyRefused(t *testing.T) {
	data := t.TempDir()
	a, fpA := memberTestKey(t, "")
	b, _ := memberTestKey(t, "")
	if code, _, errOut := booth(t, "", "--data", data, "member", "import", writeFile(t, "one.csv", "id,name,key\nann,Ann,"+a+"\n")); code != 0 {
		t.Fatalf("first import: %s", errOut)
	}
	second := writeFile(t, "two.toml", "[[member]]\nid = \"bea\"\nname = \"Bea\"\nkeys = [\""+b+"\"]\n\n[[member]]\nid = \"cy\"\nname = \"Cy\"\nkeys = [\n  \""+a+"\",\n]\n")
	code, out, errOut := booth(t, "", "--data", data, "member", "import", second)
	want := "booth member import: " + second + ":10: member cy: key " + fpA + " is already registered to member ann (\"Ann\"): a key belongs to one member; ask them for another key (nothing was imported)\n"
	if code != 1 || out != "" || errOut != want {
		t.Errorf("import of a taken key: exit %d, stdout %q\nstderr %q\nwant   %q", code, out, errOut, want)
	}
	if ms := listMembers(t, data); len(ms) != 1 {
		t.Errorf("a refused import added members: %+v", ms)
	}
	code, _, errOut = booth(t, a+"\n", "--data", data, "member", "add", "dee", "--name", "Dee", "--key", "-")
	if code != 1 || !strings.Contains(errOut, "is already registered to member ann") {
		t.Errorf("add with a taken key: exit %d, %q", code, errOut)
	}
	code, _, errOut = booth(t, a+"\n", "--data", data, "member", "key", "add", "ann", "--key", "-")
	if code != 1 || !strings.Contains(errOut, "key "+fpA+" is already registered to member ann") {
		t.Errorf("adding ann's own key again: exit %d, %q", code, errOut)
	}
	code, _, errOut = booth(t, "", "--data", data, "member", "import", writeFile(t, "again.csv", "id,name,key\nann,Ann,"+b+"\n"))
	if code != 1 || !strings.Contains(errOut, "again.csv:2: member ann is already registered") {
		t.Errorf("importing a registered member: exit %d, %q", code, errOut)
	}
}

// Refusals that need no store: they are found before it is opened.
func TestMemberFileErrors(t *testing.T) {
	data := t.TempDir()
	k1, _ := memberTestKey(t, "")
	k2, _ := memberTestKey(t, "")
	k3, _ := memberTestKey(t, "")
	bad := writeFile(t, "bad.csv", "id,name,email,key\nAnn,Ann,,"+k1+"\nbob,\"Bob\x1b[2J\",,"+k2+"\ncy,Cy,,\"command=\"\"ls\"\" "+k3+"\"\n")
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string // stderr, with FILE for bad's path
	}{
		{"import with every problem", "", []string{"member", "import", bad}, "booth member import: 3 problems in FILE, nothing was imported:\n" +
			"FILE:2: member id \"Ann\" has upper-case letters: write it in lower case (a member id is 1–64 characters of a–z, 0–9, '.', '_' and '-', starting with a letter or digit)\n" +
			"FILE:3: member name contains the escape character U+001B at character 4: remove it\n" +
			"FILE:4: member cy: authorized_keys options (command=\"ls\") are not allowed: give the key alone, starting with its type (ssh-ed25519)\n"},
		{"import a missing file", "", []string{"member", "import", "/nonexistent/m.csv"}, "booth member import: open /nonexistent/m.csv: no such file or directory\n"},
		{"add without a key", "", []string{"member", "add", "ann", "--name", "Ann"}, "booth member add: --key is required: give the member's public key file (such as id_ed25519.pub), or - to read it from standard input\n"},
		{"add without a name", "", []string{"member", "add", "ann", "--key", "-"}, "booth member add: --name is required: the member's name as voters and officers should see it\n"},
		{"add a bad id", "", []string{"member", "add", "_ann", "--name", "Ann", "--key", "-"}, "booth member add: member id \"_ann\" contains '_': a member id is"},
		{"add a bidi name", "", []string{"member", "add", "ann", "--name", "Ann\u202e", "--key", "-"}, "booth member add: --name: member name contains the bidirectional control U+202E at character 4: remove it\n"},
		{"add a bad email", "", []string{"member", "add", "ann", "--name", "Ann", "--email", "ann", "--key", "-"}, "booth member add: --email: e-mail address \"ann\" is not of the form name@example.org\n"},
		{"add a weak key", "# mine\nssh-dss AAAAB3NzaC1kc3MAAACBAP1\n", []string{"member", "add", "ann", "--name", "Ann", "--key", "-"}, "booth member add: stdin:2: DSA (ssh-dss) keys are weak and refused: make a new key with 'ssh-keygen -t ed25519' and give its .pub file (nothing was registered)\n"},
		{"add an empty key file", "\n# nothing\n", []string{"member", "add", "ann", "--name", "Ann", "--key", "-"}, "booth member add: stdin: no key found: give a line like 'ssh-ed25519 AAAA… comment' (nothing was registered)\n"},
		{"key add a missing file", "", []string{"member", "key", "add", "ann", "--key", "/nonexistent/k.pub"}, "booth member key add: --key: open /nonexistent/k.pub: no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := booth(t, tt.stdin, append([]string{"--data", data}, tt.args...)...)
			want := strings.ReplaceAll(tt.want, "FILE", bad)
			if code != 1 || out != "" || !strings.HasPrefix(errOut, want) {
				t.Errorf("exit %d, stdout %q\nstderr %q\nwant   %q", code, out, errOut, want)
			}
		})
	}
}

// Unknown members and keys are explained. Needs the SQLite store.
func TestMemberUnknown(t *testing.T) {
	data := t.TempDir()
	k, _ := memberTestKey(t, "")
	if code, _, errOut := booth(t, k, "--data", data, "member", "add", "ann", "--name", "Ann", "--key", "-"); code != 0 {
		t.Fatal(errOut)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"show", "zed"}, "booth member show: no member \"zed\": see 'booth member list' for the ids\n"},
		{[]string{"suspend", "zed"}, "booth member suspend: no member \"zed\""},
		{[]string{"reinstate", "ann"}, "booth member reinstate: member ann is already active\n"},
		{[]string{"key", "remove", "ann", "SHA256:nope"}, "booth member key remove: member ann has no key \"SHA256:nope\": see 'booth member show ann' for their keys' fingerprints\n"},
		{[]string{"key", "add", "zed", "--key", "-"}, "booth member key add: no member \"zed\""},
		{[]string{"add", "ann", "--name", "Ann", "--key", "-"}, "booth member add: member ann: already exists: choose another id, or add a key with 'booth member key add'\n"},
	} {
		stdin := ""
		if tt.args[len(tt.args)-1] == "-" {
			stdin, _ = memberTestKey(t, "")
		}
		code, _, errOut := booth(t, stdin, append([]string{"--data", data, "member"}, tt.args...)...)
		if code != 1 || !strings.HasPrefix(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tt.args, code, errOut, tt.want)
		}
	}
}
