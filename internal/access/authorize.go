package access

import (
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/region"
)

// Action is something a user asks to do.
type Action string

const (
	ReadRegions  Action = "regions.read"
	ReadBranch   Action = "branch.read"
	ManageBranch Action = "branch.manage"
	ReadUsers    Action = "users.read"
	ManageUsers  Action = "users.manage"
	ManageTokens Action = "tokens.manage" // one's own API tokens
	ReadAudit    Action = "audit.read"

	ReadNetwork   Action = "network.read"   // wadah and agreements: organisations
	ReadAgent     Action = "agent.read"     // an agent: a person (name, KPJ, phone, bank)
	ManageNetwork Action = "network.manage" // register wadah, agents; sign agreements

	ReadParticipant     Action = "participant.read" // personal data
	RegisterParticipant Action = "participant.register"
	EditParticipant     Action = "participant.edit"
	ReviewParticipant   Action = "participant.review"
	ImportParticipants  Action = "participant.import"

	TakePayment    Action = "payment.take"
	ReversePayment Action = "payment.reverse"
	VerifyLedger   Action = "ledger.verify"
	RecordDeposit  Action = "deposit.record"    // an agent's own cash
	Reconcile      Action = "deposit.reconcile" // a branch's deposits and statements

	FileClaim   Action = "claim.file"   // start, document and submit a claim for a participant
	DecideClaim Action = "claim.decide" // the branch: take, send back, approve, reject, pay
	ReadClaim   Action = "claim.read"   // health and family data: as a participant's

	ReadIncentive   Action = "incentive.read"   // an agent's statements: the agent, its wadah, its branch
	DecideIncentive Action = "incentive.decide" // the branch approves statements and pays them out

	// Dashboards: figures of regions, never of a person (issue 20). The region a viewer may
	// open is checked where the dashboard is read: its own region, a branch's regencies, and
	// what lies below them.
	ReadDashboard Action = "dashboard.read"
	PlanRegion    Action = "region.plan" // enter potential and set targets

	ReadSponsors   Action = "sponsor.read"
	ManageSponsors Action = "sponsor.manage"
	CreateSponsor  Action = "sponsor.create" // a sponsor of a region: only inside one's own
)

// Resource is the record an action touches, described by what scopes it belongs to. The zero
// value is a resource that belongs to nobody in particular (a list, the region tree).
type Resource struct {
	BranchID int64
	WadahID  int64
	AgentID  int64
	UserID   int64
	// Regions the record lies in: a branch's regencies, a wadah's village, a user's region.
	Regions []string
	// Office marks the branch office itself (its name, address, regencies), which the wadah
	// and agents under it may read. Anything else that names only a branch, such as a worker
	// no agent manages yet, is the branch staff's alone: "no agent" never means "everyone in
	// the branch".
	Office bool
}

// BranchOffice is the resource of a branch office itself.
func BranchOffice(id int64, regencies []string) Resource {
	return Resource{BranchID: id, Regions: regencies, Office: true}
}

type rule struct {
	roles  []Role
	scoped bool // the principal's scope must cover the resource
}

// policy is the whole table of who may do what. A new action gets a row here, nowhere else.
var policy = map[Action]rule{
	ReadRegions:  {roles: Roles},
	ReadBranch:   {roles: Roles, scoped: true},
	ManageBranch: {roles: []Role{Admin}},
	ReadUsers:    {roles: []Role{Admin, BranchOfficer}, scoped: true},
	ManageUsers:  {roles: []Role{Admin, BranchOfficer}, scoped: true},
	ManageTokens: {roles: Roles, scoped: true},
	ReadAudit:    {roles: []Role{Admin}},

	ReadNetwork:   {roles: Roles, scoped: true},
	ReadAgent:     {roles: []Role{Admin, BranchOfficer, WadahManager, Agent}, scoped: true},
	ManageNetwork: {roles: []Role{Admin, BranchOfficer}, scoped: true},

	// Government viewers see aggregates, never a person.
	ReadParticipant:     {roles: []Role{Admin, BranchOfficer, WadahManager, Agent}, scoped: true},
	RegisterParticipant: {roles: []Role{Admin, BranchOfficer, Agent}, scoped: true},
	EditParticipant:     {roles: []Role{Admin, BranchOfficer, Agent}, scoped: true},
	ReviewParticipant:   {roles: []Role{Admin, BranchOfficer}, scoped: true},
	ImportParticipants:  {roles: []Role{Admin, BranchOfficer, Agent}},

	TakePayment:    {roles: []Role{Admin, BranchOfficer, Agent}, scoped: true},
	ReversePayment: {roles: []Role{Admin, BranchOfficer}, scoped: true},
	VerifyLedger:   {roles: []Role{Admin}},
	RecordDeposit:  {roles: []Role{Admin, BranchOfficer, Agent}, scoped: true},
	Reconcile:      {roles: []Role{Admin, BranchOfficer}, scoped: true},

	FileClaim:   {roles: []Role{Admin, BranchOfficer, Agent}, scoped: true},
	DecideClaim: {roles: []Role{Admin, BranchOfficer}, scoped: true},
	ReadClaim:   {roles: []Role{Admin, BranchOfficer, WadahManager, Agent}, scoped: true},

	ReadIncentive:   {roles: []Role{Admin, BranchOfficer, WadahManager, Agent}, scoped: true},
	DecideIncentive: {roles: []Role{Admin, BranchOfficer}, scoped: true},

	ReadDashboard: {roles: []Role{Admin, BranchOfficer, Government}},
	PlanRegion:    {roles: []Role{Admin, BranchOfficer, Government}},

	ReadSponsors:   {roles: []Role{Admin, BranchOfficer, WadahManager, Government}},
	ManageSponsors: {roles: []Role{Admin, BranchOfficer}},
	CreateSponsor:  {roles: []Role{Admin, BranchOfficer}, scoped: true},
}

// Authorize returns nil when p may do a to r, and an error wrapping errs.ErrForbidden otherwise.
func Authorize(p Principal, a Action, r Resource) error {
	rl, ok := policy[a]
	if !ok {
		return errs.Forbidden("unknown action %s", a)
	}
	if !hasRole(rl.roles, p.Role) {
		return errs.Forbidden("%s may not %s", p.Role, a)
	}
	if rl.scoped && !p.Covers(r) {
		return errs.Forbidden("%s: outside %s's scope", a, p.Username)
	}
	return nil
}

// Covers reports whether the resource lies inside the principal's scope.
func (p Principal) Covers(r Resource) bool {
	if r.UserID != 0 && r.UserID == p.UserID {
		return true // one's own account
	}
	switch p.Role {
	case Admin:
		return true
	case BranchOfficer:
		return (r.BranchID != 0 && r.BranchID == p.BranchID) || anyWithin(r.Regions, p.Regencies)
	case WadahManager:
		return (r.WadahID != 0 && r.WadahID == p.WadahID) || (r.Office && r.BranchID == p.BranchID)
	case Agent:
		return (r.AgentID != 0 && r.AgentID == p.AgentID) || (r.Office && r.BranchID == p.BranchID)
	case Government:
		for _, c := range r.Regions {
			if region.Within(c, p.Region) || region.Within(p.Region, c) {
				return true
			}
		}
	}
	return false
}

func anyWithin(codes, areas []string) bool {
	for _, c := range codes {
		for _, a := range areas {
			if region.Within(c, a) {
				return true
			}
		}
	}
	return false
}

func hasRole(rs []Role, r Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}
