package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/audit"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store"
)

const userUsage = `Usage: caselink user add|list|disable|token [flags]

Manage who may sign in: people, and the API tokens of machine clients.

Subcommands:
  add LOGIN --name NAME --force CODE|national --role ROLE[,ROLE] [--team T[,T]] [--password-stdin]
            add a user; the password is asked for on the terminal, or read
            from the first line of standard input with --password-stdin
  list [--json]
            list users, never their password hashes or second-factor secrets
  disable LOGIN
            stop a user signing in, end their sessions and revoke their tokens
  token LOGIN --name N --scope S[,S] --expires 720h [--password-stdin] [--totp CODE]
            the user signs in and is issued an API token for a machine
            client acting for them; it is printed once

  passwd LOGIN [--password-stdin]
            the user changes their own password (the current one, then the
            new one: two lines with --password-stdin); their sessions end

Commands that read or change personal data act for the holder of the API
token in CASELINK_TOKEN. add, list and disable need an administrator's
token, but for the first user of a database: an administrator, added at
the console.`

// runUser dispatches "caselink user" and its subcommands, reading a new
// user's password from the process's standard input.
func runUser(ctx context.Context, m *Main, args []string) error {
	return userCommand{m: m, stdin: os.Stdin}.run(ctx, args)
}

// userCommand runs the user subcommands. Each returns what it changed (the
// user added, the Disablement, the token issued) so that the audit log can
// record it here when it is wired in.
type userCommand struct {
	m     *Main
	stdin io.Reader
}

func (c userCommand) run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fmt.Fprintln(c.m.stdout, userUsage)
		if len(args) == 0 {
			return pole.Invalid("command", "user needs a subcommand")
		}
		return nil
	}
	var err error
	switch args[0] {
	case "add":
		_, err = c.add(ctx, args[1:])
	case "list":
		err = c.list(ctx, args[1:])
	case "disable":
		_, err = c.disable(ctx, args[1:])
	case "token":
		_, err = c.token(ctx, args[1:])
	case "passwd":
		err = c.passwd(ctx, args[1:])
	default:
		err = pole.Invalid("command", "unknown user subcommand %q (add, list, disable, token or passwd)", args[0])
	}
	return err
}

// flags is a flag set for one subcommand, with its own usage line.
func (c userCommand) flags(sub, usage, summary string) *flag.FlagSet {
	fs := c.m.flags("user")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: caselink user %s %s\n\n%s.\n\nFlags:\n", sub, usage, summary)
		fs.PrintDefaults()
	}
	return fs
}

// oneLogin parses args and returns the one LOGIN they name.
func (c userCommand) oneLogin(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := c.m.parseWithArgs(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		fs.Usage()
		return "", pole.Invalid("login", "name one user, got %d arguments", len(pos))
	}
	return pos[0], nil
}

// admin opens a session for managing users: the holder of the API token
// must be an administrator. The first user of a database is the exception:
// with no user yet there is no one to hold a token, so the first
// administrator is added at the console, and the audit log says so.
func (c userCommand) admin(ctx context.Context, db *dbFlags, adding *pole.User) (*session, error) {
	x, err := c.m.openStoreWithKeys(ctx, db)
	if err != nil {
		return nil, err
	}
	if adding != nil {
		_, n, err := x.st.FindUsers(ctx, store.UserFilter{Limit: 1})
		if err != nil {
			x.Close()
			return nil, err
		}
		if n == 0 {
			if !adding.HasRole(pole.RoleAdministrator) {
				x.Close()
				return nil, pole.Invalid("role", "the first user must be an administrator, who then adds the others")
			}
			return x, nil
		}
	}
	if err := x.signIn(ctx, c.m.getenv(EnvToken)); err != nil {
		x.Close()
		return nil, err
	}
	if err := x.allow(ctx, access.UserManage, access.Resource{Kind: "user"}); err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

// splitList reads a comma-separated flag value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func (c userCommand) add(ctx context.Context, args []string) (added *pole.User, err error) {
	fs := c.flags("add", "LOGIN --name NAME --force CODE|national --role ROLE[,ROLE] [--team T[,T]] [--password-stdin]", "Add a user who signs in with a password")
	db := c.m.dbFlags(fs)
	name := fs.String("name", "", "the user's name as colleagues know it (required)")
	force := fs.String("force", "", "the user's force code, or "+pole.NationalTeam+" for the national team (required)")
	roles := fs.String("role", "", "roles, comma-separated (required): "+strings.Join(roleNames(), ", "))
	teams := fs.String("team", "", "case teams the user belongs to, comma-separated")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	login, err := c.oneLogin(fs, args)
	if err != nil {
		return nil, err
	}
	if *name == "" || *force == "" || *roles == "" {
		fs.Usage()
		return nil, pole.Invalid("flags", "add needs --name, --force and --role")
	}
	u := &pole.User{Login: login, Name: *name, Force: *force, Teams: splitList(*teams)}
	for _, r := range splitList(*roles) {
		u.Roles = append(u.Roles, pole.AccessRole(r))
	}
	// Check the user before asking for a password, with stand-ins for the
	// id and hash that the store and AddUser will give it.
	check := *u
	check.ID, check.PasswordHash = "00000000-0000-7000-8000-000000000000", "-"
	if err := check.Validate(); err != nil {
		return nil, err
	}
	pw, err := c.password(login, *fromStdin)
	if err != nil {
		return nil, err
	}
	x, err := c.admin(ctx, db, u)
	if err != nil {
		return nil, err
	}
	defer closeSession(x, &err)
	if err := x.auth.AddUser(ctx, u, pw); err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("%s, %s, roles %s", u.Login, u.Force, joinRoles(u.Roles))
	if x.who.UserID == "" {
		detail += "; the first administrator, added at the console"
	}
	if err := x.record(ctx, audit.Entry{Action: audit.UserAdded, RecordKind: "user", RecordIDs: []string{u.ID}, Detail: detail}); err != nil {
		return nil, err
	}
	fmt.Fprintf(c.m.stdout, "added %s (%s), %s, roles %s, id %s\n", u.Login, u.Name, u.Force, joinRoles(u.Roles), u.ID)
	return u, nil
}

// password reads a new user's password: the first line of standard input
// with --password-stdin, otherwise twice from the terminal without echo.
// It must be long enough before anything is opened.
func (c userCommand) password(login string, fromStdin bool) (string, error) {
	var pw string
	if fromStdin {
		line, err := bufio.NewReader(c.stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", pole.Invalid("password", "no password on standard input")
		}
		pw = strings.TrimRight(line, "\r\n")
	} else {
		f, ok := c.stdin.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return "", pole.Invalid("password", "standard input is not a terminal: give the password on it with --password-stdin")
		}
		var err error
		if pw, err = c.readHidden(f, "Password for "+login+": "); err != nil {
			return "", err
		}
		if err := access.CheckPasswordLength(pw); err != nil {
			return "", err
		}
		again, err := c.readHidden(f, "Again: ")
		if err != nil {
			return "", err
		}
		if again != pw {
			return "", pole.Invalid("password", "the two passwords differ")
		}
	}
	return pw, access.CheckPasswordLength(pw)
}

// signInPassword reads an existing user's password: the first line of
// standard input with --password-stdin, otherwise once from the terminal
// without echo.
func (c userCommand) signInPassword(login string, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(c.stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", pole.Invalid("password", "no password on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	f, ok := c.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", pole.Invalid("password", "standard input is not a terminal: give the password on it with --password-stdin")
	}
	return c.readHidden(f, "Password for "+login+": ")
}

func (c userCommand) readHidden(f *os.File, prompt string) (string, error) {
	fmt.Fprint(c.m.stderr, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(c.m.stderr)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	return string(b), nil
}

// userJSON is a user as list --json shows it: nothing secret.
type userJSON struct {
	ID        string            `json:"id"`
	Login     string            `json:"login"`
	Name      string            `json:"name"`
	Force     string            `json:"force"`
	Roles     []pole.AccessRole `json:"roles"`
	Teams     []string          `json:"teams"`
	Disabled  bool              `json:"disabled"`
	TOTP      bool              `json:"totp"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

func (c userCommand) list(ctx context.Context, args []string) (err error) {
	fs := c.flags("list", "[--json]", "List users, never their password hashes or second-factor secrets")
	db := c.m.dbFlags(fs)
	asJSON := fs.Bool("json", false, "print the users as a JSON array")
	if err := c.m.parse(fs, args); err != nil {
		return err
	}
	x, err := c.admin(ctx, db, nil)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	users, _, err := x.st.FindUsers(ctx, store.UserFilter{})
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]userJSON, len(users))
		for i, u := range users {
			out[i] = userJSON{ID: u.ID, Login: u.Login, Name: u.Name, Force: u.Force, Roles: u.Roles, Teams: u.Teams,
				Disabled: u.Disabled, TOTP: u.TOTPSecret != "", CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
		}
		enc := json.NewEncoder(c.m.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(c.m.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LOGIN\tNAME\tFORCE\tROLES\tTEAMS\tSTATUS\t2FA")
	for _, u := range users {
		status, second := "active", "no"
		if u.Disabled {
			status = "disabled"
		}
		if u.TOTPSecret != "" {
			second = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Login, u.Name, u.Force, joinRoles(u.Roles), strings.Join(u.Teams, ","), status, second)
	}
	return tw.Flush()
}

func (c userCommand) disable(ctx context.Context, args []string) (done *access.Disablement, err error) {
	fs := c.flags("disable", "LOGIN", "Stop a user signing in, end their sessions and revoke their API tokens")
	db := c.m.dbFlags(fs)
	login, err := c.oneLogin(fs, args)
	if err != nil {
		return nil, err
	}
	x, err := c.admin(ctx, db, nil)
	if err != nil {
		return nil, err
	}
	defer closeSession(x, &err)
	d, err := x.auth.DisableUser(ctx, login)
	if err != nil {
		return nil, err
	}
	err = x.record(ctx, audit.Entry{Action: audit.UserDisabled, RecordKind: "user", RecordIDs: []string{d.User.ID},
		Detail: fmt.Sprintf("%s: %d sessions ended, %d tokens revoked", d.User.Login, d.SessionsEnded, d.TokensRevoked)})
	if err != nil {
		return nil, err
	}
	was := ""
	if d.WasDisabled {
		was = " (already disabled)"
	}
	fmt.Fprintf(c.m.stdout, "disabled %s%s: %s ended, %s revoked\n", d.User.Login, was,
		plural(d.SessionsEnded, "session"), plural(d.TokensRevoked, "API token"))
	return d, nil
}

func (c userCommand) token(ctx context.Context, args []string) (issued *access.IssuedToken, err error) {
	fs := c.flags("token", "LOGIN --name N --scope S[,S] --expires 720h [--password-stdin] [--totp CODE]",
		"Issue an API token for a machine client acting for the user; it is printed once. The user signs in to issue it:\nno one else, an administrator included, can mint a token that acts as them")
	db := c.m.dbFlags(fs)
	name := fs.String("name", "", "what the token is for, to tell it from the user's others (required)")
	scopes := fs.String("scope", "", "scopes, comma-separated (required): "+joinScopes(access.Scopes))
	expires := fs.Duration("expires", 0, "how long the token lasts, at most 8760h (required)")
	fromStdin := fs.Bool("password-stdin", false, "read the user's password from the first line of standard input")
	code := fs.String("totp", "", "the user's current one-time code, if they turned on a second factor")
	login, err := c.oneLogin(fs, args)
	if err != nil {
		return nil, err
	}
	pw, err := c.signInPassword(login, *fromStdin)
	if err != nil {
		return nil, err
	}
	var list []access.Scope
	for _, sc := range splitList(*scopes) {
		list = append(list, access.Scope(sc))
	}
	x, err := c.m.openStoreWithKeys(ctx, db)
	if err != nil {
		return nil, err
	}
	defer closeSession(x, &err)
	// Signing in is throttled like any other, and the session it makes is
	// ended at once: the token is what the client keeps.
	in, err := x.auth.Login(ctx, access.LoginRequest{Login: login, Password: pw, TOTPCode: *code, Origin: "127.0.0.1"})
	if err != nil {
		if rerr := x.record(ctx, audit.Entry{Action: audit.LoginFailed, Outcome: audit.Denied, Detail: "token for " + login + ": " + pole.ErrorMessage(err)}); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return nil, err
	}
	if in.SweepErr != nil {
		fmt.Fprintf(c.m.stderr, "caselink: expired sessions were not swept: %v\n", in.SweepErr)
	}
	if err := x.auth.Logout(ctx, in.SessionID); err != nil {
		return nil, err
	}
	u := in.User
	x.who = access.PrincipalOf(u)
	tok, err := x.auth.IssueToken(ctx, u.ID, *name, list, *expires)
	if err != nil {
		return nil, err
	}
	err = x.record(ctx, audit.Entry{Action: "token_issued", RecordKind: "api_token", RecordIDs: []string{tok.Record.ID},
		Detail: fmt.Sprintf("for %s, scopes %s", u.Login, strings.Join(tok.Record.Scopes, ","))})
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(c.m.stdout, tok.Token)
	fmt.Fprintf(c.m.stderr, "token %q for %s, scopes %s, expires %s, id %s. It is shown only this once: store it now.\n",
		tok.Record.Name, u.Login, strings.Join(tok.Record.Scopes, ","), tok.Record.ExpiresAt.Format(time.RFC3339), tok.Record.ID)
	return tok, nil
}

func roleNames() []string {
	out := make([]string, len(pole.AccessRoles))
	for i, r := range pole.AccessRoles {
		out[i] = string(r)
	}
	return out
}

func joinRoles(roles []pole.AccessRole) string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return strings.Join(out, ",")
}

func joinScopes(scopes []access.Scope) string {
	out := make([]string, len(scopes))
	for i, s := range scopes {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// passwd lets a user change their own password, as after an administrator
// set the first one: the current password proves who they are.
func (c userCommand) passwd(ctx context.Context, args []string) (err error) {
	fs := c.flags("passwd", "LOGIN [--password-stdin]", "Change your own password; your sessions end")
	db := c.m.dbFlags(fs)
	fromStdin := fs.Bool("password-stdin", false, "read the current password, then the new one, a line each from standard input")
	login, err := c.oneLogin(fs, args)
	if err != nil {
		return err
	}
	var current, next string
	if *fromStdin {
		r := bufio.NewReader(c.stdin)
		lines := make([]string, 2)
		for i := range lines {
			line, err := r.ReadString('\n')
			if err != nil && !(errors.Is(err, io.EOF) && line != "") {
				return pole.Invalid("password", "give the current password and the new one, a line each, on standard input")
			}
			lines[i] = strings.TrimRight(line, "\r\n")
		}
		current, next = lines[0], lines[1]
	} else {
		if current, err = c.signInPassword(login, false); err != nil {
			return err
		}
		if next, err = c.password(login, false); err != nil {
			return err
		}
	}
	if err := access.CheckPasswordLength(next); err != nil {
		return err
	}
	x, err := c.m.openStoreWithKeys(ctx, db)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	u, err := x.st.FindUserByLogin(ctx, strings.ToLower(login))
	if err != nil {
		// One answer for an unknown login and a wrong password.
		return pole.Errorf(pole.EUNAUTHORIZED, "the login or password is wrong")
	}
	if err := x.auth.ChangePassword(ctx, u.ID, current, next, ""); err != nil {
		if rerr := x.record(ctx, audit.Entry{Action: audit.LoginFailed, Outcome: audit.Denied, Detail: "password change for " + u.Login + ": " + pole.ErrorMessage(err)}); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	x.who = access.PrincipalOf(u)
	if err := x.record(ctx, audit.Entry{Action: "password_changed", RecordKind: "user", RecordIDs: []string{u.ID}, Detail: "every session ended"}); err != nil {
		return err
	}
	fmt.Fprintf(c.m.stdout, "password changed for %s; every session of theirs has ended\n", u.Login)
	return nil
}
