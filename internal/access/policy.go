package access

import (
	"fmt"
	"slices"

	"github.com/caselink/caselink/internal/pole"
)

// Action is one thing the system lets a user do. Every handler, command and
// query names its action and asks Decide; docs/security.md holds the table
// that Decide implements, and a test holds the two to each other.
type Action string

// The actions. A read of personal data is an action of its own, so that it
// can be allowed, denied and audited on its own.
const (
	CaseRead         Action = "case.read"         // one case's details
	CaseList         Action = "case.list"         // search or list cases
	CaseRestrict     Action = "case.restrict"     // keep a case to a case team, or lift that
	PersonRead       Action = "person.read"       // one person record or entity profile
	PersonSearch     Action = "person.search"     // search people
	VictimReveal     Action = "victim.reveal"     // a victim's identity, with a stated purpose
	SourceIngest     Action = "source.ingest"     // load a force's export
	LinkRun          Action = "link.run"          // run linkage over every force's records
	LinkExplain      Action = "link.explain"      // the evidence for or against a link
	LinkJudge        Action = "link.judge"        // same / not the same / unsure; unmerge
	LinkExport       Action = "link.export"       // every record's entity id, all forces
	InterestRegister Action = "interest.register" // deconfliction: register interest in an entity
	NetworkRead      Action = "network.read"      // groups, key people, paths across forces
	NetworkExport    Action = "network.export"    // the network to an analyst's tool
	ReferralCreate   Action = "referral.create"   // refer a closed case for review
	ReviewRead       Action = "review.read"       // the review queue, a review, its triage, actions and history
	TriageRun        Action = "triage.run"        // score every referred case (reads every force's records)
	ReviewWork       Action = "review.work"       // take a triaged case, answer its checklist, put it to the panel
	ReviewDecide     Action = "review.decide"     // the panel: no further action confirmed, reinvestigate, or back to review
	ReviewConclude   Action = "review.conclude"   // record a reinvestigation's outcome
	ActionRaise      Action = "action.raise"      // raise an action on a review
	ActionAllocate   Action = "action.allocate"   // allocate an action to its owner
	ActionResult     Action = "action.result"     // record an action's result
	ActionFile       Action = "action.file"       // file a resulted action
	VictimContact    Action = "victim.contact"    // victims' deadlines, contact preferences, recording a victim told
	ReportProduce    Action = "report.produce"    // the nature-and-scale report (counts every force's records)
	UserManage       Action = "user.manage"       // add, list, disable users; issue tokens
	KeyRotate        Action = "key.rotate"        // rotate the victim identity key
	AuditRead        Action = "audit.read"        // read and export the audit log
	AuditVerify      Action = "audit.verify"      // prove the audit log whole
)

// Actions lists every action, in the order of the policy table.
var Actions = []Action{
	CaseRead, CaseList, CaseRestrict, PersonRead, PersonSearch, VictimReveal, SourceIngest,
	LinkRun, LinkExplain, LinkJudge, LinkExport, InterestRegister, NetworkRead, NetworkExport,
	ReferralCreate, ReviewRead, TriageRun, ReviewWork, ReviewDecide, ReviewConclude,
	ActionRaise, ActionAllocate, ActionResult, ActionFile, VictimContact, ReportProduce,
	UserManage, KeyRotate, AuditRead, AuditVerify,
}

// Reach is how far a role's permission for an action extends.
type Reach int

const (
	Denied   Reach = iota // not allowed at all
	OwnForce              // allowed on the user's own force's data only
	AnyForce              // allowed on every force's data
)

func (r Reach) String() string {
	switch r {
	case OwnForce:
		return "own"
	case AnyForce:
		return "all"
	}
	return "-"
}

// policy is the table of docs/security.md: for each action, how far each role
// reaches. A role or action missing from it is denied.
var policy = map[Action]map[pole.AccessRole]Reach{
	CaseRead: {
		pole.RoleNationalAnalyst: AnyForce, pole.RoleNationalReviewer: AnyForce, pole.RolePanelMember: AnyForce,
		pole.RoleForceInvestigator: OwnForce, pole.RoleForceSupervisor: OwnForce,
	},
	CaseList: {
		pole.RoleNationalAnalyst: AnyForce, pole.RoleNationalReviewer: AnyForce, pole.RolePanelMember: AnyForce,
		pole.RoleForceInvestigator: OwnForce, pole.RoleForceSupervisor: OwnForce,
	},
	CaseRestrict: {
		pole.RoleNationalReviewer: AnyForce, pole.RoleForceSupervisor: OwnForce,
	},
	PersonRead: {
		pole.RoleNationalAnalyst: AnyForce, pole.RoleNationalReviewer: AnyForce, pole.RolePanelMember: AnyForce,
		pole.RoleForceInvestigator: OwnForce, pole.RoleForceSupervisor: OwnForce,
	},
	PersonSearch: {
		pole.RoleNationalAnalyst: AnyForce, pole.RoleNationalReviewer: AnyForce, pole.RolePanelMember: AnyForce,
		pole.RoleForceInvestigator: OwnForce, pole.RoleForceSupervisor: OwnForce,
	},
	VictimReveal: {
		pole.RoleNationalReviewer:  AnyForce,
		pole.RoleForceInvestigator: OwnForce, pole.RoleForceSupervisor: OwnForce,
	},
	SourceIngest: {
		pole.RoleNationalAnalyst: AnyForce, pole.RoleForceSupervisor: OwnForce,
	},
	LinkRun: {
		pole.RoleNationalAnalyst: AnyForce,
	},
	LinkExplain: {
		pole.RoleNationalAnalyst: AnyForce, pole.RoleNationalReviewer: AnyForce,
		pole.RoleForceInvestigator: OwnForce, pole.RoleForceSupervisor: OwnForce,
	},
	LinkJudge: {
		pole.RoleNationalAnalyst: AnyForce, pole.RoleNationalReviewer: AnyForce,
		pole.RoleForceSupervisor: OwnForce,
	},
	LinkExport: {
		pole.RoleNationalAnalyst: AnyForce,
	},
	InterestRegister: {
		pole.RoleNationalAnalyst: AnyForce, pole.RoleNationalReviewer: AnyForce,
		pole.RoleForceInvestigator: OwnForce, pole.RoleForceSupervisor: OwnForce,
	},
	NetworkRead: {
		pole.RoleNationalAnalyst: AnyForce, pole.RoleNationalReviewer: AnyForce,
	},
	NetworkExport: {
		pole.RoleNationalAnalyst: AnyForce,
	},
	ReferralCreate: {
		pole.RoleNationalReviewer:  AnyForce,
		pole.RoleForceInvestigator: OwnForce, pole.RoleForceSupervisor: OwnForce,
	},
	ReviewRead: {
		pole.RoleNationalAnalyst: AnyForce, pole.RoleNationalReviewer: AnyForce, pole.RolePanelMember: AnyForce,
		pole.RoleForceInvestigator: OwnForce, pole.RoleForceSupervisor: OwnForce,
	},
	TriageRun: {
		pole.RoleNationalAnalyst: AnyForce, pole.RoleNationalReviewer: AnyForce,
	},
	ReviewWork: {
		pole.RoleNationalReviewer: AnyForce,
	},
	ReviewDecide: {
		pole.RolePanelMember: AnyForce,
	},
	ReviewConclude: {
		pole.RoleNationalReviewer: AnyForce, pole.RoleForceSupervisor: OwnForce,
	},
	ActionRaise: {
		pole.RoleNationalReviewer: AnyForce, pole.RolePanelMember: AnyForce, pole.RoleForceSupervisor: OwnForce,
	},
	ActionAllocate: {
		pole.RoleNationalReviewer: AnyForce, pole.RoleForceSupervisor: OwnForce,
	},
	ActionResult: {
		pole.RoleForceInvestigator: OwnForce, pole.RoleForceSupervisor: OwnForce,
	},
	ActionFile: {
		pole.RoleNationalReviewer: AnyForce, pole.RoleForceSupervisor: OwnForce,
	},
	VictimContact: {
		pole.RoleNationalReviewer:  AnyForce,
		pole.RoleForceInvestigator: OwnForce, pole.RoleForceSupervisor: OwnForce,
	},
	ReportProduce: {
		pole.RoleNationalAnalyst: AnyForce, pole.RoleNationalReviewer: AnyForce,
	},
	UserManage: {
		pole.RoleAdministrator: AnyForce,
	},
	KeyRotate: {
		pole.RoleAdministrator: AnyForce,
	},
	AuditRead: {
		pole.RoleAuditor: AnyForce,
	},
	AuditVerify: {
		pole.RoleAuditor: AnyForce, pole.RoleAdministrator: AnyForce,
	},
}

// Scope is what an API token may be used for. A signed-in user's session
// carries no scopes and is limited by roles alone.
type Scope string

const (
	ScopeRead   Scope = "read"
	ScopeIngest Scope = "ingest"
	ScopeLink   Scope = "link"
	ScopeAudit  Scope = "audit"
	ScopeAdmin  Scope = "admin"
	ScopeReview Scope = "review"
)

// Scopes lists every scope.
var Scopes = []Scope{ScopeRead, ScopeIngest, ScopeLink, ScopeReview, ScopeAudit, ScopeAdmin}

// scopeOf is the token scope each action needs.
var scopeOf = map[Action]Scope{
	CaseRead: ScopeRead, CaseList: ScopeRead, PersonRead: ScopeRead, PersonSearch: ScopeRead,
	VictimReveal: ScopeRead, LinkExplain: ScopeRead, InterestRegister: ScopeRead,
	SourceIngest: ScopeIngest,
	NetworkRead:  ScopeRead, NetworkExport: ScopeRead, ReportProduce: ScopeRead,
	CaseRestrict:   ScopeReview,
	ReviewRead:     ScopeRead,
	ReferralCreate: ScopeReview, TriageRun: ScopeReview, ReviewWork: ScopeReview, ReviewDecide: ScopeReview,
	ReviewConclude: ScopeReview, ActionRaise: ScopeReview, ActionAllocate: ScopeReview, ActionResult: ScopeReview,
	ActionFile: ScopeReview, VictimContact: ScopeReview,
	LinkRun: ScopeLink, LinkJudge: ScopeLink, LinkExport: ScopeLink,
	UserManage: ScopeAdmin, KeyRotate: ScopeAdmin,
	AuditRead: ScopeAudit, AuditVerify: ScopeAudit,
}

// Principal is who is asking: a signed-in user, or a machine client holding
// one of the user's API tokens (then Token is true and Scopes limit it).
type Principal struct {
	UserID string
	Login  string
	Force  string // a force code, or pole.NationalTeam
	Roles  []pole.AccessRole
	Teams  []string
	Token  bool
	Scopes []Scope
}

// PrincipalOf is the principal of a signed-in user.
func PrincipalOf(u *pole.User) Principal {
	return Principal{UserID: u.ID, Login: u.Login, Force: u.Force, Roles: u.Roles, Teams: u.Teams}
}

// Resource is what an action is done to. Force is the force that owns the
// data ("" when the action concerns no force's data, such as managing users
// or listing); Team, when set, restricts the record to one case team.
type Resource struct {
	Kind  string
	ID    string
	Force string
	Team  string
}

// Decision is Decide's answer. For an action on one force's data, Allowed
// says yes or no. For a list or search (a Resource with no Force), Allowed
// says whether the action is open to the principal at all, and AllForces or
// Forces say what the query must be limited to, inside the query.
type Decision struct {
	Allowed   bool
	AllForces bool
	Forces    []string
	Reason    string
}

// Decide is the policy decision point: the one place that says whether p may
// do a to r. It denies unless a rule allows.
func Decide(p Principal, a Action, r Resource) Decision {
	deny := func(format string, args ...any) Decision {
		return Decision{Reason: fmt.Sprintf(format, args...)}
	}
	rules, ok := policy[a]
	if !ok {
		return deny("%s is not an action", a)
	}
	if p.UserID == "" {
		return deny("not signed in")
	}
	if p.Token {
		need, ok := scopeOf[a]
		if !ok || !slices.Contains(p.Scopes, need) {
			return deny("the token lacks the %q scope that %s needs", need, a)
		}
	}
	reach := Denied
	for _, role := range p.Roles {
		reach = max(reach, rules[role])
	}
	if reach == Denied {
		return deny("no role of %s allows %s", p.Login, a)
	}
	if r.Team != "" && !slices.Contains(p.Teams, r.Team) {
		return deny("%s %s is restricted to case team %s", r.Kind, r.ID, r.Team)
	}
	// Allowing is the common path, on every read: its reasons are joined,
	// not formatted.
	switch {
	case r.Force == "" && reach == AnyForce:
		return Decision{Allowed: true, AllForces: true, Reason: p.Login + " may " + string(a) + " across forces"}
	case r.Force == "":
		return Decision{Allowed: true, Forces: []string{p.Force}, Reason: p.Login + " may " + string(a) + " within " + p.Force}
	case reach == AnyForce, r.Force == p.Force:
		return Decision{Allowed: true, Reason: p.Login + " may " + string(a) + " on " + r.Force + " data"}
	}
	return deny("%s belongs to %s; %s %s is held by %s", p.Login, p.Force, r.Kind, r.ID, r.Force)
}

// Reaches is how far p's roles extend for a, before scopes, teams and the
// resource are considered; docs/security.md's table is written in these terms.
func Reaches(role pole.AccessRole, a Action) Reach { return policy[a][role] }
