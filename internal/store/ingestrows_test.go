package store_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

func TestLoadExportKeepsQuarantineNotesAndInvolvements(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		// A nominal index force: people first, then cases, then the links.
		people := &pole.Source{Force: "south-yorkshire", System: "Niche", FileName: "sy_nominal_index.csv", ReceivedAt: sampleTime, SHA256: fmt.Sprintf("%064x", sourceSeq.Add(1)), RowCount: 3, LoadedBy: "analyst1"}
		people.ID = "0190a000-0000-7000-8000-0000000000aa"
		nominal := sampleMention(people, nil, "SY-N1", pole.RoleOther)
		_, err := s.LoadExport(ctx, store.Export{Source: people, Mentions: each(nominal),
			Quarantine: each(&pole.QuarantinedRow{Field: "DOB", Value: "29-02-91", Reason: "date of birth does not exist", Raw: "SY-N2,SMITH,...", Provenance: pole.Provenance{SourceID: people.ID, SourceRow: 2}}),
			Notes:      each(&pole.IngestNote{Kind: "warning", Field: "POSTCODE", Value: "S6", Detail: "not a whole postcode", Provenance: pole.Provenance{SourceID: people.ID, SourceRow: 3}})})
		if err != nil {
			t.Fatal(err)
		}
		cases := &pole.Source{Force: "south-yorkshire", FileName: "sy_occurrences.csv", ReceivedAt: sampleTime, SHA256: fmt.Sprintf("%064x", sourceSeq.Add(1)), RowCount: 1}
		cases.ID = "0190a000-0000-7000-8000-0000000000bb"
		c := sampleCase(cases, "19/SY/1")
		if _, err := s.LoadExport(ctx, store.Export{Source: cases, Cases: each(c)}); err != nil {
			t.Fatal(err)
		}
		ids, err := s.CaseIDsByRef(ctx, "south-yorkshire", []string{"19/SY/1", "19/SY/404"})
		if err != nil || len(ids) != 1 || ids["19/SY/1"] != c.ID {
			t.Fatalf("CaseIDsByRef: got %v (%v)", ids, err)
		}
		if ids, _ := s.CaseIDsByRef(ctx, "west-yorkshire", []string{"19/SY/1"}); len(ids) != 0 {
			t.Fatalf("another force's reference resolved: %v", ids)
		}
		mids, err := s.MentionIDsByRecord(ctx, "south-yorkshire", "Niche", []string{"SY-N1"})
		if err != nil || mids["SY-N1"] != nominal.ID {
			t.Fatalf("MentionIDsByRecord: got %v (%v)", mids, err)
		}
		if other, _ := s.MentionIDsByRecord(ctx, "south-yorkshire", "Athena", []string{"SY-N1"}); len(other) != 0 {
			t.Fatalf("another system's record ids resolved: %v", other)
		}
		links := &pole.Source{Force: "south-yorkshire", FileName: "sy_links.csv", ReceivedAt: sampleTime, SHA256: fmt.Sprintf("%064x", sourceSeq.Add(1)), RowCount: 1}
		links.ID = "0190a000-0000-7000-8000-0000000000cc"
		inv := &pole.Involvement{CaseID: c.ID, MentionID: nominal.ID, Role: pole.RoleSuspect, Provenance: pole.Provenance{SourceID: links.ID, SourceRow: 1}}
		counts, err := s.LoadExport(ctx, store.Export{Source: links, Involvements: each(inv)})
		if err != nil || counts.Involvements != 1 {
			t.Fatalf("involvements: %+v (%v)", counts, err)
		}
		got, err := s.FindInvolvements(ctx, c.ID, "")
		if err != nil || len(got) != 1 {
			t.Fatalf("FindInvolvements: %v (%v)", got, err)
		}
		if diff := cmp.Diff(inv, got[0]); diff != "" {
			t.Fatalf("involvement read back differs (-want +got):\n%s", diff)
		}
		q, err := s.FindQuarantine(ctx, people.ID)
		if err != nil || len(q) != 1 || q[0].Reason != "date of birth does not exist" || q[0].Raw != "SY-N2,SMITH,..." || q[0].SourceRow != 2 {
			t.Fatalf("FindQuarantine: %+v (%v)", q, err)
		}
		n, err := s.FindIngestNotes(ctx, people.ID)
		if err != nil || len(n) != 1 || n[0].Kind != "warning" || n[0].Value != "S6" {
			t.Fatalf("FindIngestNotes: %+v (%v)", n, err)
		}
		src, _ := s.FindSourceByID(ctx, people.ID)
		if src.LoadedBy != "analyst1" {
			t.Fatalf("loaded by: got %q", src.LoadedBy)
		}
		roles, err := s.CountRoles(ctx, "south-yorkshire")
		if err != nil || roles[pole.RoleSuspect] != 1 || len(roles) != 1 {
			t.Fatalf("CountRoles: got %v (%v), want the one linked suspect", roles, err)
		}
		dup := *inv
		dup.ID = ""
		links2 := &pole.Source{Force: "south-yorkshire", FileName: "sy_links2.csv", ReceivedAt: sampleTime, SHA256: fmt.Sprintf("%064x", sourceSeq.Add(1)), RowCount: 1}
		links2.ID = "0190a000-0000-7000-8000-0000000000dd"
		dup.SourceID = links2.ID
		_, err = s.LoadExport(ctx, store.Export{Source: links2, Involvements: each(&dup)})
		wantCode(t, err, pole.ECONFLICT, "")
	})
}
