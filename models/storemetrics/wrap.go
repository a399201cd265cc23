package storemetrics

import (
	"context"
	"time"

	"vote.example.org/booth/models"
)

// Each method of models.Store, timed; Cast and Replace are counted too.

// MemberStore
func (w *Store) AddMember(ctx context.Context, m models.Member, actor string) error {
	defer w.observe("add_member", time.Now())
	return w.Store.AddMember(ctx, m, actor)
}
func (w *Store) ImportMembers(ctx context.Context, ms []models.Member, actor string) error {
	defer w.observe("import_members", time.Now())
	return w.Store.ImportMembers(ctx, ms, actor)
}
func (w *Store) Member(ctx context.Context, id string) (models.Member, error) {
	defer w.observe("member", time.Now())
	return w.Store.Member(ctx, id)
}
func (w *Store) MemberByFingerprint(ctx context.Context, fingerprint string) (models.Member, error) {
	defer w.observe("member_by_fingerprint", time.Now())
	return w.Store.MemberByFingerprint(ctx, fingerprint)
}
func (w *Store) Members(ctx context.Context) ([]models.Member, error) {
	defer w.observe("members", time.Now())
	return w.Store.Members(ctx)
}
func (w *Store) SetMemberStatus(ctx context.Context, id string, s models.MemberStatus, actor string) error {
	defer w.observe("set_member_status", time.Now())
	return w.Store.SetMemberStatus(ctx, id, s, actor)
}
func (w *Store) AddKey(ctx context.Context, memberID string, k models.Key, actor string) error {
	defer w.observe("add_key", time.Now())
	return w.Store.AddKey(ctx, memberID, k, actor)
}
func (w *Store) RemoveKey(ctx context.Context, memberID, fingerprint, actor string) error {
	defer w.observe("remove_key", time.Now())
	return w.Store.RemoveKey(ctx, memberID, fingerprint, actor)
}

// ElectionStore
func (w *Store) CreateElection(ctx context.Context, e models.Election, actor string) error {
	defer w.observe("create_election", time.Now())
	return w.Store.CreateElection(ctx, e, actor)
}
func (w *Store) UpdateDefinition(ctx context.Context, d models.Definition, actor string) error {
	defer w.observe("update_definition", time.Now())
	return w.Store.UpdateDefinition(ctx, d, actor)
}
func (w *Store) Election(ctx context.Context, id string) (models.Election, error) {
	defer w.observe("election", time.Now())
	return w.Store.Election(ctx, id)
}
func (w *Store) Elections(ctx context.Context) ([]models.Election, error) {
	defer w.observe("elections", time.Now())
	return w.Store.Elections(ctx)
}
func (w *Store) OpenElection(ctx context.Context, id, fingerprint, actor string) error {
	defer w.observe("open_election", time.Now())
	return w.Store.OpenElection(ctx, id, fingerprint, actor)
}
func (w *Store) CloseElection(ctx context.Context, id, actor string) error {
	defer w.observe("close_election", time.Now())
	return w.Store.CloseElection(ctx, id, actor)
}
func (w *Store) Scrub(ctx context.Context, wait time.Duration, actor string) ([]string, error) {
	defer w.observe("scrub", time.Now())
	return w.Store.Scrub(ctx, wait, actor)
}
func (w *Store) Extend(ctx context.Context, id string, from int, actor string) error {
	defer w.observe("extend", time.Now())
	return w.Store.Extend(ctx, id, from, actor)
}
func (w *Store) WithdrawCandidate(ctx context.Context, electionID, candidateID, actor string) error {
	defer w.observe("withdraw_candidate", time.Now())
	return w.Store.WithdrawCandidate(ctx, electionID, candidateID, actor)
}
func (w *Store) CancelElection(ctx context.Context, id, actor string) error {
	defer w.observe("cancel_election", time.Now())
	return w.Store.CancelElection(ctx, id, actor)
}

// BallotBox
func (w *Store) Roll(ctx context.Context, electionID string) ([]models.RollEntry, error) {
	defer w.observe("roll", time.Now())
	return w.Store.Roll(ctx, electionID)
}
func (w *Store) MemberRoll(ctx context.Context, memberID string) ([]models.RollMark, error) {
	defer w.observe("member_roll", time.Now())
	return w.Store.MemberRoll(ctx, memberID)
}
func (w *Store) Turnout(ctx context.Context, electionID string) (models.Turnout, error) {
	defer w.observe("turnout", time.Now())
	return w.Store.Turnout(ctx, electionID)
}
func (w *Store) Cast(ctx context.Context, c models.Cast) error {
	defer w.observe("cast", time.Now())
	return w.countedCast(ctx, c)
}
func (w *Store) Replace(ctx context.Context, r models.Replacement) error {
	defer w.observe("replace", time.Now())
	return w.countedReplace(ctx, r)
}
func (w *Store) Ballots(ctx context.Context, electionID string) ([]models.SealedBallot, error) {
	defer w.observe("ballots", time.Now())
	return w.Store.Ballots(ctx, electionID)
}
func (w *Store) Receipt(ctx context.Context, electionID string, receiptHash [32]byte) (models.ReceiptState, error) {
	defer w.observe("receipt", time.Now())
	return w.Store.Receipt(ctx, electionID, receiptHash)
}
func (w *Store) Voters(ctx context.Context, electionID string) ([]string, error) {
	defer w.observe("voters", time.Now())
	return w.Store.Voters(ctx, electionID)
}
func (w *Store) ReplacedReceipts(ctx context.Context, electionID string) ([][32]byte, error) {
	defer w.observe("replaced_receipts", time.Now())
	return w.Store.ReplacedReceipts(ctx, electionID)
}

// ResultStore
func (w *Store) SaveResult(ctx context.Context, electionID string, r models.StoredResult, actor string) error {
	defer w.observe("save_result", time.Now())
	return w.Store.SaveResult(ctx, electionID, r, actor)
}
func (w *Store) Result(ctx context.Context, electionID string) (models.StoredResult, error) {
	defer w.observe("result", time.Now())
	return w.Store.Result(ctx, electionID)
}
func (w *Store) SaveBundle(ctx context.Context, electionID string, data []byte, actor string) error {
	defer w.observe("save_bundle", time.Now())
	return w.Store.SaveBundle(ctx, electionID, data, actor)
}
func (w *Store) Bundle(ctx context.Context, electionID string) ([]byte, error) {
	defer w.observe("bundle", time.Now())
	return w.Store.Bundle(ctx, electionID)
}

// AuditStore
func (w *Store) Audit(ctx context.Context, actor, action, detail string) error {
	defer w.observe("audit", time.Now())
	return w.Store.Audit(ctx, actor, action, detail)
}
func (w *Store) AuditLog(ctx context.Context) ([]models.AuditEntry, error) {
	defer w.observe("audit_log", time.Now())
	return w.Store.AuditLog(ctx)
}

// LeaseStore
func (w *Store) AcquireLease(ctx context.Context, memberID, holder string, limit int, ttl time.Duration, now time.Time) (string, error) {
	defer w.observe("acquire_lease", time.Now())
	return w.Store.AcquireLease(ctx, memberID, holder, limit, ttl, now)
}
func (w *Store) RenewLeases(ctx context.Context, ids []string, ttl time.Duration, now time.Time) error {
	defer w.observe("renew_leases", time.Now())
	return w.Store.RenewLeases(ctx, ids, ttl, now)
}
func (w *Store) ReleaseLease(ctx context.Context, id string) error {
	defer w.observe("release_lease", time.Now())
	return w.Store.ReleaseLease(ctx, id)
}

// CodeStore
func (w *Store) IssueCode(ctx context.Context, ci models.CodeIssue, actor string) error {
	defer w.observe("issue_code", time.Now())
	return w.Store.IssueCode(ctx, ci, actor)
}
func (w *Store) CodeLog(ctx context.Context, staff string) ([]models.CodeLogEntry, error) {
	defer w.observe("code_log", time.Now())
	return w.Store.CodeLog(ctx, staff)
}
func (w *Store) CodeRecords(ctx context.Context, electionID string) ([]models.SealedCodeRecord, error) {
	defer w.observe("code_records", time.Now())
	return w.Store.CodeRecords(ctx, electionID)
}
func (w *Store) RedeemCode(ctx context.Context, hash [32]byte, now time.Time) (models.KioskCode, error) {
	defer w.observe("redeem_code", time.Now())
	return w.Store.RedeemCode(ctx, hash, now)
}
func (w *Store) Codes(ctx context.Context) ([]models.KioskCode, error) {
	defer w.observe("codes", time.Now())
	return w.Store.Codes(ctx)
}
func (w *Store) RevokeCode(ctx context.Context, hash [32]byte, actor string) error {
	defer w.observe("revoke_code", time.Now())
	return w.Store.RevokeCode(ctx, hash, actor)
}
func (w *Store) DeleteExpiredCodes(ctx context.Context, now time.Time) (int, error) {
	defer w.observe("delete_expired_codes", time.Now())
	return w.Store.DeleteExpiredCodes(ctx, now)
}

// KioskStore
func (w *Store) SetStaff(ctx context.Context, memberID string, staff bool, actor string) error {
	defer w.observe("set_staff", time.Now())
	return w.Store.SetStaff(ctx, memberID, staff, actor)
}
func (w *Store) IsStaff(ctx context.Context, memberID string) (bool, error) {
	defer w.observe("is_staff", time.Now())
	return w.Store.IsStaff(ctx, memberID)
}
func (w *Store) Staff(ctx context.Context) ([]string, error) {
	defer w.observe("staff", time.Now())
	return w.Store.Staff(ctx)
}
func (w *Store) AddKioskDevice(ctx context.Context, d models.KioskDevice, actor string) error {
	defer w.observe("add_kiosk_device", time.Now())
	return w.Store.AddKioskDevice(ctx, d, actor)
}
func (w *Store) KioskDevices(ctx context.Context) ([]models.KioskDevice, error) {
	defer w.observe("kiosk_devices", time.Now())
	return w.Store.KioskDevices(ctx)
}
func (w *Store) KioskDeviceByFingerprint(ctx context.Context, fingerprint string) (models.KioskDevice, error) {
	defer w.observe("kiosk_device_by_fingerprint", time.Now())
	return w.Store.KioskDeviceByFingerprint(ctx, fingerprint)
}
func (w *Store) RemoveKioskDevice(ctx context.Context, name, actor string) error {
	defer w.observe("remove_kiosk_device", time.Now())
	return w.Store.RemoveKioskDevice(ctx, name, actor)
}

// SecretStore
func (w *Store) OrderSecret(ctx context.Context, fresh []byte) ([]byte, error) {
	defer w.observe("order_secret", time.Now())
	return w.Store.OrderSecret(ctx, fresh)
}

// Clock
func (w *Store) Now(ctx context.Context) (time.Time, error) {
	defer w.observe("now", time.Now())
	return w.Store.Now(ctx)
}

// TrusteeStore
func (w *Store) TrusteeShares(ctx context.Context, electionID string) ([][]byte, error) {
	defer w.observe("trustee_shares", time.Now())
	return w.Store.TrusteeShares(ctx, electionID)
}
func (w *Store) StartCountSession(ctx context.Context, electionID, key, actor string) error {
	defer w.observe("start_count_session", time.Now())
	return w.Store.StartCountSession(ctx, electionID, key, actor)
}
func (w *Store) RecordReleases(ctx context.Context, electionID, key string, releases []models.UsedRelease, actor string) error {
	defer w.observe("record_releases", time.Now())
	return w.Store.RecordReleases(ctx, electionID, key, releases, actor)
}
func (w *Store) FinishCountSession(ctx context.Context, electionID, key, actor string) error {
	defer w.observe("finish_count_session", time.Now())
	return w.Store.FinishCountSession(ctx, electionID, key, actor)
}
func (w *Store) CountSessions(ctx context.Context, electionID string) ([]models.CountSession, error) {
	defer w.observe("count_sessions", time.Now())
	return w.Store.CountSessions(ctx, electionID)
}

// HealthStore
func (w *Store) Ready(ctx context.Context) error {
	defer w.observe("ready", time.Now())
	return w.Store.Ready(ctx)
}

// StandingStore
func (w *Store) Foundation(ctx context.Context) (models.Foundation, error) {
	defer w.observe("foundation", time.Now())
	return w.Store.Foundation(ctx)
}
func (w *Store) SetFoundation(ctx context.Context, f models.Foundation, actor string) error {
	defer w.observe("set_foundation", time.Now())
	return w.Store.SetFoundation(ctx, f, actor)
}
func (w *Store) RenewMember(ctx context.Context, r models.Renewal, actor string) (models.Member, error) {
	defer w.observe("renew_member", time.Now())
	return w.Store.RenewMember(ctx, r, actor)
}
func (w *Store) LapseMember(ctx context.Context, id, reason, actor string) (models.Member, error) {
	defer w.observe("lapse_member", time.Now())
	return w.Store.LapseMember(ctx, id, reason, actor)
}

// NominationStore
func (w *Store) Nominate(ctx context.Context, n models.Nominate, actor string) error {
	defer w.observe("nominate", time.Now())
	return w.Store.Nominate(ctx, n, actor)
}
func (w *Store) ChangeNomination(ctx context.Context, c models.NominationChange, actor string) (models.Nomination, error) {
	defer w.observe("change_nomination", time.Now())
	return w.Store.ChangeNomination(ctx, c, actor)
}
func (w *Store) Nominations(ctx context.Context, electionID string) ([]models.Nomination, error) {
	defer w.observe("nominations", time.Now())
	return w.Store.Nominations(ctx, electionID)
}
func (w *Store) CloseNominations(ctx context.Context, id, actor string) error {
	defer w.observe("close_nominations", time.Now())
	return w.Store.CloseNominations(ctx, id, actor)
}
func (w *Store) ExtendNominations(ctx context.Context, id string, until time.Time, actor string) error {
	defer w.observe("extend_nominations", time.Now())
	return w.Store.ExtendNominations(ctx, id, until, actor)
}

// PreferenceStore
func (w *Store) Preferences(ctx context.Context, memberID string) (models.Preferences, error) {
	defer w.observe("preferences", time.Now())
	return w.Store.Preferences(ctx, memberID)
}
func (w *Store) SetPreferences(ctx context.Context, memberID string, p models.Preferences) error {
	defer w.observe("set_preferences", time.Now())
	return w.Store.SetPreferences(ctx, memberID, p)
}
func (w *Store) MemberLanguages(ctx context.Context, memberIDs []string) (map[string]string, error) {
	defer w.observe("member_languages", time.Now())
	return w.Store.MemberLanguages(ctx, memberIDs)
}

// NoticeStore
func (w *Store) QueueNotice(ctx context.Context, n models.Notice, actor string) (int, error) {
	defer w.observe("queue_notice", time.Now())
	return w.Store.QueueNotice(ctx, n, actor)
}
func (w *Store) ClaimNotices(ctx context.Context, holder string, limit int, lease time.Duration) ([]models.OutboxItem, error) {
	defer w.observe("claim_notices", time.Now())
	return w.Store.ClaimNotices(ctx, holder, limit, lease)
}
func (w *Store) RecordDeliveries(ctx context.Context, holder string, done []models.Delivery, next *models.OutboxItem, lease time.Duration) (bool, error) {
	defer w.observe("record_deliveries", time.Now())
	return w.Store.RecordDeliveries(ctx, holder, done, next, lease)
}
func (w *Store) RetryFailedNotices(ctx context.Context, electionID string, k models.NoticeKind, actor string) (int, error) {
	defer w.observe("retry_failed_notices", time.Now())
	return w.Store.RetryFailedNotices(ctx, electionID, k, actor)
}
func (w *Store) NoticeReports(ctx context.Context, electionID string) ([]models.NoticeReport, error) {
	defer w.observe("notice_reports", time.Now())
	return w.Store.NoticeReports(ctx, electionID)
}
