package access

import (
	"errors"
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/errs"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, "correct horse") {
		t.Fatalf("hash %q", h)
	}
	if !CheckPassword(h, "correct horse battery") || CheckPassword(h, "correct horse batterY") {
		t.Fatal("check")
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("no salt")
	}
	if _, err := HashPassword("short"); !errors.Is(err, errs.ErrInvalid) {
		t.Fatalf("short password: %v", err)
	}
}

func TestCheckScope(t *testing.T) {
	cases := []struct {
		role Role
		s    Scope
		ok   bool
	}{
		{Admin, Scope{}, true},
		{Admin, Scope{BranchID: 1}, false},
		{BranchOfficer, Scope{BranchID: 1}, true},
		{BranchOfficer, Scope{}, false},
		{BranchOfficer, Scope{BranchID: 1, Region: "51"}, false},
		{WadahManager, Scope{WadahID: 1}, true},
		{Agent, Scope{AgentID: 1}, true},
		{Agent, Scope{WadahID: 1}, false},
		{Government, Scope{Region: "51"}, true},
		{Government, Scope{}, false},
	}
	for _, c := range cases {
		if err := CheckScope(c.role, c.s); (err == nil) != c.ok {
			t.Errorf("%s %+v: %v", c.role, c.s, err)
		}
	}
}

func TestAuthorize(t *testing.T) {
	denpasar := Principal{UserID: 1, Username: "kc1", Role: BranchOfficer, BranchID: 10, Regencies: []string{"51.71", "51.03"}}
	gianyar := Principal{UserID: 2, Username: "kc2", Role: BranchOfficer, BranchID: 20, Regencies: []string{"51.04"}}
	bali := Principal{UserID: 3, Username: "pmd", Role: Government, Region: "51"}
	badung := Principal{UserID: 4, Username: "pmd-badung", Role: Government, Region: "51.03"}
	manager := Principal{UserID: 5, Username: "bumdes", Role: WadahManager, WadahID: 100, BranchID: 10}
	agent := Principal{UserID: 6, Username: "agen", Role: Agent, AgentID: 1000, WadahID: 100, BranchID: 10}
	admin := Principal{UserID: 7, Username: "admin", Role: Admin}

	branchDenpasar := BranchOffice(10, []string{"51.71", "51.03"})
	branchGianyar := BranchOffice(20, []string{"51.04"})
	// A worker of the branch no agent manages yet, and an agent's own participant record
	// (which belongs to its wadah).
	unassigned := Resource{BranchID: 10, Regions: []string{"51.03.02.2001"}}
	agentsOwn := Resource{BranchID: 10, WadahID: 100, Regions: []string{"51.03.02.2001"}}
	otherAgents := Resource{BranchID: 10, WadahID: 100, AgentID: 1001, Regions: []string{"51.03.02.2001"}}
	userInBadung := Resource{UserID: 99, BranchID: 10, WadahID: 100, Regions: []string{"51.03.01.1001"}}

	cases := []struct {
		name string
		p    Principal
		a    Action
		r    Resource
		ok   bool
	}{
		{"officer reads own branch", denpasar, ReadBranch, branchDenpasar, true},
		{"officer reads another branch", denpasar, ReadBranch, branchGianyar, false},
		{"other officer reads own", gianyar, ReadBranch, branchGianyar, true},
		{"provincial viewer reads any Bali branch", bali, ReadBranch, branchGianyar, true},
		{"regency viewer reads the branch serving it", badung, ReadBranch, branchDenpasar, true},
		{"regency viewer reads a branch elsewhere", badung, ReadBranch, branchGianyar, false},
		{"manager reads own branch", manager, ReadBranch, branchDenpasar, true},
		{"manager reads another branch", manager, ReadBranch, branchGianyar, false},
		{"agent reads own branch", agent, ReadBranch, branchDenpasar, true},
		// Security issue 16 §1: "no agent" is not "everyone in the branch".
		{"officer reads an unassigned worker", denpasar, ReadParticipant, unassigned, true},
		{"agent may not read an unassigned worker", agent, ReadParticipant, unassigned, false},
		{"agent may not pay for an unassigned worker", agent, TakePayment, unassigned, false},
		{"manager may not read an unassigned worker", manager, ReadParticipant, unassigned, false},
		{"manager reads its agent's own record", manager, ReadParticipant, agentsOwn, true},
		{"agent may not read another agent's own record", agent, ReadParticipant, agentsOwn, false},
		{"agent may not read another agent's worker", agent, ReadParticipant, otherAgents, false},
		{"a branch-only resource without Office is not the office", agent, ReadBranch, Resource{BranchID: 10}, false},
		{"government may not read an agent", bali, ReadAgent, Resource{BranchID: 10, WadahID: 100, AgentID: 1000, Regions: []string{"51.03.02.2001"}}, false},
		{"manager reads its agents", manager, ReadAgent, Resource{BranchID: 10, WadahID: 100, AgentID: 1000}, true},
		{"only admin manages branches", denpasar, ManageBranch, branchDenpasar, false},
		{"admin manages branches", admin, ManageBranch, branchGianyar, true},
		{"officer manages a user in its regencies", denpasar, ManageUsers, userInBadung, true},
		{"other officer may not", gianyar, ManageUsers, userInBadung, false},
		{"manager may not manage users", manager, ManageUsers, userInBadung, false},
		{"government may not manage users", bali, ManageUsers, userInBadung, false},
		{"agent manages own tokens", agent, ManageTokens, Resource{UserID: 6}, true},
		{"agent may not manage another's tokens", agent, ManageTokens, Resource{UserID: 5}, false},
		{"audit is admin's", denpasar, ReadAudit, Resource{}, false},
		{"admin reads audit", admin, ReadAudit, Resource{}, true},
		{"everyone reads regions", agent, ReadRegions, Resource{}, true},
		{"unknown action refused", admin, Action("x"), Resource{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Authorize(c.p, c.a, c.r)
			if c.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !c.ok && !errors.Is(err, errs.ErrForbidden) {
				t.Fatalf("allowed (%v)", err)
			}
		})
	}
}
