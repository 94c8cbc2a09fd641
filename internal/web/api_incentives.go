package web

import (
	"encoding/csv"
	"io"
	"net/http"
	"strconv"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/bulkimport"
	"github.com/perisai/perisai/internal/store"
)

// incentiveFilter is the statements a principal sees: the branch's for an officer, the
// wadah's for a manager, the agent's own; an admin may narrow by branch.
func incentiveFilter(r *http.Request, p access.Principal) (store.IncentiveFilter, error) {
	if err := access.Authorize(p, access.ReadIncentive, access.Resource{BranchID: p.BranchID, WadahID: p.WadahID, AgentID: p.AgentID, Regions: scopeRegions(p)}); err != nil {
		return store.IncentiveFilter{}, err
	}
	f := store.IncentiveFilter{State: r.URL.Query().Get("state")}
	switch p.Role {
	case access.BranchOfficer:
		f.BranchID = p.BranchID
	case access.WadahManager:
		f.WadahID = p.WadahID
	case access.Agent:
		f.AgentID = p.AgentID
	case access.Admin:
		f.BranchID, _ = strconv.ParseInt(r.URL.Query().Get("branch_id"), 10, 64)
	}
	return f, nil
}

// statementInScope loads a statement p may do a to.
func (s *Server) statementInScope(r *http.Request, p access.Principal, a access.Action) (store.IncentiveStatement, error) {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return store.IncentiveStatement{}, err
	}
	st, err := s.db.IncentiveStatementByID(r.Context(), ref)
	if err != nil {
		return st, err
	}
	return st, access.Authorize(p, a, access.Resource{BranchID: st.BranchID, WadahID: st.WadahID, AgentID: st.AgentID})
}

func (s *Server) apiIncentiveStatements(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	f, err := incentiveFilter(r, p)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = limitOffset(r)
	list, total, err := s.db.IncentiveStatements(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listAnswer(r, list, total, f.Limit, f.Offset))
	return nil
}

func (s *Server) apiIncentiveStatement(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	st, err := s.statementInScope(r, p, access.ReadIncentive)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// apiApproveIncentive is the checker's step: the run issued the statement, a branch officer
// approves it, and it becomes payable to the wadah.
func (s *Server) apiApproveIncentive(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	st, err := s.statementInScope(r, p, access.DecideIncentive)
	if err != nil {
		return err
	}
	if err := s.db.ApproveIncentive(r.Context(), actor(r, p), st.BranchID, store.RefIn(st.Province, st.ID)); err != nil {
		return err
	}
	st, err = s.db.IncentiveStatementByID(r.Context(), store.RefIn(st.Province, st.ID))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// apiIncentivePayout pays the branch's approved statements: the bank file's lines, each once.
func (s *Server) apiIncentivePayout(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	branch, err := payingBranch(r, p, access.DecideIncentive)
	if err != nil {
		return err
	}
	batch, lines, err := s.db.PayIncentives(r.Context(), actor(r, p), branch)
	if err != nil {
		return err
	}
	answerPayout(w, batch, lines)
	return nil
}

// writeIncentivePayoutCSV writes an incentive payout for the bank's bulk transfer.
func writeIncentivePayoutCSV(w io.Writer, lines []store.IncentivePayoutLine) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"statement", "month", "bumdes", "agent", "bank", "account", "amount"})
	for _, l := range lines {
		_ = cw.Write([]string{strconv.FormatInt(l.StatementID, 10), l.Month.String(), bulkimport.SafeCell(l.WadahName), bulkimport.SafeCell(l.AgentName),
			bulkimport.SafeCell(l.BankName), l.BankAccount, strconv.FormatInt(l.Amount, 10)})
	}
	cw.Flush()
	return cw.Error()
}
