package cli

import (
	"context"
	"fmt"

	"github.com/caselink/caselink/internal/store"
)

func runMigrate(ctx context.Context, m *Main, args []string) error {
	fs := m.flags("migrate")
	db := m.dbFlag(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	s, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	cur, _, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "applied %d migrations; %s schema is at version %d\n", n, s.Engine(), cur)
	return nil
}
