package cli

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

func runVersion(ctx context.Context, m *Main, args []string) error {
	fs := m.flags("version")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	v, rev := "(devel)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				rev = " " + s.Value
			}
		}
	}
	fmt.Fprintf(m.stdout, "caselink %s%s %s\nschema version %d\n", v, rev, runtime.Version(), store.SchemaTarget())
	return nil
}

func runHelp(ctx context.Context, m *Main, args []string) error {
	fs := m.flags("help")
	fs.SetOutput(m.stdout) // help asked of help is still help
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil
		}
		return pole.Invalid("flags", "%v", err)
	}
	args = fs.Args()
	if len(args) == 0 {
		m.usage(m.stdout)
		return nil
	}
	return m.Run(ctx, []string{args[0], "--help"})
}
