package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/keyring"
	"github.com/caselink/caselink/internal/pole"
)

const auditUsage = `Usage: caselink audit verify|export [flags]

The audit log: every collection, alteration, consultation, disclosure,
combination and erasure of personal data, and every refusal.

Subcommands:
  verify    prove the log whole, or name the first entry that was changed,
            deleted, reordered or inserted (an auditor's or administrator's token)
  export --from DATE --to DATE [--out FILE]
            write the entries in [from, to) as JSON Lines (an auditor's token);
            dates as 2006-01-02 or RFC 3339`

func runAudit(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprintln(m.stdout, auditUsage)
		if len(args) == 0 {
			return pole.Invalid("command", "audit needs a subcommand")
		}
		return nil
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(ctx, m, args[1:])
	case "export":
		return runAuditExport(ctx, m, args[1:])
	}
	return pole.Invalid("command", "unknown audit subcommand %q (verify or export)", args[0])
}

func runAuditVerify(ctx context.Context, m *Main, args []string) (err error) {
	fs := m.flags("audit")
	db := m.dbFlags(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	x, err := m.openSession(ctx, db, access.AuditVerify, access.Resource{Kind: "audit_log"})
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	v, err := x.keys.AuditVerifier()
	if err != nil {
		return err
	}
	start := time.Now()
	rep, verr := audit.Verify(ctx, x.st, v)
	took := time.Since(start)
	var detail, broken string
	switch {
	case verr == nil:
		detail = fmt.Sprintf("%d entries and %d checkpoints checked: whole", rep.Entries, rep.Checkpoints)
	case rep.OK():
		// Verify found no bad entry but could not read on (an entry that no
		// longer decodes, or the database failed): that proves neither way.
		broken = fmt.Sprintf("audit log NOT verified: the first %d entries are whole, and reading the entry after them failed", rep.Entries)
		detail = fmt.Sprintf("%d entries checked, then the log could not be read: %s", rep.Entries, pole.ErrorMessage(verr))
	default:
		broken = "audit log NOT whole: " + rep.Reason
		detail = fmt.Sprintf("%d entries checked: %s", rep.Entries, pole.ErrorMessage(verr))
	}
	// The verification is itself recorded, after the entries it checked.
	if err := x.record(ctx, audit.Entry{Action: "audit_verified", Detail: detail}); err != nil {
		return err
	}
	if verr != nil {
		fmt.Fprintln(m.stdout, broken)
		return verr
	}
	fmt.Fprintf(m.stdout, "audit log whole: %d entries, %d signed checkpoints (the last covers %d entries), verified in %.1fs\n",
		rep.Entries, rep.Checkpoints, rep.Signed, took.Seconds())
	return nil
}

func runAuditExport(ctx context.Context, m *Main, args []string) (err error) {
	fs := m.flags("audit")
	db := m.dbFlags(fs)
	fromFlag := fs.String("from", "", "first time to include (required)")
	toFlag := fs.String("to", "", "time to stop before (required)")
	out := fs.String("out", "", "file to write (default: standard output)")
	purpose := purposeFlag(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	from, err := parseWhen("from", *fromFlag)
	if err != nil {
		return err
	}
	to, err := parseWhen("to", *toFlag)
	if err != nil {
		return err
	}
	if !from.Before(to) {
		return pole.Invalid("to", "%s is not after --from %s", *toFlag, *fromFlag)
	}
	if err := needPurpose(*purpose); err != nil {
		return err
	}
	x, err := m.openSession(ctx, db, access.AuditRead, access.Resource{Kind: "audit_log"})
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	recipient := x.who.Login
	if *out != "" {
		recipient += " (file " + *out + ")"
	}
	span := from.Format(time.RFC3339) + "/" + to.Format(time.RFC3339)
	err = x.record(ctx, audit.Entry{Action: audit.Disclosure, RecordKind: "audit_log", RecordIDs: []string{span},
		Purpose: *purpose, Recipient: recipient, Detail: "audit export"})
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		n, err := audit.Export(ctx, x.st, from, to, w)
		if err == nil {
			fmt.Fprintf(m.stderr, "%d entries\n", n)
		}
		return err
	}
	if *out == "" {
		return write(m.stdout)
	}
	return writeFileAtomic(*out, write)
}

// parseWhen reads a date or an RFC 3339 time, in UTC.
func parseWhen(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, pole.Invalid(field, "required: a date (2006-01-02) or an RFC 3339 time")
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, pole.Invalid(field, "%s is neither a date (2006-01-02) nor an RFC 3339 time", strconv.Quote(v))
	}
	return t.UTC(), nil
}

const keyUsage = `Usage: caselink key new|rotate [flags]

The key file seals victims' identities and signs the audit log. Keep it
apart from the database and its backups, readable by caselink alone.

Subcommands:
  new --out FILE
            write a new key file (mode 0600) and print the audit verifier key
  rotate [--db DSN] --key-file FILE
            add a new data key, make it current, save the file, and reseal
            every sealed value under it (an administrator's token)`

func runKey(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprintln(m.stdout, keyUsage)
		if len(args) == 0 {
			return pole.Invalid("command", "key needs a subcommand")
		}
		return nil
	}
	switch args[0] {
	case "new":
		return runKeyNew(m, args[1:])
	case "rotate":
		return runKeyRotate(ctx, m, args[1:])
	}
	return pole.Invalid("command", "unknown key subcommand %q (new or rotate)", args[0])
}

func runKeyNew(m *Main, args []string) error {
	fs := m.flags("key")
	out := fs.String("out", "", "the key file to write (required; it must not exist)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return pole.Invalid("out", "key new needs --out FILE")
	}
	ring, err := keyring.Generate()
	if err != nil {
		return err
	}
	// Never over an existing file: what it sealed would be lost.
	if err := ring.SaveNew(*out); err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "wrote %s\naudit verifier key (give it to your auditors): %s\n", *out, ring.AuditVerifierKey())
	return nil
}

func runKeyRotate(ctx context.Context, m *Main, args []string) (err error) {
	fs := m.flags("key")
	db := m.dbFlags(fs)
	if err := m.parse(fs, args); err != nil {
		return err
	}
	path := *db.keyFile
	if path == "" {
		path = m.getenv(keyring.EnvKeyFile)
	}
	if path == "" {
		return pole.Invalid("key-file", "rotate rewrites the key file: name it with --key-file or %s", keyring.EnvKeyFile)
	}
	*db.keyFile = path
	x, err := m.openSession(ctx, db, access.KeyRotate, access.Resource{Kind: "key"})
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	old, _ := x.keys.Current()
	id := x.keys.Rotate()
	// The file holds the new key before anything is sealed with it.
	if err := x.keys.Save(path); err != nil {
		return err
	}
	if err := x.record(ctx, audit.Entry{Action: audit.KeyRotated, RecordKind: "key", RecordIDs: []string{id}, Detail: "data key " + old + " replaced by " + id}); err != nil {
		return err
	}
	n, err := x.st.Reseal(ctx)
	if err != nil {
		return fmt.Errorf("%w (the new key %s is saved and current; values not yet moved still open with %s, and 'caselink key rotate' run again moves every one to a newer key)", err, id, old)
	}
	fmt.Fprintf(m.stdout, "data key %s is current (was %s); %d sealed values moved to it. Keep %s: older backups need it.\n", id, old, n, old)
	return nil
}
