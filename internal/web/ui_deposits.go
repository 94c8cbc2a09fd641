package web

import (
	"net/http"
	"strconv"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/store"
)

// depositsPage: an agent sees cash on hand and records a deposit against its receipts; a
// branch officer sees the branch's deposits, explains variances, imports the bank statement
// and sees what did not match.
func (s *Server) depositsPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	data := map[string]any{}
	switch p.Role {
	case access.Agent:
		bal, err := s.db.BalanceIn(r.Context(), ledger.AgentCash(p.AgentID), p.Province)
		if err != nil {
			return err
		}
		und, err := s.db.UndepositedPayments(r.Context(), own(p, p.AgentID))
		if err != nil {
			return err
		}
		deps, err := s.db.Deposits(r.Context(), 0, p.AgentID)
		if err != nil {
			return err
		}
		data["Cash"], data["Undeposited"], data["Deposits"], data["Today"] = bal, und, deps, calendar.Today().String()
	case access.BranchOfficer, access.Admin:
		deps, err := s.db.Deposits(r.Context(), p.BranchID, 0)
		if err != nil {
			return err
		}
		data["Deposits"], data["Officer"] = deps, true
		if p.Role == access.BranchOfficer {
			lines, err := s.db.BankLines(r.Context(), p.BranchID)
			if err != nil {
				return err
			}
			var un []store.BankLine
			for _, l := range lines {
				if l.DepositID == 0 {
					un = append(un, l)
				}
			}
			data["Unmatched"], data["CanImport"] = un, true
		}
	default:
		return errs.Forbidden("deposits are kept by agents and branches")
	}
	pg := s.pageFor(r, &p, "deposits.title", data)
	s.renderPage(w, r, http.StatusOK, "deposits", pg)
	return nil
}

func (s *Server) depositForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if p.Role != access.Agent {
		return errs.Forbidden("agents record their own deposits")
	}
	amount, err := money.Parse(r.PostFormValue("amount"))
	if err != nil {
		return errs.Invalid("amount", "the amount on the slip, such as 428.300")
	}
	req := store.DepositRequest{AgentID: p.AgentID, Province: p.Province, SlipRef: r.PostFormValue("slip_ref"), Amount: amount}
	req.DepositedOn, _ = calendar.ParseDate(r.PostFormValue("deposited_on"))
	for _, v := range r.PostForm["payment_id"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			req.PaymentIDs = append(req.PaymentIDs, id)
		}
	}
	if _, err := s.db.RecordDeposit(r.Context(), actor(r, p), req); err != nil {
		return err
	}
	done(w, r, "/deposits", "ok.deposit_recorded")
	return nil
}

func (s *Server) resolveForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	d, err := s.depositInScope(r, p)
	if err != nil {
		return err
	}
	if err := s.db.ResolveVariance(r.Context(), actor(r, p), store.RefIn(d.Province, d.ID), r.PostFormValue("note")); err != nil {
		return err
	}
	done(w, r, "/deposits", "ok.variance_resolved")
	return nil
}

func (s *Server) statementForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	branch, err := statementBranch(r, p)
	if err != nil {
		return err
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		return errs.Invalid("file", "attach the statement CSV")
	}
	defer f.Close()
	if _, err := s.db.ImportBankStatement(r.Context(), actor(r, p), branch, f); err != nil {
		return err
	}
	done(w, r, "/deposits", "ok.statement_imported")
	return nil
}

// cashPage is an agent's cash account, movement by movement: its own for an agent (/cash), any
// agent's in scope for an officer (/agents/{id}/cash).
func (s *Server) cashPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var ref store.Ref
	if r.PathValue("id") == "" && p.Role != access.Agent {
		return errs.Forbidden("this is an agent's own cash page: open an agent's cash from the agents page")
	}
	if r.PathValue("id") != "" {
		var err error
		if ref, err = pathRef(r, p, "id"); err != nil {
			return err
		}
	}
	st, err := s.cashStatement(r, p, ref)
	if err != nil {
		return err
	}
	cash, err := s.db.BalanceIn(r.Context(), st.Account, st.Province) // now, whatever days the statement covers
	if err != nil {
		return err
	}
	data := map[string]any{"Statement": st, "Cash": cash}
	if p.Role != access.Agent {
		a, err := s.db.Agent(r.Context(), store.RefIn(st.Province, ref.ID))
		if err != nil {
			return err
		}
		data["AgentName"] = a.Name
	}
	s.renderPage(w, r, http.StatusOK, "cash", s.pageFor(r, &p, "cash.title", data))
	return nil
}
