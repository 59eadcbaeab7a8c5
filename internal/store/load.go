package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/caselink/caselink/internal/pole"
)

func insertSQL(table string, columns []string) string {
	return "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES (" +
		strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")"
}

// updateSQL sets every column but the first (the id) and selects by id and
// the version that was read, so that of two updates from the same version
// only one can succeed, on either engine.
func updateSQL(table string, columns []string) string {
	sets := make([]string, 0, len(columns)-1)
	for _, c := range columns[1:] {
		sets = append(sets, c+" = ?")
	}
	return "UPDATE " + table + " SET " + strings.Join(sets, ", ") + " WHERE id = ? AND version = ?"
}

// Export is everything one export file holds, to be stored together or not
// at all: the file, then its cases, the people mentioned in them, and the
// events. Any of the streams may be nil.
type Export struct {
	Source       *pole.Source
	Cases        iter.Seq2[*pole.Case, error]
	Mentions     iter.Seq2[*pole.Mention, error]
	Events       iter.Seq2[*pole.Event, error]
	Involvements iter.Seq2[*pole.Involvement, error]
	Quarantine   iter.Seq2[*pole.QuarantinedRow, error]
	Notes        iter.Seq2[*pole.IngestNote, error]
	// CaseUpdates and MentionUpdates bring stored records up to date,
	// keeping what they replace as history.
	CaseUpdates    []CaseUpdate
	MentionUpdates []MentionUpdate
}

// LoadCounts says how many records of each kind a load stored.
type LoadCounts struct {
	Cases, Mentions, Events, Involvements, Quarantined, Notes int
	CasesUpdated, MentionsUpdated                             int
}

// LoadExport stores a whole export in one transaction: if any record is bad
// nothing is stored, and the error names the stream, the record's position
// in it, and the field. The streams must not write to this Store.
func (s *Store) LoadExport(ctx context.Context, e Export) (LoadCounts, error) {
	const op = "store.LoadExport"
	var counts LoadCounts
	if e.Source == nil {
		return counts, pole.E(op, pole.Invalid("source", "an export needs its source"))
	}
	l := s.newLoad(ctx)
	if err := s.prepareSource(e.Source); err != nil {
		return counts, pole.E(op, err)
	}
	l.forces[e.Source.ID] = e.Source.Force
	err := s.bulk(ctx, func(bt bulkTx) error {
		_, err := bt.exec(ctx, s.eng.rebind(insertSQL("sources", sourceColumns)), s.sourceValues(e.Source)...)
		if err != nil {
			return s.classify(err, "file "+e.Source.SHA256+" of force "+e.Source.Force+" is already stored")
		}
		if e.Cases != nil {
			if counts.Cases, err = loadStream(ctx, s, bt, "case", "cases", caseColumns, e.Cases, l.caseValues); err != nil {
				return err
			}
		}
		if err := s.updateCases(ctx, bt, l, e.Source.ID, e.CaseUpdates); err != nil {
			return err
		}
		counts.CasesUpdated = len(e.CaseUpdates)
		if e.Mentions != nil {
			if counts.Mentions, err = loadStream(ctx, s, bt, "mention", "mentions", mentionInsertColumns, e.Mentions, l.mentionValues); err != nil {
				return err
			}
			if err := l.writeVictims(bt); err != nil {
				return err
			}
		}
		if err := s.updateMentions(ctx, bt, l, e.Source.ID, e.MentionUpdates); err != nil {
			return err
		}
		counts.MentionsUpdated = len(e.MentionUpdates)
		if e.Events != nil {
			if counts.Events, err = loadStream(ctx, s, bt, "event", "events", eventColumns, e.Events, l.eventValues); err != nil {
				return err
			}
		}
		if e.Involvements != nil {
			if counts.Involvements, err = loadStream(ctx, s, bt, "involvement", "involvements", involvementColumns, e.Involvements, l.involvementValues); err != nil {
				return err
			}
		}
		if e.Quarantine != nil {
			if counts.Quarantined, err = loadStream(ctx, s, bt, "quarantined row", "quarantine", quarantineColumns, e.Quarantine, l.quarantineValues); err != nil {
				return err
			}
		}
		if e.Notes != nil {
			if counts.Notes, err = loadStream(ctx, s, bt, "note", "ingest_notes", noteColumns, e.Notes, l.noteValues); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return LoadCounts{}, pole.E(op, err)
	}
	if err := s.settleNominal(ctx, l.nominal); err != nil {
		return counts, pole.E(op, fmt.Errorf("the export is stored; settling which nominal records are victims' failed, and they stay sealed: %w", err))
	}
	return counts, nil
}

// LoadCases writes many cases in one transaction: all of them or, at the
// first bad one, none. Each is given an id if it has none. As with every
// Load method, the stream must not write to this Store.
func (s *Store) LoadCases(ctx context.Context, cases iter.Seq2[*pole.Case, error]) (int, error) {
	l := s.newLoad(ctx)
	return s.loadOne(ctx, "store.LoadCases", func(bt bulkTx) (int, error) {
		return loadStream(ctx, s, bt, "case", "cases", caseColumns, cases, l.caseValues)
	})
}

// LoadMentions writes many mentions in one transaction: all of them or, at
// the first bad one, none. This is the path for large loads.
func (s *Store) LoadMentions(ctx context.Context, mentions iter.Seq2[*pole.Mention, error]) (int, error) {
	l := s.newLoad(ctx)
	n, err := s.loadOne(ctx, "store.LoadMentions", func(bt bulkTx) (int, error) {
		n, err := loadStream(ctx, s, bt, "mention", "mentions", mentionInsertColumns, mentions, l.mentionValues)
		if err != nil {
			return 0, err
		}
		return n, l.writeVictims(bt)
	})
	if err != nil {
		return n, err
	}
	return n, pole.E("store.LoadMentions", s.settleNominal(ctx, l.nominal))
}

// LoadEvents writes many events in one transaction: all or none.
func (s *Store) LoadEvents(ctx context.Context, events iter.Seq2[*pole.Event, error]) (int, error) {
	l := s.newLoad(ctx)
	return s.loadOne(ctx, "store.LoadEvents", func(bt bulkTx) (int, error) {
		return loadStream(ctx, s, bt, "event", "events", eventColumns, events, l.eventValues)
	})
}

func (s *Store) loadOne(ctx context.Context, op string, fn func(bt bulkTx) (int, error)) (int, error) {
	var n int
	err := s.bulk(ctx, func(bt bulkTx) error {
		var err error
		n, err = fn(bt)
		return err
	})
	if err != nil {
		return 0, pole.E(op, err)
	}
	return n, nil
}

// bulk runs fn in one bulk transaction, committed only if fn succeeds.
func (s *Store) bulk(ctx context.Context, fn func(bt bulkTx) error) error {
	bt, err := s.eng.beginBulk(ctx, s)
	if err != nil {
		return err
	}
	if err := fn(bt); err != nil {
		if rerr := bt.rollback(context.WithoutCancel(ctx)); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	return bt.commit(ctx)
}

// loadStream validates each record as it streams past and hands its values
// to the bulk transaction. Errors name the record by its position in the
// stream, from 1.
func loadStream[T any](ctx context.Context, s *Store, bt bulkTx, kind, table string, columns []string, records iter.Seq2[*T, error], values func(*T) ([]any, error)) (int, error) {
	next, stop := iter.Pull2(records)
	defer stop()
	n := 0
	rows, err := bt.insert(ctx, table, columns, func() ([]any, error) {
		rec, err, ok := next()
		if !ok {
			return nil, nil
		}
		n++
		if err != nil {
			return nil, fmt.Errorf("%s record %d: %w", kind, n, err)
		}
		vals, err := values(rec)
		if err != nil {
			return nil, pole.E(fmt.Sprintf("%s record %d", kind, n), err)
		}
		return vals, nil
	})
	if err == nil {
		return rows, nil
	}
	conflict := fmt.Sprintf("duplicates a %s stored before or earlier in this load", kind)
	var re *rowError
	if errors.As(err, &re) {
		return 0, pole.E(fmt.Sprintf("%s record %d", kind, re.row), s.classify(re.err, conflict))
	}
	return 0, s.classify(err, conflict)
}

// load holds what one bulk load computes once rather than per record: the
// load's timestamp and its bound form, and the force of each source seen.
type load struct {
	ctx    context.Context
	s      *Store
	now    time.Time
	nowArg any
	forces map[string]string
	// victims holds the sealed identities of the victims' mentions
	// streamed so far, written once the mentions are.
	victims []*sealedVictim
	// nominal holds the nominal index records stored or updated, and the
	// records given parts in cases: whose identities settleNominal decides
	// once the load is committed.
	nominal []string
}

func (s *Store) newLoad(ctx context.Context) *load {
	now := s.now()
	return &load{ctx: ctx, s: s, now: now, nowArg: s.eng.timeValue(now), forces: map[string]string{}}
}

// sourceForce finds the force of a stored source, asking the database once
// per source in a load.
func (l *load) sourceForce(id string) (string, error) {
	if f, ok := l.forces[id]; ok {
		return f, nil
	}
	if err := idArg("source_id", id); err != nil {
		return "", err
	}
	src, err := l.s.FindSourceByID(l.ctx, id)
	if pole.ErrorCode(err) == pole.ENOTFOUND {
		return "", pole.Invalid("source_id", "no source with id %s is stored", id)
	}
	if err != nil {
		return "", err
	}
	l.forces[id] = src.Force
	return src.Force, nil
}

// writeVictims writes the sealed identities and blind indexes of the
// victims a load's mentions stream held.
func (l *load) writeVictims(bt bulkTx) error {
	i := 0
	_, err := bt.insert(l.ctx, "victim_identities", victimIdentityColumns, func() ([]any, error) {
		if i == len(l.victims) {
			return nil, nil
		}
		i++
		return l.victims[i-1].identity, nil
	})
	if err != nil {
		return err
	}
	v, j := 0, 0
	_, err = bt.insert(l.ctx, "victim_index", victimIndexColumns, func() ([]any, error) {
		for v < len(l.victims) && j == len(l.victims[v].index) {
			v, j = v+1, 0
		}
		if v == len(l.victims) {
			return nil, nil
		}
		j++
		return l.victims[v].index[j-1], nil
	})
	l.victims = nil
	return err
}
