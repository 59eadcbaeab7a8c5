package pole

import (
	"regexp"
	"slices"
	"time"
)

// AccessRole is what a user may do in the operation. A user holds one or
// more; the access policy decides what each allows.
type AccessRole string

const (
	RoleNationalAnalyst   AccessRole = "national_analyst"
	RoleNationalReviewer  AccessRole = "national_reviewer"
	RolePanelMember       AccessRole = "panel_member"
	RoleForceInvestigator AccessRole = "force_investigator"
	RoleForceSupervisor   AccessRole = "force_supervisor"
	RoleAuditor           AccessRole = "auditor"
	RoleAdministrator     AccessRole = "administrator"
)

// NationalTeam is the Force of a user in the national team.
const NationalTeam = "national"

const (
	maxLoginLength       = 64
	maxDisplayNameLength = 200
)

// AccessRoles lists every role.
var AccessRoles = []AccessRole{
	RoleNationalAnalyst, RoleNationalReviewer, RolePanelMember,
	RoleForceInvestigator, RoleForceSupervisor, RoleAuditor, RoleAdministrator,
}

// NationalRole reports whether r belongs to the national team rather than to
// a force.
func NationalRole(r AccessRole) bool {
	switch r {
	case RoleNationalAnalyst, RoleNationalReviewer, RolePanelMember:
		return true
	}
	return false
}

// User is a person who signs in. Force is a force code, or NationalTeam.
// PasswordHash is an Argon2id hash in PHC string form; TOTPSecret is empty
// unless the user turned on a second factor.
type User struct {
	ID           string
	Login        string
	Name         string
	Force        string
	Roles        []AccessRole
	Teams        []string // case teams the user belongs to
	Disabled     bool
	PasswordHash string
	TOTPSecret   string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Version      int
}

var loginPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// HasRole reports whether u holds r.
func (u *User) HasRole(r AccessRole) bool { return slices.Contains(u.Roles, r) }

// Validate checks that u can be stored, naming the first field at fault.
func (u *User) Validate() error {
	if err := validateID(u.ID); err != nil {
		return err
	}
	if len(u.Login) > maxLoginLength || !loginPattern.MatchString(u.Login) {
		return Invalid("login", "%q must be lower-case letters, digits, '.', '_' or '-', at most %d", u.Login, maxLoginLength)
	}
	if len(u.Name) > maxDisplayNameLength {
		return Invalid("name", "longer than %d bytes", maxDisplayNameLength)
	}
	if u.Force != NationalTeam {
		if _, ok := ForceByCode(u.Force); !ok {
			return Invalid("force", "%q is neither a force code nor %q", u.Force, NationalTeam)
		}
	}
	if len(u.Roles) == 0 || len(u.Roles) > len(AccessRoles) {
		return Invalid("roles", "a user holds between 1 and %d roles", len(AccessRoles))
	}
	for _, r := range u.Roles {
		if !slices.Contains(AccessRoles, r) {
			return Invalid("roles", "unknown role %q", r)
		}
		if NationalRole(r) && u.Force != NationalTeam {
			return Invalid("roles", "%s is a national role; the user's force is %s", r, u.Force)
		}
		if (r == RoleForceInvestigator || r == RoleForceSupervisor) && u.Force == NationalTeam {
			return Invalid("roles", "%s is a force role; the user belongs to the national team", r)
		}
	}
	if u.PasswordHash == "" {
		return Invalid("password_hash", "required")
	}
	return nil
}

// Reach is what of the records a list or search may cover, as the access
// policy decides it, for the store to apply inside its query: a search hit
// is itself a disclosure. Forces nil means every force; otherwise only
// these forces' records. A record of a case restricted to a case team is
// covered only if the team is one of Teams.
type Reach struct {
	Forces []string
	Teams  []string
}
