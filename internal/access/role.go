// Package access decides who may do what: roles, the scope each user is held to, password and
// token hashing, and Authorize, the one check every handler goes through.
package access

import (
	"fmt"

	"github.com/perisai/perisai/internal/errs"
)

// Role is what a user does in the network.
type Role string

const (
	Admin         Role = "admin"          // national operator: everything
	BranchOfficer Role = "branch_officer" // a Kantor Cabang's staff: the regencies it serves
	WadahManager  Role = "wadah_manager"  // a Bumdes's manager: its wadah and agents
	Agent         Role = "agent"          // a Perisai agent: its own participants
	Government    Role = "government"     // Dinas PMD, Forum Bumdes: aggregates in a region
)

// Roles lists every role in the order the UI offers them.
var Roles = []Role{Admin, BranchOfficer, WadahManager, Agent, Government}

// ParseRole accepts a role's name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", errs.Invalid("role", "unknown role %q (one of admin, branch_officer, wadah_manager, agent, government)", s)
}

// Principal is an authenticated user together with the scope they act in.
type Principal struct {
	UserID   int64
	Username string
	Name     string
	Role     Role
	Locale   string
	// Scope. Which fields are set depends on the role: a branch officer has BranchID and the
	// branch's Regencies; a wadah manager WadahID and its BranchID; an agent AgentID, WadahID
	// and BranchID; a government viewer Region (a province or regency code).
	BranchID  int64
	Regencies []string
	WadahID   int64
	AgentID   int64
	Region    string
	// Province is where the user works (its branch's province, or its region's), for the
	// local time pages show; empty for an admin.
	Province string
}

// Scope describes what a user is bound to when the user is created.
type Scope struct {
	// JSON names match the API: branch_id, wadah_id, agent_id, region.
	BranchID int64  `json:"branch_id,omitempty"`
	WadahID  int64  `json:"wadah_id,omitempty"`
	AgentID  int64  `json:"agent_id,omitempty"`
	Region   string `json:"region,omitempty"`
}

// CheckScope tells whether a scope fits a role: each role names exactly one kind of anchor.
func CheckScope(r Role, s Scope) error {
	set := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	n := set(s.BranchID != 0) + set(s.WadahID != 0) + set(s.AgentID != 0) + set(s.Region != "")
	var ok bool
	switch r {
	case Admin:
		ok = n == 0
	case BranchOfficer:
		ok = n == 1 && s.BranchID != 0
	case WadahManager:
		ok = n == 1 && s.WadahID != 0
	case Agent:
		ok = n == 1 && s.AgentID != 0
	case Government:
		ok = n == 1 && s.Region != ""
	default:
		return errs.Invalid("role", "unknown role %q", r)
	}
	if !ok {
		return errs.Invalid("scope", "%s", scopeHelp[r])
	}
	return nil
}

var scopeHelp = map[Role]string{
	Admin:         "an admin has no branch, wadah, agent or region",
	BranchOfficer: "a branch officer needs a branch and nothing else",
	WadahManager:  "a wadah manager needs a wadah and nothing else",
	Agent:         "an agent user needs an agent record and nothing else",
	Government:    "a government viewer needs a region (province or regency code) and nothing else",
}

func (p Principal) String() string { return fmt.Sprintf("%s(%s)", p.Username, p.Role) }
