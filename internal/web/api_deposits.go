package web

import (
	"io"
	"net/http"
	"strconv"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/store"
)

// cashAgent is the agent whose cash is meant: an agent's own, or one named by an officer.
func (s *Server) cashAgent(r *http.Request, p access.Principal, named store.Ref) (store.Ref, error) {
	if p.Role == access.Agent {
		if named.ID != 0 && named.ID != p.AgentID {
			return named, errs.Forbidden("an agent records only their own cash")
		}
		return store.Ref{ID: p.AgentID, Province: p.Province}, nil
	}
	if named.ID == 0 {
		return named, errs.Invalid("agent_id", "name the agent")
	}
	ag, err := s.agentInScope(r, p, named, access.RecordDeposit)
	return store.RefIn(ag.Province, ag.ID), err
}

func (s *Server) apiAgentCash(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return err
	}
	if ref, err = s.cashAgent(r, p, ref); err != nil {
		return err
	}
	bal, err := s.db.BalanceIn(r.Context(), ledger.AgentCash(ref.ID), ref.Province)
	if err != nil {
		return err
	}
	und, err := s.db.UndepositedPayments(r.Context(), ref)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"agent_id": ref.ID, "cash_on_hand": bal, "undeposited": und})
	return nil
}

// cashStatement is an agent's cash account over a period, the last 30 days by default.
func (s *Server) cashStatement(r *http.Request, p access.Principal, agent store.Ref) (store.Statement, error) {
	ref, err := s.cashAgent(r, p, agent)
	if err != nil {
		return store.Statement{}, err
	}
	id := ref.ID
	to, from := calendar.Today(), calendar.Today().AddDays(-29)
	for _, q := range []struct {
		name string
		d    *calendar.Date
	}{{"from", &from}, {"to", &to}} {
		if v := r.URL.Query().Get(q.name); v != "" {
			if *q.d, err = calendar.ParseDate(v); err != nil {
				return store.Statement{}, errs.Invalid(q.name, "a date is written YYYY-MM-DD")
			}
		}
	}
	st, err := s.db.Statement(r.Context(), ledger.AgentCash(id), ref.Province, from, to)
	if err != nil {
		return st, err
	}
	// The statement shows the agent and, through its payments, the people who paid.
	people, err := s.db.StatementPeople(r.Context(), id, st)
	if err != nil {
		return st, err
	}
	return st, s.db.RecordRead(r.Context(), actor(r, p), "read", "cash_statement", id, st.Province, from.String()+".."+to.String(), people)
}

func (s *Server) apiCashStatement(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return err
	}
	st, err := s.cashStatement(r, p, ref)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) apiRecordDeposit(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req store.DepositRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	prov, err := refProvince(r, p)
	if err != nil {
		return err
	}
	ref, err := s.cashAgent(r, p, store.Ref{ID: req.AgentID, Province: prov})
	if err != nil {
		return err
	}
	req.AgentID, req.Province = ref.ID, ref.Province
	d, err := s.db.RecordDeposit(r.Context(), actor(r, p), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) apiDeposits(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var list []store.Deposit
	var err error
	switch p.Role {
	case access.Agent:
		list, err = s.db.Deposits(r.Context(), 0, p.AgentID)
	case access.BranchOfficer:
		list, err = s.db.Deposits(r.Context(), p.BranchID, 0)
	case access.Admin:
		list, err = s.db.Deposits(r.Context(), 0, 0)
	default:
		return errs.Forbidden("deposits are kept by agents and branches")
	}
	if err != nil {
		return err
	}
	writePage(w, r, list)
	return nil
}

func (s *Server) depositInScope(r *http.Request, p access.Principal) (store.Deposit, error) {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return store.Deposit{}, err
	}
	d, err := s.db.Deposit(r.Context(), ref)
	if err != nil {
		return d, err
	}
	return d, access.Authorize(p, access.Reconcile, access.Resource{BranchID: d.BranchID})
}

func (s *Server) apiResolveVariance(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	d, err := s.depositInScope(r, p)
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.db.ResolveVariance(r.Context(), actor(r, p), store.RefIn(d.Province, d.ID), in.Note); err != nil {
		return err
	}
	d, err = s.db.Deposit(r.Context(), store.RefIn(d.Province, d.ID))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// statementBranch is the branch whose statement is imported: the officer's, or one an admin names.
func statementBranch(r *http.Request, p access.Principal) (int64, error) {
	if p.Role == access.BranchOfficer {
		return p.BranchID, nil
	}
	if p.Role != access.Admin {
		return 0, errs.Forbidden("bank statements are reconciled by a branch")
	}
	id, err := strconv.ParseInt(r.URL.Query().Get("branch_id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Invalid("branch_id", "name the branch whose statement it is")
	}
	return id, nil
}

// answerPayout is the API's answer to a payout: its id and its lines (an empty list, not null,
// when there was nothing to pay).
func answerPayout[T any](w http.ResponseWriter, batch int64, lines []T) {
	if lines == nil {
		lines = []T{}
	}
	writeJSON(w, http.StatusCreated, map[string]any{"payout_id": batch, "items": lines})
}

// downloadPayout hands a payout's bank file over as a CSV download named for the payout.
func downloadPayout(w http.ResponseWriter, name string, batch int64, write func(io.Writer) error) error {
	return sendFile(w, name+"-"+strconv.FormatInt(batch, 10), "csv", write)
}

// payingBranch is the branch whose payout p makes with a (its own, or the admin's branch_id).
func payingBranch(r *http.Request, p access.Principal, a access.Action) (int64, error) {
	branch, err := statementBranch(r, p)
	if err != nil {
		return 0, err
	}
	return branch, access.Authorize(p, a, access.Resource{BranchID: branch})
}

func (s *Server) apiImportStatement(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	branch, err := statementBranch(r, p)
	if err != nil {
		return err
	}
	_, data, err := readUpload(r)
	if err != nil {
		return err
	}
	rec, err := s.db.ImportBankStatement(r.Context(), actor(r, p), branch, bytesReader(data))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

func (s *Server) apiBankLines(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	branch, err := statementBranch(r, p)
	if err != nil {
		return err
	}
	lines, err := s.db.BankLines(r.Context(), branch)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("unmatched") == "true" {
		un := []store.BankLine{}
		for _, l := range lines {
			if l.DepositID == 0 {
				un = append(un, l)
			}
		}
		lines = un
	}
	writePage(w, r, lines)
	return nil
}
