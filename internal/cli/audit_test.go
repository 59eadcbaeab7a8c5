package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/identity"
	"github.com/caselink/caselink/internal/keyring"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

// forEachDB runs test with the --db of a fresh, migrated database on
// SQLite, and on PostgreSQL when CASELINK_TEST_POSTGRES is set.
func forEachDB(t *testing.T, test func(t *testing.T, db string)) {
	t.Helper()
	migrated := func(t *testing.T, db string) string {
		storetest.Open(t, db)
		return db
	}
	t.Run("sqlite", func(t *testing.T) { test(t, migrated(t, storetest.SQLiteDSN(t))) })
	t.Run("postgres", func(t *testing.T) { test(t, migrated(t, storetest.PostgresDSN(t))) })
}

// withEnv returns env with k set to v.
func withEnv(env map[string]string, k, v string) map[string]string {
	out := maps.Clone(env)
	out[k] = v
	return out
}

// auditRows reads the whole audit log of db.
func auditRows(t *testing.T, db string) []store.AuditRow {
	t.Helper()
	var out []store.AuditRow
	for r, err := range storetest.Open(t, db).ScanAudit(context.Background(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// lastAudit is the latest entry of db's audit log.
func lastAudit(t *testing.T, db string) store.AuditRow {
	t.Helper()
	rows := auditRows(t, db)
	if len(rows) == 0 {
		t.Fatal("the audit log is empty")
	}
	return rows[len(rows)-1]
}

// recordConsultations appends n consultations to db's audit log through a
// Log signed with the test ring's audit key, as the web server would, each
// at the time now gives; closing the Log signs a checkpoint over them.
func recordConsultations(t *testing.T, db string, n int, now func() time.Time) {
	t.Helper()
	signer, err := storetest.Keys(t).AuditSigner()
	if err != nil {
		t.Fatal(err)
	}
	l := audit.New(storetest.Open(t, db), signer, audit.Options{Now: now})
	for i := range n {
		err := l.Record(context.Background(), audit.Entry{Actor: audit.System, ActorLogin: "web", Action: audit.Consultation,
			RecordKind: "mention", RecordIDs: []string{fmt.Sprintf("0193f1f2-1111-7000-8000-%012d", i)},
			Purpose: "Op Sentinel: series 4 review", Origin: "10.0.0.1", Detail: "consultation " + strconv.Itoa(i)})
		if err != nil {
			t.Fatalf("Record %d: %v", i, err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// rawDB is a connection to a test database beside caselink's own, with
// which a test plays someone who has the database and no keys.
type rawDB struct {
	*sql.DB
	engine string
}

func openRaw(t *testing.T, dsn string) *rawDB {
	t.Helper()
	d := &rawDB{engine: "postgres"}
	driver, source := "pgx", dsn
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		driver, source, d.engine = "sqlite", path+"?_pragma=busy_timeout(10000)", "sqlite"
	}
	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	d.DB = db
	return d
}

// tamper runs stmts past the audit log's append-only triggers, as an
// attacker with the database would: on SQLite by dropping them, on
// PostgreSQL in a session that fires no triggers.
func (d *rawDB) tamper(t *testing.T, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := d.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	setup := []string{
		"DROP TRIGGER IF EXISTS audit_entries_no_update", "DROP TRIGGER IF EXISTS audit_entries_no_delete",
		"DROP TRIGGER IF EXISTS audit_checkpoints_no_update", "DROP TRIGGER IF EXISTS audit_checkpoints_no_delete",
	}
	if d.engine == "postgres" {
		setup = []string{"SET session_replication_role = replica"}
		defer conn.ExecContext(ctx, "RESET session_replication_role")
	}
	for _, q := range append(setup, stmts...) {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// keyIDs returns the distinct key ids that table's sealed values are under.
func (d *rawDB) keyIDs(t *testing.T, table string) []string {
	t.Helper()
	rows, err := d.Query("SELECT DISTINCT key_id FROM " + table + " WHERE sealed IS NOT NULL ORDER BY key_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestAuditVerifyProvesTheLogWholeWithItsCounts(t *testing.T) {
	forEachDB(t, func(t *testing.T, db string) {
		auditor := actingAs(t, db, pole.RoleAuditor, "")
		recordConsultations(t, db, 12, nil)
		// A refusal is recorded too, by a session of its own.
		if _, _, err := run(t, actingAs(t, db, pole.RoleForceInvestigator, ""), "audit", "verify", "--db", db); pole.ErrorCode(err) != pole.EFORBIDDEN {
			t.Fatalf("a force investigator verifying: got %v, want EFORBIDDEN", err)
		}
		for round := range 2 {
			entries := len(auditRows(t, db))
			cps, err := storetest.Open(t, db).AuditCheckpoints(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := run(t, auditor, "audit", "verify", "--db", db)
			if err != nil {
				t.Fatalf("verify %d: %v\n%s", round, err, out)
			}
			want := fmt.Sprintf("audit log whole: %d entries, %d signed checkpoints (the last covers %d entries)", entries, len(cps), cps[len(cps)-1].TreeSize)
			if !strings.HasPrefix(out, want) {
				t.Errorf("verify %d printed %q, want it to begin %q", round, out, want)
			}
			last := lastAudit(t, db)
			wantDetail := fmt.Sprintf("%d entries and %d checkpoints checked: whole", entries, len(cps))
			if last.Action != "audit_verified" || last.ActorLogin != "auditor-"+pole.NationalTeam || last.Outcome != string(audit.Allowed) || last.Detail != wantDetail {
				t.Errorf("verify %d recorded %s by %s (%s): %q; want audit_verified by the auditor, allowed: %q",
					round, last.Action, last.ActorLogin, last.Outcome, last.Detail, wantDetail)
			}
			if last.Seq != int64(entries) {
				t.Errorf("verify %d recorded entry %d, want %d, after the %d it checked", round, last.Seq, entries, entries)
			}
		}
	})
}

func TestAuditVerifyNamesTheFirstTamperedEntry(t *testing.T) {
	for _, tc := range []struct {
		name   string
		last   bool // tamper with the last entry, not one in the middle
		stmt   string
		reason string
	}{
		{"a purpose changed", false, "UPDATE audit_entries SET purpose = 'routine check' WHERE seq = %d", "entry %d was changed"},
		{"an entry deleted", false, "DELETE FROM audit_entries WHERE seq = %d", "entry %d is missing"},
		{"the last entry deleted", true, "DELETE FROM audit_entries WHERE seq = %d", "entries from %d are missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forEachDB(t, func(t *testing.T, db string) {
				auditor := actingAs(t, db, pole.RoleAuditor, "")
				recordConsultations(t, db, 10, nil)
				if _, _, err := run(t, auditor, "audit", "verify", "--db", db); err != nil {
					t.Fatalf("verify before tampering: %v", err)
				}
				rows := auditRows(t, db)
				bad := rows[len(rows)/2].Seq
				if tc.last {
					bad = rows[len(rows)-1].Seq
				}
				openRaw(t, db).tamper(t, fmt.Sprintf(tc.stmt, bad))

				out, _, err := run(t, auditor, "audit", "verify", "--db", db)
				reason := fmt.Sprintf(tc.reason, bad)
				if err == nil || pole.ErrorCode(err) != pole.EINVALID || !strings.Contains(err.Error(), reason) {
					t.Fatalf("verify after tampering: got %v, want EINVALID saying %q", err, reason)
				}
				if !strings.HasPrefix(out, "audit log NOT whole: "+reason) {
					t.Errorf("verify printed %q, want NOT whole naming entry %d", out, bad)
				}
				// The failed verification is on the record, after the damage.
				last := lastAudit(t, db)
				if last.Action != "audit_verified" || !strings.Contains(last.Detail, reason) {
					t.Errorf("the log's last entry is %s %q, want audit_verified saying %q", last.Action, last.Detail, reason)
				}
				// And the log stays broken, though the failed verification's
				// own entry took the place of a deleted last entry.
				if _, _, err := run(t, auditor, "audit", "verify", "--db", db); pole.ErrorCode(err) != pole.EINVALID {
					t.Errorf("a second verify: got %v, want the log still found broken", err)
				} else if !tc.last && !strings.Contains(err.Error(), reason) {
					t.Errorf("a second verify: got %v, want %q again", err, reason)
				}
			})
		})
	}
}

// TestAuditVerifyDoesNotCallALogItCannotReadBroken changes an entry so that
// it no longer decodes: verify fails, saying how far it got, and neither
// calls the log broken nor whole.
func TestAuditVerifyDoesNotCallALogItCannotReadBroken(t *testing.T) {
	forEachDB(t, func(t *testing.T, db string) {
		auditor := actingAs(t, db, pole.RoleAuditor, "")
		recordConsultations(t, db, 10, nil)
		raw := openRaw(t, db)
		raw.tamper(t, `UPDATE audit_entries SET record_ids = '{"a": 1}' WHERE seq = 4`)
		out, _, err := run(t, auditor, "audit", "verify", "--db", db)
		if err == nil {
			t.Fatalf("verify of a log with an entry that does not decode: got no error; printed %q", out)
		}
		want := "audit log NOT verified: the first 4 entries are whole, and reading the entry after them failed\n"
		if out != want {
			t.Errorf("verify printed %q, want %q", out, want)
		}
		var action, detail string
		if err := raw.QueryRow("SELECT action, detail FROM audit_entries ORDER BY seq DESC LIMIT 1").Scan(&action, &detail); err != nil {
			t.Fatal(err)
		}
		if action != "audit_verified" || !strings.HasPrefix(detail, "4 entries checked, then the log could not be read") {
			t.Errorf("verify recorded %s %q, want audit_verified saying it could not read past 4 entries", action, detail)
		}
	})
}

func TestAuditCommandsAreRefusedToForceAndNationalUsers(t *testing.T) {
	forEachDB(t, func(t *testing.T, db string) {
		exportArgs := []string{"audit", "export", "--db", db, "--from", "2020-01-01", "--to", "2030-01-01", "--purpose", "quarterly DPO check"}
		for _, role := range []pole.AccessRole{pole.RoleForceInvestigator, pole.RoleNationalAnalyst} {
			env := actingAs(t, db, role, "")
			if _, _, err := run(t, env, "audit", "verify", "--db", db); pole.ErrorCode(err) != pole.EFORBIDDEN {
				t.Errorf("%s verifying: got %v, want EFORBIDDEN", role, err)
			}
			out, _, err := run(t, env, exportArgs...)
			if pole.ErrorCode(err) != pole.EFORBIDDEN || out != "" {
				t.Errorf("%s exporting: got %v and %q, want EFORBIDDEN and nothing written", role, err, out)
			}
		}
		admin := actingAs(t, db, pole.RoleAdministrator, "")
		if out, _, err := run(t, admin, "audit", "verify", "--db", db); err != nil || !strings.HasPrefix(out, "audit log whole") {
			t.Errorf("an administrator verifying: got %q (%v), want the log whole", out, err)
		}
		if _, _, err := run(t, admin, exportArgs...); pole.ErrorCode(err) != pole.EFORBIDDEN {
			t.Errorf("an administrator exporting: got %v, want EFORBIDDEN: reading the log is for auditors", err)
		}
		denied := map[string][]string{}
		for _, r := range auditRows(t, db) {
			if r.Action == string(audit.AccessDenied) {
				if r.Outcome != string(audit.Denied) || r.RecordKind != "audit_log" {
					t.Errorf("refusal %d: outcome %s on %s, want denied on audit_log", r.Seq, r.Outcome, r.RecordKind)
				}
				denied[r.ActorLogin] = append(denied[r.ActorLogin], strings.SplitN(r.Detail, ":", 2)[0])
			}
		}
		want := map[string][]string{
			"force_investigator-west-yorkshire":     {string(access.AuditVerify), string(access.AuditRead)},
			"national_analyst-" + pole.NationalTeam: {string(access.AuditVerify), string(access.AuditRead)},
			"administrator-" + pole.NationalTeam:    {string(access.AuditRead)},
		}
		if !maps.EqualFunc(denied, want, slices.Equal) {
			t.Errorf("refusals recorded: got %v, want %v", denied, want)
		}
	})
}

func TestAuditExportNamesTheMissingOrBadFlag(t *testing.T) {
	db := storetest.SQLiteDSN(t)
	storetest.Open(t, db)
	auditor := actingAs(t, db, pole.RoleAuditor, "")
	before := len(auditRows(t, db))
	for _, tc := range []struct {
		args  []string
		field string
	}{
		{[]string{"--to", "2030-01-01", "--purpose", "p"}, "from"},
		{[]string{"--from", "2020-01-01", "--purpose", "p"}, "to"},
		{[]string{"--from", "last tuesday", "--to", "2030-01-01", "--purpose", "p"}, "from"},
		{[]string{"--from", "2020-01-01", "--to", "2020-13-01", "--purpose", "p"}, "to"},
		{[]string{"--from", "2020-01-02", "--to", "2020-01-01", "--purpose", "p"}, "to"},
		{[]string{"--from", "2020-01-01", "--to", "2020-01-01T00:00:00Z", "--purpose", "p"}, "to"},
		{[]string{"--from", "2020-01-01", "--to", "2030-01-01"}, "purpose"},
		{[]string{"--from", "2020-01-01", "--to", "2030-01-01", "--purpose", "  "}, "purpose"},
	} {
		out, _, err := run(t, auditor, append([]string{"audit", "export", "--db", db}, tc.args...)...)
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != tc.field || out != "" {
			t.Errorf("export %v: got %v (field %q) and %q, want EINVALID on %s and nothing written", tc.args, err, pole.ErrorField(err), out, tc.field)
		}
	}
	if after := len(auditRows(t, db)); after != before {
		t.Errorf("refused exports recorded %d entries, want none: nothing was disclosed", after-before)
	}
}

func TestAuditExportWritesTheEntriesInRangeAndIsRecordedAsADisclosure(t *testing.T) {
	forEachDB(t, func(t *testing.T, db string) {
		auditor := actingAs(t, db, pole.RoleAuditor, "")
		// Entries on three days: 3 on the 1st, 4 on the 2nd, 2 on the 3rd.
		days := []time.Time{}
		for i, n := range []int{3, 4, 2} {
			for range n {
				days = append(days, time.Date(2020, 1, 1+i, 10, len(days), 0, 0, time.UTC))
			}
		}
		i := 0
		recordConsultations(t, db, len(days), func() time.Time { i++; return days[i-1] })
		var want []int64
		for _, r := range auditRows(t, db) {
			if r.At.Year() == 2020 && r.At.Day() == 2 {
				want = append(want, r.Seq)
			}
		}
		if len(want) != 4 {
			t.Fatalf("entries recorded on 2 January: %v, want 4", want)
		}

		file := filepath.Join(t.TempDir(), "audit.jsonl")
		out, stderr, err := run(t, auditor, "audit", "export", "--db", db, "--from", "2020-01-02", "--to", "2020-01-03T00:00:00Z",
			"--purpose", "DPO quarterly check", "--out", file)
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		if out != "" || stderr != "4 entries\n" {
			t.Errorf("export printed %q and %q, want nothing and \"4 entries\"", out, stderr)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			var e audit.Entry
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			if e.Action != audit.Consultation || e.At.Day() != 2 || e.Purpose != "Op Sentinel: series 4 review" || len(e.Hash) != 32 || len(e.PrevHash) != 32 {
				t.Errorf("exported entry %+v: want a whole consultation of 2 January with its hashes", e)
			}
			got = append(got, e.Seq)
		}
		if !slices.Equal(got, want) {
			t.Errorf("exported seqs %v, want %v", got, want)
		}

		last := lastAudit(t, db)
		span := "2020-01-02T00:00:00Z/2020-01-03T00:00:00Z"
		if last.Action != string(audit.Disclosure) || last.ActorLogin != "auditor-"+pole.NationalTeam || last.RecordKind != "audit_log" ||
			!slices.Equal(last.RecordIDs, []string{span}) || last.Purpose != "DPO quarterly check" ||
			last.Recipient != "auditor-"+pole.NationalTeam+" (file "+file+")" {
			t.Errorf("the export recorded %+v, want a disclosure of %s to the auditor's file, with its purpose", last, span)
		}

		// To standard output, the same entries.
		out, _, err = run(t, auditor, "audit", "export", "--db", db, "--from", "2020-01-02", "--to", "2020-01-03", "--purpose", "DPO quarterly check")
		if err != nil || out != string(b) {
			t.Errorf("export to standard output: got %q (%v), want what the file holds", out, err)
		}
		if last := lastAudit(t, db); last.Action != string(audit.Disclosure) || last.Recipient != "auditor-"+pole.NationalTeam {
			t.Errorf("the export to standard output recorded %s to %q, want a disclosure to the auditor", last.Action, last.Recipient)
		}
		if _, _, err := run(t, auditor, "audit", "verify", "--db", db); err != nil {
			t.Errorf("verify after exporting: %v", err)
		}
	})
}

func TestKeyNewWritesAPrivateKeyFileAndNeverOverwritesOne(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys.json")
	out, _, err := run(t, nil, "key", "new", "--out", file)
	if err != nil {
		t.Fatalf("key new: %v", err)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode: got %04o, want 0600", perm)
	}
	ring, err := keyring.Load(file)
	if err != nil {
		t.Fatalf("the new key file does not load: %v", err)
	}
	want := "wrote " + file + "\naudit verifier key (give it to your auditors): " + ring.AuditVerifierKey() + "\n"
	if out != want {
		t.Errorf("key new printed %q, want %q", out, want)
	}

	before, _ := os.ReadFile(file)
	if _, _, err := run(t, nil, "key", "new", "--out", file); pole.ErrorCode(err) != pole.ECONFLICT {
		t.Fatalf("key new over an existing file: got %v, want ECONFLICT", err)
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(after, before) {
		t.Error("key new changed the existing key file")
	}
	if _, _, err := run(t, nil, "key", "new"); pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "out" {
		t.Errorf("key new without --out: got %v, want EINVALID on out", err)
	}
}

// records streams items as a store.Export does, with no error.
func records[T any](items []*T) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for _, v := range items {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// secretVictims are victims whose identities a test looks for after a
// rotation: more of them than Reseal rewrites in one batch.
const secretVictims = 1100

// loadVictims stores victims, a quarantined row and an ingest note of one
// source, all sealed under the test ring's current key, and returns the
// first victim and the source's id.
func loadVictims(t *testing.T, db string) (*pole.Mention, string) {
	t.Helper()
	src := &pole.Source{ID: uuid.Must(uuid.NewV7()).String(), Force: "west-yorkshire", System: "Niche", FileName: "wy.csv", Profile: "wy",
		ReceivedAt: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC), SHA256: strings.Repeat("cd", 32), RowCount: secretVictims + 2}
	var victims []*pole.Mention
	for i := range secretVictims {
		victims = append(victims, &pole.Mention{Force: src.Force, RecordID: fmt.Sprintf("V-%d", i), Role: pole.RoleVictim,
			Forename: "Zephyrine", Surname: "Vantablackstone" + strconv.Itoa(i), DOB: pole.Date(2001, 7, 23), Sex: "F",
			Addresses:  []pole.Address{{Text: "7 Xylocarp Mews, Wibsey", Postcode: "BD6 3QX"}},
			Provenance: pole.Provenance{SourceID: src.ID, SourceRow: i + 1}})
	}
	_, err := storetest.Open(t, db).LoadExport(context.Background(), store.Export{
		Source:   src,
		Mentions: records(victims),
		Quarantine: records([]*pole.QuarantinedRow{{Field: "DOB", Value: "23/07/2001x", Reason: "not a date",
			Raw: "V-X,VANTABLACKSTONE,Zephyrine,23/07/2001x", Provenance: pole.Provenance{SourceID: src.ID, SourceRow: secretVictims + 1}}}),
		Notes: records([]*pole.IngestNote{{Kind: "repair", Field: "Surname", Value: "VantablackstoneÃ", Detail: "Vantablackstone",
			Provenance: pole.Provenance{SourceID: src.ID, SourceRow: secretVictims + 2}}}),
	})
	if err != nil {
		t.Fatalf("LoadExport: %v", err)
	}
	return victims[0], src.ID
}

func TestKeyRotateResealsEverySealedValueUnderANewKey(t *testing.T) {
	forEachDB(t, func(t *testing.T, db string) {
		ctx := context.Background()
		victim, sourceID := loadVictims(t, db)
		raw := openRaw(t, db)
		old, _ := storetest.Keys(t).Current()
		for _, table := range []string{"victim_identities", "quarantine", "ingest_notes"} {
			if got := raw.keyIDs(t, table); !slices.Equal(got, []string{old}) {
				t.Fatalf("%s before the rotation: key ids %v, want [%s]", table, got, old)
			}
		}
		// actingAs gives the administrator a key file of their own, a copy
		// of the shared test ring, which the rotation rewrites.
		admin := actingAs(t, db, pole.RoleAdministrator, "")
		path := admin["CASELINK_KEY_FILE"]
		out, _, err := run(t, admin, "key", "rotate", "--db", db)
		if err != nil {
			t.Fatalf("key rotate: %v", err)
		}

		ring, err := keyring.Load(path)
		if err != nil {
			t.Fatalf("the rotated key file: %v", err)
		}
		current, _ := ring.Current()
		if current == old || !slices.Equal(ring.KeyIDs(), []string{old, current}) {
			t.Fatalf("the rotated ring's keys: %v with %s current, want %s and a new current key", ring.KeyIDs(), current, old)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("the rotated key file: %v (%v), want mode 0600", fi, err)
		}
		if storetest.Keys(t).KeyIDs()[0] != old || len(storetest.Keys(t).KeyIDs()) != 1 {
			t.Fatalf("the rotation changed the shared test ring: %v", storetest.Keys(t).KeyIDs())
		}
		want := fmt.Sprintf("data key %s is current (was %s); %d sealed values moved to it.", current, old, secretVictims+2)
		if !strings.HasPrefix(out, want) {
			t.Errorf("key rotate printed %q, want it to begin %q", out, want)
		}
		for _, table := range []string{"victim_identities", "quarantine", "ingest_notes"} {
			if got := raw.keyIDs(t, table); !slices.Equal(got, []string{current}) {
				t.Errorf("%s after the rotation: key ids %v, want only %s", table, got, current)
			}
		}

		// The rotated ring opens what was resealed.
		s, err := store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		s.SetSealer(identity.NewSealer(ring))
		got, err := s.FindMentionWithIdentity(ctx, victim.ID)
		if err != nil {
			t.Fatalf("FindMentionWithIdentity with the rotated ring: %v", err)
		}
		if got.Forename != "Zephyrine" || got.Surname != "Vantablackstone0" || got.DOB != pole.Date(2001, 7, 23) ||
			len(got.Addresses) != 1 || got.Addresses[0].Postcode != "BD6 3QX" {
			t.Errorf("the victim's identity after the rotation: %+v", got)
		}
		q, err := s.FindQuarantine(ctx, sourceID)
		if err != nil || len(q) != 1 || q[0].Raw != "V-X,VANTABLACKSTONE,Zephyrine,23/07/2001x" {
			t.Errorf("the quarantined row after the rotation: %+v (%v)", q, err)
		}
		// The old ring alone no longer does: nothing is left under its key.
		if _, err := storetest.Open(t, db).FindMentionWithIdentity(ctx, victim.ID); err == nil {
			t.Error("the ring without the new key still opens the victim's identity: it was not resealed")
		}

		last := lastAudit(t, db)
		if last.Action != string(audit.KeyRotated) || last.ActorLogin != "administrator-"+pole.NationalTeam ||
			!slices.Equal(last.RecordIDs, []string{current}) || last.Detail != "data key "+old+" replaced by "+current {
			t.Errorf("the rotation recorded %+v, want key_rotated of %s by the administrator", last, current)
		}
		if _, _, err := run(t, admin, "audit", "verify", "--db", db); err != nil {
			t.Errorf("verify with the rotated key file: %v", err)
		}
	})
}

func TestKeyRotateNeedsAnAdministratorAndAKeyFile(t *testing.T) {
	forEachDB(t, func(t *testing.T, db string) {
		investigator := actingAs(t, db, pole.RoleForceInvestigator, "")
		before, err := os.ReadFile(investigator["CASELINK_KEY_FILE"])
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := run(t, investigator, "key", "rotate", "--db", db); pole.ErrorCode(err) != pole.EFORBIDDEN {
			t.Fatalf("a force investigator rotating: got %v, want EFORBIDDEN", err)
		}
		if after, _ := os.ReadFile(investigator["CASELINK_KEY_FILE"]); !bytes.Equal(after, before) {
			t.Error("a refused rotation changed the key file")
		}
		if last := lastAudit(t, db); last.Action != string(audit.AccessDenied) || last.RecordKind != "key" {
			t.Errorf("the refusal recorded %s on %s, want access_denied on key", last.Action, last.RecordKind)
		}

		admin := actingAs(t, db, pole.RoleAdministrator, "")
		keys, err := os.ReadFile(admin["CASELINK_KEY_FILE"])
		if err != nil {
			t.Fatal(err)
		}
		inEnv := map[string]string{"CASELINK_KEYS": base64.StdEncoding.EncodeToString(keys), "CASELINK_TOKEN": admin["CASELINK_TOKEN"]}
		if _, _, err := run(t, inEnv, "key", "rotate", "--db", db); pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "key-file" {
			t.Errorf("a rotation with the keys in the environment: got %v, want EINVALID on key-file", err)
		}
	})
}

// otherToken is token with one byte of its secret changed: well formed,
// and no one's.
func otherToken(t *testing.T, token string) string {
	t.Helper()
	secret, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, access.TokenPrefix))
	if err != nil {
		t.Fatal(err)
	}
	secret[0] ^= 1
	return access.TokenPrefix + base64.RawURLEncoding.EncodeToString(secret)
}

func TestCommandsRefuseAMissingOrWrongTokenAndAuditTheWrongOne(t *testing.T) {
	forEachDB(t, func(t *testing.T, db string) {
		admin := actingAs(t, db, pole.RoleAdministrator, "")
		commands := [][]string{
			{"audit", "verify", "--db", db},
			{"audit", "export", "--db", db, "--from", "2020-01-01", "--to", "2030-01-01", "--purpose", "p"},
			{"key", "rotate", "--db", db},
			{"link", "--db", db},
			{"user", "list", "--db", db},
		}
		wrong := []string{otherToken(t, admin["CASELINK_TOKEN"]), "not-a-token"}
		for _, args := range commands {
			out, _, err := run(t, withEnv(admin, "CASELINK_TOKEN", ""), args...)
			if pole.ErrorCode(err) != pole.EUNAUTHORIZED || !strings.Contains(err.Error(), "CASELINK_TOKEN") || out != "" {
				t.Errorf("%v with no token: got %v and %q, want EUNAUTHORIZED naming CASELINK_TOKEN", args, err, out)
			}
			for _, tok := range wrong {
				out, _, err := run(t, withEnv(admin, "CASELINK_TOKEN", tok), args...)
				if pole.ErrorCode(err) != pole.EUNAUTHORIZED || out != "" {
					t.Errorf("%v with token %q: got %v and %q, want EUNAUTHORIZED", args, tok, err, out)
				}
			}
		}
		failed := 0
		for _, r := range auditRows(t, db) {
			switch r.Action {
			case string(audit.LoginFailed):
				failed++
				if r.Actor != "anonymous" || r.Outcome != string(audit.Denied) || r.Detail != "API token refused" || !strings.HasPrefix(r.Origin, "cli:") {
					t.Errorf("login_failed entry %+v: want an anonymous, denied, refused API token from the command line", r)
				}
				if strings.Contains(r.Detail, "clk_") {
					t.Errorf("login_failed entry %d quotes the token: %q", r.Seq, r.Detail)
				}
			default:
				t.Errorf("entry %d is %s: a command with no good token should record only login_failed", r.Seq, r.Action)
			}
		}
		if want := len(commands) * len(wrong); failed != want {
			t.Errorf("login_failed entries: got %d, want %d (one per wrong token, none with no token)", failed, want)
		}
		// The key file was not touched by a refused rotation.
		if ring, err := keyring.Load(admin["CASELINK_KEY_FILE"]); err != nil || len(ring.KeyIDs()) != 1 {
			t.Errorf("the key file after refused rotations: %v (%v), want one data key", ring, err)
		}
	})
}
