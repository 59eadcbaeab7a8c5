package store_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
	"github.com/caselink/caselink/internal/store/storetest"
)

// secretVictim is a victim with values found nowhere else in a test
// database, so that finding any of them in the raw bytes is a leak.
func secretVictim(src *pole.Source, c *pole.Case, rec string) *pole.Mention {
	m := sampleMention(src, c, rec, pole.RoleVictim)
	m.Forename, m.MiddleNames, m.Surname = "Zephyrine", "Quillon", "Vantablackstone"
	m.NameAsWritten = "VANTABLACKSTONE, Zephyrine Quillon"
	m.Aliases = []string{"Zephyquill"}
	m.DOB = pole.Date(2001, 7, 23)
	m.Sex = "F"
	m.Addresses = []pole.Address{{Text: "7 Xylocarp Mews, Wibsey", Postcode: "BD6 3QX", Premises: "care_home"}}
	return m
}

var secretValues = []string{"Zephyrine", "Quillon", "Vantablackstone", "VANTABLACKSTONE", "Zephyquill", "2001-07-23", "Xylocarp", "BD6 3QX"}

// loadSecretVictim stores a case with a victim, a quarantined row and a note
// that both hold the victim's values, and returns the victim's mention.
func loadSecretVictim(t *testing.T, s *store.Store) *pole.Mention {
	t.Helper()
	src := &pole.Source{Force: "west-yorkshire", System: "Niche", FileName: "wy.csv", Profile: "wy", ReceivedAt: sampleTime, SHA256: strings.Repeat("ab", 32), RowCount: 3}
	src.ID = uuid.Must(uuid.NewV7()).String()
	c := sampleCase(src, "13/99999/11")
	v := secretVictim(src, c, "V-REC-1")
	_, err := s.LoadExport(ctx, store.Export{
		Source:   src,
		Cases:    each(c),
		Mentions: each(v),
		Quarantine: each(&pole.QuarantinedRow{Field: "DOB", Value: "23/07/2001x", Reason: "not a date",
			Raw: "V-REC-2,VANTABLACKSTONE,Zephyrine,23/07/2001x", Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 3}}),
		Notes: each(&pole.IngestNote{Kind: "repair", Field: "Surname", Value: "VantablackstoneÃ", Detail: "Vantablackstone",
			Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 2}}),
	})
	if err != nil {
		t.Fatalf("LoadExport: %v", err)
	}
	return v
}

func TestVictimIdentityIsNotReadableInTheSQLiteFile(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	s := storetest.Open(t, dsn)
	loadSecretVictim(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	noneInTheFile(t, dsn, secretValues...)
}

// noneInTheFile fails the test if any of values stands in the clear in the
// SQLite database at dsn or in any file beside it (its WAL).
func noneInTheFile(t *testing.T, dsn string, values ...string) {
	t.Helper()
	path := strings.TrimPrefix(dsn, "sqlite:")
	files, _ := filepath.Glob(path + "*")
	if len(files) == 0 {
		t.Fatalf("no database file at %s", path)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			if bytes.Contains(raw, []byte(v)) {
				t.Errorf("%s holds %q in the clear", filepath.Base(f), v)
			}
		}
	}
}

func TestVictimIdentityIsNotReadableInPostgreSQLRows(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	s := storetest.Open(t, dsn)
	loadSecretVictim(t, s)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables, err := db.QueryContext(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		if err := tables.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	tables.Close()
	if !slices.Contains(names, "victim_identities") {
		t.Fatalf("no victim_identities among %v", names)
	}
	for _, table := range names {
		rows, err := db.QueryContext(ctx, "SELECT row_to_json(t)::text FROM "+table+" t")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var text string
			if err := rows.Scan(&text); err != nil {
				t.Fatal(err)
			}
			for _, v := range secretValues {
				if strings.Contains(text, v) {
					t.Errorf("table %s holds %q in the clear: %s", table, v, text)
				}
			}
		}
		rows.Close()
	}
}

func TestAVictimIsAPseudonymUntilTheIdentityIsOpened(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		v := loadSecretVictim(t, s)
		got, err := s.FindMentionByID(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Forename != "" || got.Surname != "" || got.NameAsWritten != "" || got.Aliases != nil || !got.DOB.IsZero() || got.Addresses != nil {
			t.Errorf("FindMentionByID shows the identity: %+v", got)
		}
		if !strings.HasPrefix(got.Pseudonym, "V-") || got.Pseudonym != v.Pseudonym {
			t.Errorf("pseudonym: got %q, want the stored %q", got.Pseudonym, v.Pseudonym)
		}
		if got.Sex != "F" || got.Phones == nil {
			t.Errorf("what is not identity should read back: %+v", got)
		}
		full, err := s.FindMentionWithIdentity(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if full.Surname != "Vantablackstone" || full.DOB != pole.Date(2001, 7, 23) || len(full.Addresses) != 1 || full.Aliases[0] != "Zephyquill" {
			t.Errorf("FindMentionWithIdentity: %+v", full)
		}
		var scanned *pole.Mention
		for m, err := range s.ScanMentions(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if m.ID == v.ID {
				scanned = m
			}
		}
		if scanned == nil || scanned.Forename != "Zephyrine" {
			t.Errorf("ScanMentions should open victims for linkage: %+v", scanned)
		}
		q, err := s.FindQuarantine(ctx, v.SourceID)
		if err != nil || len(q) != 1 || !strings.Contains(q[0].Raw, "VANTABLACKSTONE") || q[0].Value != "23/07/2001x" {
			t.Errorf("FindQuarantine: %+v (%v)", q, err)
		}
		notes, err := s.FindIngestNotes(ctx, v.SourceID)
		if err != nil || len(notes) != 1 || notes[0].Detail != "Vantablackstone" {
			t.Errorf("FindIngestNotes: %+v (%v)", notes, err)
		}
	})
}

func TestAStoreWithoutTheKeyCannotStoreOrOpenAVictim(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	loadSecretVictim(t, storetest.Open(t, dsn))
	bare, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	for m, err := range bare.ScanMentions(ctx) {
		if err == nil && m.Role == pole.RoleVictim {
			t.Fatalf("opened a victim without the key: %+v", m)
		}
		if err != nil {
			wantCode(t, err, pole.EINVALID, "key")
			break
		}
	}
	src := addSource(t, bare, "lancashire")
	wantCode(t, bare.CreateMention(ctx, secretVictim(src, nil, "V-2")), pole.EINVALID, "key")
	if err := bare.CreateMention(ctx, sampleMention(src, nil, "S-2", pole.RoleSuspect)); err != nil {
		t.Errorf("a suspect needs no key: %v", err)
	}
}

func TestVictimsAreFoundByBlindIndexWithinTheForcesAllowed(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		v := loadSecretVictim(t, s)
		for _, q := range []struct{ kind, value string }{
			{"surname", "Vantablackstone"}, {"surname", "VANTABLACKSTONE"}, {"name", "zephyrine vantablackstone"},
			{"dob", "2001-07-23"}, {"postcode", "BD6 3QX"},
		} {
			ids, err := s.FindVictimsByIndex(ctx, q.kind, q.value, nil)
			if err != nil || !slices.Equal(ids, []string{v.ID}) {
				t.Errorf("%s %q: got %v (%v), want [%s]", q.kind, q.value, ids, err, v.ID)
			}
		}
		if ids, err := s.FindVictimsByIndex(ctx, "surname", "Vantablackstone", &pole.Reach{Forces: []string{"lancashire"}}); err != nil || len(ids) != 0 {
			t.Errorf("another force's search found %v (%v)", ids, err)
		}
		if ids, _ := s.FindVictimsByIndex(ctx, "surname", "Hussain", nil); len(ids) != 0 {
			t.Errorf("another surname found %v", ids)
		}
	})
}

func TestAVictimsEarlierIdentityStaysSealedInHistory(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		v := loadSecretVictim(t, s)
		old, err := s.FindMentionWithIdentity(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		src2 := &pole.Source{Force: "west-yorkshire", System: "Niche", FileName: "wy2.csv", Profile: "wy", ReceivedAt: sampleTime, SHA256: strings.Repeat("cd", 32), RowCount: 1}
		src2.ID = uuid.Must(uuid.NewV7()).String()
		next := *old
		next.Surname, next.Provenance = "Vantablackstone-Ray", pole.Provenance{SourceID: src2.ID, SourceRow: 1}
		_, err = s.LoadExport(ctx, store.Export{Source: src2, MentionUpdates: []store.MentionUpdate{{Old: old, New: &next}}})
		if err != nil {
			t.Fatalf("LoadExport update: %v", err)
		}
		hist, err := s.FindHistory(ctx, "mention", v.ID)
		if err != nil || len(hist) != 1 {
			t.Fatalf("FindHistory: %v (%v)", hist, err)
		}
		if strings.Contains(hist[0].Data, "Vantablackstone") || strings.Contains(hist[0].Data, "Zephyrine") {
			t.Errorf("history holds the identity in the clear: %s", hist[0].Data)
		}
		now, err := s.FindMentionWithIdentity(ctx, v.ID)
		if err != nil || now.Surname != "Vantablackstone-Ray" || now.Version != 2 {
			t.Errorf("after the update: %+v (%v)", now, err)
		}
		if ids, _ := s.FindVictimsByIndex(ctx, "surname", "Vantablackstone", nil); len(ids) != 0 {
			t.Errorf("the old surname still finds the victim: %v", ids)
		}
	})
}

func TestASecondFactorSecretIsSealedInTheDatabaseFile(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	s := storetest.Open(t, dsn)
	const secret = "JBSWY3DPEHPK3PXPQRSTUVWXYZ234567"
	u := &pole.User{Login: "dc-ash", Name: "DC Ash", Force: "kent", Roles: []pole.AccessRole{pole.RoleForceInvestigator}, PasswordHash: "-", TOTPSecret: secret}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindUserByLogin(ctx, "dc-ash")
	if err != nil || got.TOTPSecret != secret {
		t.Fatalf("read back: %q (%v), want the secret", got.TOTPSecret, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	noneInTheFile(t, dsn, secret)
}

func TestANominalRecordStaysSealedUntilItsCasesShowItIsNoVictims(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s *store.Store) {
		newSource := func(name string) *pole.Source {
			return &pole.Source{ID: uuid.Must(uuid.NewV7()).String(), Force: "south-yorkshire", System: "Connect", FileName: name,
				Profile: "sy", ReceivedAt: sampleTime, SHA256: fmt.Sprintf("%064x", sourceSeq.Add(1)), RowCount: 2}
		}
		index := newSource("sy_nominal_index.csv")
		victim := secretVictim(index, nil, "N-1")
		victim.Role = pole.RoleOther // the nominal index names no part
		other := sampleMention(index, nil, "N-2", pole.RoleOther)
		other.Surname = "Suspectson"
		if _, err := s.LoadExport(ctx, store.Export{Source: index, Mentions: each(victim, other)}); err != nil {
			t.Fatal(err)
		}
		for _, m := range []*pole.Mention{victim, other} {
			if shown, _ := s.FindMentionByID(ctx, m.ID); shown.Surname != "" || shown.Pseudonym == "" {
				t.Fatalf("a nominal record of no known part shows %q (pseudonym %q)", shown.Surname, shown.Pseudonym)
			}
		}
		links := newSource("sy_occurrence_nominal_links.csv")
		c := sampleCase(links, "SY/9")
		involve := func(src *pole.Source, c *pole.Case, m *pole.Mention, role pole.Role) *pole.Involvement {
			return &pole.Involvement{CaseID: c.ID, MentionID: m.ID, Role: role, Provenance: pole.Provenance{SourceID: src.ID, SourceRow: 1}}
		}
		c.ID = uuid.Must(uuid.NewV7()).String()
		_, err := s.LoadExport(ctx, store.Export{Source: links, Cases: each(c),
			Involvements: each(involve(links, c, victim, pole.RoleVictim), involve(links, c, other, pole.RoleSuspect))})
		if err != nil {
			t.Fatal(err)
		}
		if shown, _ := s.FindMentionByID(ctx, victim.ID); shown.Surname != "" || shown.Pseudonym == "" {
			t.Errorf("a nominal record linked as a victim shows %q", shown.Surname)
		}
		shown, _ := s.FindMentionByID(ctx, other.ID)
		if shown.Surname != "Suspectson" || shown.Pseudonym != "" || shown.DOB.IsZero() {
			t.Errorf("a nominal record linked only as a suspect stays sealed: %+v", shown)
		}
		if ids, _ := s.FindVictimsByIndex(ctx, "surname", "Suspectson", nil); len(ids) != 0 {
			t.Errorf("an opened record still has blind indexes: %v", ids)
		}
		// Linked later as a victim in another case, it is sealed again, and
		// a reader of changes sees it change.
		before := time.Now().Add(-time.Second)
		more := newSource("sy_occurrence_nominal_links_2.csv")
		c2 := sampleCase(more, "SY/10")
		c2.ID = uuid.Must(uuid.NewV7()).String()
		if _, err := s.LoadExport(ctx, store.Export{Source: more, Cases: each(c2), Involvements: each(involve(more, c2, other, pole.RoleVictim))}); err != nil {
			t.Fatal(err)
		}
		if shown, _ := s.FindMentionByID(ctx, other.ID); shown.Surname != "" || shown.Pseudonym == "" {
			t.Errorf("a record linked as a victim at last still shows %q", shown.Surname)
		}
		var changed []string
		for m, err := range s.ScanMentionsChangedSince(ctx, before) {
			if err != nil {
				t.Fatal(err)
			}
			changed = append(changed, m.ID)
		}
		if !slices.Contains(changed, other.ID) {
			t.Errorf("the record sealed again is not among the records changed since: %v", changed)
		}
		full, err := s.FindMentionWithIdentity(ctx, other.ID)
		if err != nil || full.Surname != "Suspectson" {
			t.Errorf("the sealed record opens to %+v (%v)", full, err)
		}
		if ids, _ := s.FindVictimsByIndex(ctx, "surname", "Suspectson", nil); len(ids) != 1 {
			t.Errorf("the resealed record is not found by blind index: %v", ids)
		}
	})
}

func TestANominalVictimNeverReachesTheSQLiteFileInTheClear(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	s := storetest.Open(t, dsn)
	index := &pole.Source{ID: uuid.Must(uuid.NewV7()).String(), Force: "nottinghamshire", System: "Niche", FileName: "nt_nominal_index.csv",
		Profile: "nt", ReceivedAt: sampleTime, SHA256: fmt.Sprintf("%064x", sourceSeq.Add(1)), RowCount: 1}
	v := secretVictim(index, nil, "N-1")
	v.Role = pole.RoleOther
	if _, err := s.LoadExport(ctx, store.Export{Source: index, Mentions: each(v)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	noneInTheFile(t, dsn, secretValues...)
}
