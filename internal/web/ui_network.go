package web

import (
	"net/http"
	"strings"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/i18n"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/store"
)

// done sends the browser back to a list page with a message key to show.
func done(w http.ResponseWriter, r *http.Request, path, msgKey string) {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	http.Redirect(w, r, path+sep+"ok="+msgKey, http.StatusSeeOther)
}

// flash is the message a redirect asked for, in the page's language.
func flash(r *http.Request, pg *page) {
	if k := r.URL.Query().Get("ok"); k != "" && strings.HasPrefix(k, "ok.") {
		pg.Flash = i18n.T(pg.Lang, k)
	}
}

func (s *Server) wadahPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReadNetwork, access.Resource{BranchID: p.BranchID, WadahID: p.WadahID, Regions: scopeRegions(p)}); err != nil {
		return err
	}
	branch, wadah := networkScope(p)
	f := store.WadahFilter{BranchID: branch, PerisaiOnly: r.URL.Query().Get("all") == "", Within: p.Region}
	list, err := s.db.WadahList(r.Context(), f)
	if err != nil {
		return err
	}
	type row struct {
		network.Wadah
		VillageName string
	}
	var rows []row
	for _, x := range list {
		if wadah != 0 && x.ID != wadah {
			continue
		}
		a, _ := s.tree.Get(x.Village)
		rows = append(rows, row{forViewer(p, x), a.Name})
	}
	pager := newPager(r, lang(r, &p), len(rows), perPage)
	pg := s.pageFor(r, &p, "wadah.title", map[string]any{"Items": window(rows, pager), "Pager": pager, "All": r.URL.Query().Get("all") != "",
		"VillagePicker": regionInput{Name: "village", Level: "village", Choices: villageChoices(s.tree, p.Regencies)},
		"CanManage":     p.Role == access.Admin || p.Role == access.BranchOfficer})
	s.renderPage(w, r, http.StatusOK, "wadah", pg)
	return nil
}

func (s *Server) createWadahForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	x := network.Wadah{Name: r.PostFormValue("name"), Village: regionCode(r.PostFormValue("village")),
		LegalNumber: r.PostFormValue("legal_number"), ContactName: r.PostFormValue("contact_name"), ContactPhone: r.PostFormValue("contact_phone"),
		BankName: r.PostFormValue("bank_name"), BankAccount: strings.TrimSpace(r.PostFormValue("bank_account")),
		IsPerisai: r.PostFormValue("is_perisai") == "on", IsParticipant: r.PostFormValue("is_participant") == "on"}
	if err := access.Authorize(p, access.ManageNetwork, access.Resource{Regions: []string{x.Village}}); err != nil {
		return err
	}
	if err := s.db.CreateWadah(r.Context(), actor(r, p), &x); err != nil {
		return err
	}
	done(w, r, "/wadah", "ok.wadah_created")
	return nil
}

// networkPage is what the agents and agreements pages share: who may open them, the scope
// they list, and the wadah to name and choose from.
func (s *Server) networkPage(r *http.Request, p access.Principal) (branch, wadah int64, ws []network.Wadah, names map[int64]string, err error) {
	if p.Role != access.Admin && p.Role != access.BranchOfficer && p.Role != access.WadahManager {
		return 0, 0, nil, nil, errs.Forbidden("agents and agreements are kept by branches and wadah")
	}
	branch, wadah = networkScope(p)
	if ws, err = s.db.WadahList(r.Context(), store.WadahFilter{BranchID: branch, PerisaiOnly: true}); err != nil {
		return
	}
	names = map[int64]string{}
	for _, x := range ws {
		names[x.ID] = x.Name
	}
	return
}

func (s *Server) agentsPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	branch, wadah, ws, names, err := s.networkPage(r, p)
	if err != nil {
		return err
	}
	all, err := s.db.Agents(r.Context(), store.AgentFilter{BranchID: branch, WadahID: wadah})
	if err != nil {
		return err
	}
	pager := newPager(r, lang(r, &p), len(all), perPage)
	list := window(all, pager)
	if err := s.sawAgents(r, p, list...); err != nil {
		return err
	}
	// Whom an agent's participants may be handed to: the active agents of its wadah, by name.
	colleagues := map[int64][]network.Agent{}
	villages := map[string]string{}
	for _, a := range all {
		if a.Status == network.AgentActive {
			colleagues[a.WadahID] = append(colleagues[a.WadahID], a)
		}
	}
	for _, a := range list {
		for _, v := range a.Villages {
			if area, ok := s.tree.Get(v); ok {
				villages[v] = area.Name
			}
		}
	}
	pg := s.pageFor(r, &p, "agents.title", map[string]any{"Items": list, "Pager": pager, "Wadah": ws, "WadahNames": names,
		"Colleagues": colleagues, "VillageNames": villages,
		"VillagePicker": regionInput{Name: "villages", Level: "village", Choices: villageChoices(s.tree, p.Regencies)},
		"CanManage":     p.Role == access.Admin || p.Role == access.BranchOfficer})
	s.renderPage(w, r, http.StatusOK, "agents", pg)
	return nil
}

func (s *Server) createAgentForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	wadahID := formInt(r, "wadah_id")
	prov, err := refProvince(r, p)
	if err != nil {
		return err
	}
	if err := s.manageWadah(r, p, store.Ref{ID: wadahID, Province: prov}); err != nil {
		return err
	}
	// The agent is found by participant number, as an officer has it on paper.
	found, err := s.db.Participants(r.Context(), actor(r, p), store.ParticipantFilter{Query: strings.TrimSpace(r.PostFormValue("kpj")), Limit: 1})
	if err != nil {
		return err
	}
	if len(found) != 1 {
		return errs.Invalid("kpj", "no participant with number %q: register the agent as a participant first", r.PostFormValue("kpj"))
	}
	trained, _ := calendar.ParseDate(r.PostFormValue("trained_on"))
	ag := network.Agent{WadahID: wadahID, ParticipantID: found[0].ID, Phone: r.PostFormValue("phone"), BankName: r.PostFormValue("bank_name"),
		BankAccount: strings.TrimSpace(r.PostFormValue("bank_account")), TrainedOn: trained}
	for _, v := range r.PostForm["villages"] {
		if c := regionCode(v); c != "" {
			ag.Villages = append(ag.Villages, c)
		}
	}
	if err := s.db.CreateAgent(r.Context(), actor(r, p), &ag, calendar.Today()); err != nil {
		return err
	}
	done(w, r, "/agents", "ok.agent_created")
	return nil
}

func (s *Server) agentStatusForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	id, err := s.managedAgent(r, p)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	if err := s.db.SetAgentStatus(r.Context(), actor(r, p), s.rs(), id, network.AgentStatus(r.PostFormValue("status")), r.PostFormValue("reason"), calendar.Today()); err != nil {
		return err
	}
	done(w, r, "/agents", "ok.agent_status")
	return nil
}

func (s *Server) cashLimitsForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	id, err := s.managedAgent(r, p)
	if err != nil {
		return err
	}
	var lim network.CashLimits
	if lim.MaxCashOnHand, err = formAmount(r, "max_cash_on_hand"); err != nil {
		return err
	}
	days, err := formWhole(r, "max_receipt_age_days")
	if err != nil {
		return err
	}
	lim.MaxReceiptAgeDays = int(days)
	if err := s.db.SetAgentCashLimits(r.Context(), actor(r, p), id, lim); err != nil {
		return err
	}
	done(w, r, "/agents", "ok.cash_limits")
	return nil
}

func (s *Server) handOverForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	id, err := s.managedAgent(r, p)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	if _, err := s.db.HandOver(r.Context(), actor(r, p), id, formInt(r, "to_agent_id")); err != nil {
		return err
	}
	done(w, r, "/agents", "ok.handover")
	return nil
}

func (s *Server) agreementsPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	branch, wadah, ws, names, err := s.networkPage(r, p)
	if err != nil {
		return err
	}
	list, err := s.db.Agreements(r.Context(), store.AgreementFilter{BranchID: branch, WadahID: wadah})
	if err != nil {
		return err
	}
	today := calendar.Today()
	for i := range list {
		list[i].Status = list[i].EffectiveStatus(today)
	}
	n, _ := s.rs().NetworkAt(today)
	pg := s.pageFor(r, &p, "agreements.title", map[string]any{"Items": list, "Wadah": ws, "WadahNames": names, "Rules": n,
		"Start": today.MonthOf().First().String(), "End": today.MonthOf().First().AddMonths(n.MaxAgreementMonths).AddDays(-1).String(),
		"CanManage": p.Role == access.Admin || p.Role == access.BranchOfficer})
	s.renderPage(w, r, http.StatusOK, "agreements", pg)
	return nil
}

func (s *Server) createAgreementForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	a := network.Agreement{WadahID: formInt(r, "wadah_id"), Number: r.PostFormValue("number")}
	a.Starts, _ = calendar.ParseDate(r.PostFormValue("starts"))
	a.Ends, _ = calendar.ParseDate(r.PostFormValue("ends"))
	prov, err := refProvince(r, p)
	if err != nil {
		return err
	}
	if err := s.manageWadah(r, p, store.Ref{ID: a.WadahID, Province: prov}); err != nil {
		return err
	}
	if err := s.db.CreateAgreement(r.Context(), actor(r, p), s.rs(), &a); err != nil {
		return err
	}
	done(w, r, "/agreements", "ok.agreement_created")
	return nil
}

func (s *Server) agreementActionForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	a, err := s.agreementAction(r, p)
	if err != nil {
		return err
	}
	switch r.PathValue("action") {
	case "activate":
		_, err = s.db.ActivateAgreement(r.Context(), actor(r, p), s.rs(), agreementRef(a), calendar.Today())
	case "terminate":
		if err := confirmed(r); err != nil {
			return err
		}
		err = s.db.TerminateAgreement(r.Context(), actor(r, p), agreementRef(a), r.PostFormValue("reason"))
	case "renew":
		_, err = s.db.RenewAgreement(r.Context(), actor(r, p), s.rs(), agreementRef(a), r.PostFormValue("number"))
	default:
		return errs.NotFound("agreement action")
	}
	if err != nil {
		return err
	}
	done(w, r, "/agreements", "ok.agreement_"+r.PathValue("action"))
	return nil
}

// confirmed refuses an irreversible form sent without its "I understand" box ticked: the
// browser asks for it (required), and a form sent without it changes nothing.
func confirmed(r *http.Request) error {
	if r.PostFormValue("confirm") != "on" {
		return errs.Invalid("confirm", "confirm that this cannot be undone")
	}
	return nil
}
