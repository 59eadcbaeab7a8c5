package store

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

func insertSQL(table string, columns []string) string {
	return "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES (" +
		strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")"
}

// updateSQL sets every column but the first (the id) and selects by id.
func updateSQL(table string, columns []string) string {
	sets := make([]string, 0, len(columns)-1)
	for _, c := range columns[1:] {
		sets = append(sets, c+" = ?")
	}
	return "UPDATE " + table + " SET " + strings.Join(sets, ", ") + " WHERE id = ?"
}

// load is the bulk path shared by the Load methods: it validates each record
// as it streams past, names the first bad one by its position in the stream,
// and hands rows to the engine's bulk writer, which writes all or none.
func load[T any](ctx context.Context, s *Store, op, table string, columns []string, records iter.Seq2[*T, error], values func(*T) ([]any, error)) (int, error) {
	next, stop := iter.Pull2(records)
	defer stop()
	n := 0
	rows, err := s.eng.bulkInsert(ctx, s, table, columns, func() ([]any, error) {
		rec, err, ok := next()
		if !ok {
			return nil, nil
		}
		n++
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", n, err)
		}
		vals, err := values(rec)
		if err != nil {
			return nil, pole.E(fmt.Sprintf("record %d", n), err)
		}
		return vals, nil
	})
	if err != nil {
		return 0, pole.E(op, s.classify(err, fmt.Sprintf("a %s record near record %d is already stored", strings.TrimSuffix(table, "s"), n)))
	}
	return rows, nil
}
