package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"

	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/trustee"
	"vote.example.org/booth/tally"
)

// Trustees are the people of an election who, any Threshold of them
// together, can open its ballots (models/trustee). They are named in the
// definition by SSH key or by member id; creating the election fills in
// the keys of members, the sealing key and the commitments, so all of
// them are part of the fingerprint.
type Trustees struct {
	Threshold int
	// Keys are the trustees' SSH public keys, authorized_keys form without
	// comment; trustee i holds share i+1. Members[i] is the member named
	// instead of a key, "" for a key named directly.
	Keys    []string
	Members []string
	// Recipient is the public key ballots are sealed to; Commitments check
	// each share (set by CreateElection).
	Recipient   string
	Commitments []string
}

// Name is how messages name trustee i (0-based): the member, or the key's
// fingerprint.
func (t *Trustees) Name(i int) string {
	fp := ""
	if k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(t.Keys[i])); err == nil {
		fp = ssh.FingerprintSHA256(k)
	}
	if t.Members[i] != "" {
		return t.Members[i] + ", " + fp
	}
	return fp
}

// checker is what releases are checked against for the election e.
func (t *Trustees) checker(e Election) trustee.Election {
	names := make([]string, len(t.Keys))
	for i := range names {
		names[i] = t.Name(i)
	}
	return trustee.Election{ID: e.ID, Fingerprint: e.Fingerprint, Threshold: t.Threshold, Keys: t.Keys, Names: names,
		Recipient: t.Recipient, Commitments: t.Commitments}
}

// CountSession is a trustee count: its one-time key (age1…), to which
// trustees release their shares, and the releases its count used.
type CountSession struct {
	Key        string
	State      CountSessionState
	StartedAt  time.Time
	FinishedAt time.Time // zero while open
	Releases   []UsedRelease
}

// CountSessionState is where a count session stands.
type CountSessionState string

// A session is open until the results are published with its releases
// (finished), or a new session replaces it (abandoned).
const (
	SessionOpen      CountSessionState = "open"
	SessionFinished  CountSessionState = "finished"
	SessionAbandoned CountSessionState = "abandoned"
)

// UsedRelease is a release a count used: its signed statement and the
// signature, which the results bundle publishes. The share it carried is
// not kept.
type UsedRelease struct {
	Index     int
	Trustee   string // the key's SHA256 fingerprint
	Statement string
	Signature string
}

// createTrusteeElection resolves the trustees named by member id to their
// registered key, splits the sealing key among them and stores the
// election with the sealed shares. No secret leaves this function.
func (s *Service) createTrusteeElection(ctx context.Context, e Election, actor string) (Election, string, error) {
	t := *e.Trustees
	t.Keys, t.Members = slices.Clone(t.Keys), slices.Clone(t.Members)
	for i, id := range t.Members {
		if id == "" {
			continue
		}
		key, err := s.trusteeKey(ctx, id)
		if err != nil {
			return Election{}, "", fmt.Errorf("election %s: trustee %d: %w", e.ID, i+1, err)
		}
		if slices.Contains(t.Keys, key) {
			return Election{}, "", fmt.Errorf("election %s: trustee %d (member %s) has the key of another trustee; each trustee needs a key of their own", e.ID, i+1, id)
		}
		t.Keys[i] = key
	}
	setup, err := trustee.Split(e.ID, t.Threshold, t.Keys)
	if err != nil {
		return Election{}, "", fmt.Errorf("election %s: %w", e.ID, err)
	}
	t.Recipient, t.Commitments = setup.Recipient, setup.Commitments
	e.Trustees = &t
	e.Recipients = []string{setup.Recipient}
	e.SealedShares = setup.Sealed
	if err := s.store.CreateElection(ctx, e, actor); err != nil {
		return Election{}, "", err
	}
	msg := fmt.Sprintf("ballots of %s are sealed to a key split among %d trustees: any %d of them together can open them, fewer cannot; booth kept no copy of the key. Each trustee fetches their share with 'ssh HOST trustee share %s'",
		e.ID, len(t.Keys), t.Threshold, e.ID)
	return s.reload(ctx, e.ID, msg)
}

// trusteeKey is the one key a member named as trustee has registered that
// can hold a share (ssh-ed25519 or ssh-rsa).
func (s *Service) trusteeKey(ctx context.Context, memberID string) (string, error) {
	m, err := s.store.Member(ctx, memberID)
	if err != nil {
		return "", err
	}
	if m.Status != Active {
		return "", fmt.Errorf("member %s is %s; a trustee must be an active member", memberID, m.Status)
	}
	var keys []string
	for _, k := range m.Keys {
		if k.Type == ssh.KeyAlgoED25519 || k.Type == ssh.KeyAlgoRSA {
			keys = append(keys, k.Public)
		}
	}
	switch len(keys) {
	case 0:
		return "", fmt.Errorf("member %s has no ssh-ed25519 or ssh-rsa key to seal a share to; add one, or name the key in trustees.keys", memberID)
	case 1:
		return keys[0], checkRecipient(keys[0])
	}
	return "", fmt.Errorf("member %s has %d keys: name the one to hold the share in trustees.keys instead of the member id", memberID, len(keys))
}

// keepTrustees carries an election's trustees over to an edited
// definition, which must name the same trustees and threshold: the shares
// were made for them.
func keepTrustees(old Definition, d *Definition) error {
	if old.Trustees == nil && d.Trustees == nil {
		return nil
	}
	if old.Trustees == nil || d.Trustees == nil || old.Trustees.Threshold != d.Trustees.Threshold || !slices.Equal(old.Trustees.Members, d.Trustees.Members) {
		return fmt.Errorf("the trustees of election %s cannot change after it was created (the key was split among them); create a new election instead", d.ID)
	}
	for i, k := range d.Trustees.Keys {
		if old.Trustees.Members[i] == "" && k != old.Trustees.Keys[i] {
			return fmt.Errorf("the trustees of election %s cannot change after it was created (the key was split among them); create a new election instead", d.ID)
		}
	}
	d.Trustees = old.Trustees
	return nil
}

// trusteeElection is an election that has trustees, in a state whose
// fingerprint is recorded (open or later).
func (s *Service) trusteeElection(ctx context.Context, id string) (Election, error) {
	e, err := s.store.Election(ctx, id)
	if err != nil {
		return Election{}, err
	}
	if e.Trustees == nil {
		return Election{}, i18n.Errorf("election %s has no trustees: its ballots are sealed to a tally key or the officers' keys", id)
	}
	return e, nil
}

// TrusteeShare is the share file of the trustee holding the key with the
// fingerprint, for `ssh HOST trustee share ELECTION`; the fetch is
// audited. A share is handed out once the election is open, so that it
// names the fingerprint the release will be checked against.
func (s *Service) TrusteeShare(ctx context.Context, electionID, keyFingerprint, actor string) ([]byte, error) {
	e, err := s.trusteeElection(ctx, electionID)
	if err != nil {
		return nil, err
	}
	if e.State == Draft || e.Fingerprint == "" {
		return nil, i18n.Errorf("election %s is a draft: shares are handed out once it opens, so that they name its final definition", electionID)
	}
	t := e.Trustees
	i := -1
	for j, k := range t.Keys {
		if pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(k)); err == nil && ssh.FingerprintSHA256(pk) == keyFingerprint {
			i = j
		}
	}
	if i < 0 {
		return nil, i18n.Errorf("%w: the key you signed in with (%s) is not one of the trustees of election %s", ErrNotFound, keyFingerprint, electionID)
	}
	sealed, err := s.store.TrusteeShares(ctx, electionID)
	if err != nil {
		return nil, err
	}
	if len(sealed) != len(t.Keys) {
		return nil, fmt.Errorf("election %s has %d trustees but %d stored shares; check the database against its backups", electionID, len(t.Keys), len(sealed))
	}
	data, err := trustee.NewShareFile(e.ID, e.Fingerprint, i+1, len(t.Keys), t.Threshold, keyFingerprint, sealed[i]).Marshal()
	if err != nil {
		return nil, err
	}
	if err := s.store.Audit(ctx, actor, "trustee.share", AuditShareFetched(electionID, i+1, keyFingerprint)); err != nil {
		return nil, err
	}
	return data, nil
}

// CountSessionStart is a count session as the officer is told about it.
type CountSessionStart struct {
	Election Election
	Key      string // age1…: what trustees release to
	KeyFile  string
	// Resumed is an open session whose key file was still there.
	Resumed bool
}

// StartCountSession starts a trustee count of a closed election: a
// one-time key, whose private half is written to keyFile (0600; only a
// spent session key of this election is replaced there) and whose public
// half is stored and audited. The
// file is needed until the results are published and deleted then; an
// open session whose key file is still there is resumed, one whose file
// was lost is abandoned and replaced.
func (s *Service) StartCountSession(ctx context.Context, electionID, keyFile, actor string) (CountSessionStart, error) {
	e, err := s.trusteeElection(ctx, electionID)
	if err != nil {
		return CountSessionStart{}, err
	}
	if err := CheckCountSession(e); err != nil {
		return CountSessionStart{}, err
	}
	out := CountSessionStart{Election: e, KeyFile: keyFile}
	if open, ok, err := s.openSession(ctx, electionID); err != nil {
		return out, err
	} else if ok {
		if id, err := readSessionKey(keyFile); err == nil && id.Recipient().String() == open.Key {
			out.Key, out.Resumed = open.Key, true
			return out, nil
		}
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return out, fmt.Errorf("generating the count session key: %w", err)
	}
	if err := s.clearSpentSessionKey(ctx, electionID, keyFile); err != nil {
		return out, err
	}
	header := fmt.Sprintf("# booth count session key for election %s, session %s\n# created: %s\n# deleted when the results are published; with k releases it opens the ballots\n",
		electionID, id.Recipient(), time.Now().UTC().Format(time.RFC3339))
	if err := writeSecretFile(keyFile, header, id.String()); err != nil {
		return out, err
	}
	if err := s.store.StartCountSession(ctx, electionID, id.Recipient().String(), actor); err != nil {
		_ = os.Remove(keyFile)
		return out, err
	}
	out.Key = id.Recipient().String()
	return out, nil
}

// readSessionKey reads a count session's key file.
func readSessionKey(path string) (*age.X25519Identity, error) {
	ids, err := ReadIdentities(path)
	if err != nil {
		return nil, err
	}
	if len(ids) == 1 {
		if id, ok := ids[0].(*age.X25519Identity); ok {
			return id, nil
		}
	}
	return nil, fmt.Errorf("%s is not a count session key", path)
}

// clearSpentSessionKey removes the file at keyFile if it holds the key of
// an abandoned or finished count session of this election, which opens
// nothing any more. Any other file there (a tally key, another election's
// session key, anything) is refused, never deleted.
func (s *Service) clearSpentSessionKey(ctx context.Context, electionID, keyFile string) error {
	if _, err := os.Lstat(keyFile); errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("--session-key %s: %w", keyFile, err)
	}
	refuse := fmt.Errorf("%s holds another key; choose another --session-key (booth replaces only a spent count session key of election %s)", keyFile, electionID)
	id, err := readSessionKey(keyFile)
	if err != nil {
		return refuse
	}
	sessions, err := s.store.CountSessions(ctx, electionID)
	if err != nil {
		return err
	}
	for _, cs := range sessions {
		if cs.Key == id.Recipient().String() && cs.State != SessionOpen {
			return os.Remove(keyFile)
		}
	}
	return refuse
}

// holdsSessionKey says whether keyFile is there and holds the key of the
// session key (age1…); an absent file is (false, nil).
func holdsSessionKey(keyFile, key string) (bool, error) {
	if _, err := os.Lstat(keyFile); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	id, err := readSessionKey(keyFile)
	if err != nil || id.Recipient().String() != key {
		return false, fmt.Errorf("%s holds another key than the count session's (%s); choose another --session-key", keyFile, key)
	}
	return true, nil
}

// openSession is the election's open count session, if any.
func (s *Service) openSession(ctx context.Context, electionID string) (CountSession, bool, error) {
	sessions, err := s.store.CountSessions(ctx, electionID)
	if err != nil {
		return CountSession{}, false, err
	}
	for _, cs := range sessions {
		if cs.State == SessionOpen {
			return cs, true, nil
		}
	}
	return CountSession{}, false, nil
}

// ReleaseFile is a release as the officer hands it over: its file name,
// for messages, and its bytes.
type ReleaseFile struct {
	Name string
	Data []byte
}

// openWithTrustees checks the releases against the election's open count
// session and recovers the sealing identity (models/trustee), refusing a
// release already used by a finished session by name.
func (s *Service) openWithTrustees(ctx context.Context, e Election, keyFile string, files []ReleaseFile) (age.Identity, CountSession, []UsedRelease, error) {
	open, ok, err := s.openSession(ctx, e.ID)
	if err != nil {
		return nil, CountSession{}, nil, err
	}
	if !ok {
		return nil, CountSession{}, nil, fmt.Errorf("election %s has no open count session: start one with 'booth election count %s --trustees'", e.ID, e.ID)
	}
	sessionID, err := readSessionKey(keyFile)
	if err != nil {
		return nil, open, nil, fmt.Errorf("the count session's key: %w (it is written when the session starts; without it, start a new session and ask the trustees again)", err)
	}
	if sessionID.Recipient().String() != open.Key {
		return nil, open, nil, fmt.Errorf("%s is the key of another count session than the open one (%s)", keyFile, open.Key)
	}
	used, err := s.usedReleases(ctx, e.ID)
	if err != nil {
		return nil, open, nil, err
	}
	t := e.Trustees
	var releases []trustee.Release
	var problems []string
	for _, f := range files {
		r, err := trustee.ParseRelease(f.Data)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", f.Name, err))
			continue
		}
		if when, ok := used[r.Hash()]; ok {
			who := fmt.Sprintf("share %d", r.Index)
			if r.Index >= 1 && r.Index <= len(t.Keys) {
				who = fmt.Sprintf("trustee %d (%s)", r.Index, t.Name(r.Index-1))
			}
			problems = append(problems, fmt.Sprintf("%s: %s: this release was already used, by the count session finished %s; a release serves one count", f.Name, who, when.UTC().Format(time.RFC3339)))
			continue
		}
		releases = append(releases, r)
	}
	if len(problems) > 0 {
		return nil, open, nil, fmt.Errorf("nothing was opened; refused:\n  %s", strings.Join(problems, "\n  "))
	}
	id, err := t.checker(e).Open(releases, open.Key, sessionID)
	if err != nil {
		return nil, open, nil, fmt.Errorf("election %s: %w", e.ID, err)
	}
	out := make([]UsedRelease, len(releases))
	for i, r := range releases {
		out[i] = UsedRelease{Index: r.Index, Trustee: r.Trustee, Statement: string(r.Statement), Signature: string(r.Signature)}
	}
	slices.SortFunc(out, func(a, b UsedRelease) int { return a.Index - b.Index })
	return id, open, out, nil
}

// usedReleases maps the hash of every release a finished session used to
// when it finished.
func (s *Service) usedReleases(ctx context.Context, electionID string) (map[string]time.Time, error) {
	sessions, err := s.store.CountSessions(ctx, electionID)
	if err != nil {
		return nil, err
	}
	used := map[string]time.Time{}
	for _, cs := range sessions {
		if cs.State != SessionFinished {
			continue
		}
		for _, r := range cs.Releases {
			rel, err := trustee.ParseStatement([]byte(r.Statement), []byte(r.Signature))
			if err != nil {
				return nil, fmt.Errorf("election %s: a stored release: %w", electionID, err)
			}
			used[rel.Hash()] = cs.FinishedAt
		}
	}
	return used, nil
}

// CountWithTrustees counts a trustee election with the releases of its
// open count session: with at least the threshold of valid releases the
// sealing identity is recovered in memory, the ballots are unsealed and
// counted (as Count), and the releases used are recorded with the session
// (each audited with its trustee's fingerprint); the identity is dropped
// when this returns. Any refused release, or too few, opens nothing.
func (s *Service) CountWithTrustees(ctx context.Context, electionID, keyFile string, files []ReleaseFile, actor string) (*tally.Result, error) {
	e, err := s.trusteeElection(ctx, electionID)
	if err != nil {
		return nil, err
	}
	if err := CheckCountSession(e); err != nil {
		return nil, err
	}
	id, open, used, err := s.openWithTrustees(ctx, e, keyFile, files)
	if err != nil {
		return nil, err
	}
	res, err := s.count(ctx, electionID, []age.Identity{id}, actor)
	if err != nil {
		return nil, err
	}
	if err := s.store.RecordReleases(ctx, electionID, open.Key, used, actor); err != nil {
		return nil, err
	}
	return res, nil
}

// countEvidence is what a trustee election's publication needs: its open
// count session with the releases its count used, and, when the ledger
// is published, the identity those releases give again (files).
func (s *Service) countEvidence(ctx context.Context, e Election, keyFile string, files []ReleaseFile) (CountSession, age.Identity, error) {
	open, ok, err := s.openSession(ctx, e.ID)
	if err != nil {
		return CountSession{}, nil, err
	}
	if !ok || len(open.Releases) < e.Trustees.Threshold {
		return CountSession{}, nil, fmt.Errorf("election %s is counted by its trustees: publishing needs the evidence of the count session that counted it (its releases); run 'booth election count %s --trustees --release FILE…' first", e.ID, e.ID)
	}
	if !e.PublishLedger {
		// The key is not needed, but it is deleted after publishing: it
		// must be this session's, not a file that is not ours to delete.
		_, err := holdsSessionKey(keyFile, open.Key)
		return open, nil, err
	}
	if len(files) == 0 {
		return CountSession{}, nil, fmt.Errorf("election %s publishes its ledger, so its ballots must be unsealed again: give the count's releases with --release", e.ID)
	}
	id, _, _, err := s.openWithTrustees(ctx, e, keyFile, files)
	return open, id, err
}

// finishSession ends a count session once its results are published, and
// deletes its key file: the releases it received open nothing any more.
func (s *Service) finishSession(ctx context.Context, electionID, key, keyFile, actor string) error {
	if err := s.store.FinishCountSession(ctx, electionID, key, actor); err != nil {
		return err
	}
	ours, err := holdsSessionKey(keyFile, key)
	if err != nil {
		return fmt.Errorf("the count session is finished, but its key file was left alone: %w; find the session's key file and delete it", err)
	}
	if !ours {
		return fmt.Errorf("the count session is finished, but its key file %s is not there: if it is elsewhere, delete it (with the releases it opens the ballots)", keyFile)
	}
	if err := os.Remove(keyFile); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("the count session is finished, but its key file %s could not be deleted: %w; delete it by hand", keyFile, err)
	}
	return nil
}

// CountSessions lists an election's count sessions, oldest first.
func (s *Service) CountSessions(ctx context.Context, electionID string) ([]CountSession, error) {
	return s.store.CountSessions(ctx, electionID)
}
