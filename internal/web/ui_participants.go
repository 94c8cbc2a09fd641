package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/contribution"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/i18n"
	"github.com/perisai/perisai/internal/money"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/nik"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/store"
)

func (s *Server) participantsPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	f, err := participantFilter(r, p)
	if err != nil {
		return err
	}
	total, err := s.db.CountParticipants(r.Context(), f)
	if err != nil {
		return err
	}
	pg := newPager(r, lang(r, &p), total, perPage)
	f.Limit, f.Offset = perPage, pg.offset()
	list, err := s.db.Participants(r.Context(), actor(r, p), f)
	if err != nil {
		return err
	}
	s.renderPage(w, r, http.StatusOK, "participants", s.pageFor(r, &p, "participants.title",
		map[string]any{"Q": f.Query, "Review": string(f.Review), "Items": list, "Names": s.villageNames(list), "Pager": pg}))
	return nil
}

func (s *Server) villageNames(list []participant.Participant) map[string]string {
	out := map[string]string{}
	for _, x := range list {
		if a, ok := s.tree.Get(x.Village); ok {
			out[x.Village] = a.Name
		}
	}
	return out
}

// registerForm is what the registration page shows: choices and, after a refusal, what was typed
// and what is wrong with it, field by field.
type registerForm struct {
	Values      url.Values
	Problems    map[string]string
	Occupations any
	Incomes     []int64
	Villages    []villageChoice
	Agents      []network.Agent
	// VillagePicker is where an officer or admin, who register anywhere they serve, picks.
	VillagePicker regionInput
}

type villageChoice struct{ Code, Name string }

func (s *Server) registerChoices(r *http.Request, p access.Principal) (registerForm, error) {
	incomes, err := s.rs().IncomeTable(calendar.Today())
	if err != nil {
		return registerForm{}, err
	}
	f := registerForm{Occupations: s.rs().Occupations, Incomes: incomes, Problems: map[string]string{}, Values: url.Values{}}
	switch p.Role {
	case access.Agent:
		ag, err := s.db.Agent(r.Context(), own(p, p.AgentID))
		if err != nil {
			return f, err
		}
		for _, v := range ag.Villages {
			a, _ := s.tree.Get(v)
			f.Villages = append(f.Villages, villageChoice{v, a.Name})
		}
	case access.BranchOfficer:
		ags, err := s.db.Agents(r.Context(), store.AgentFilter{BranchID: p.BranchID, Status: network.AgentActive})
		if err != nil {
			return f, err
		}
		f.Agents = ags
	}
	f.VillagePicker = regionInput{Name: "village", Level: "village", Choices: villageChoices(s.tree, p.Regencies), Value: r.PostFormValue("village")}
	return f, nil
}

func (s *Server) newParticipantPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.RegisterParticipant, access.Resource{BranchID: p.BranchID, WadahID: p.WadahID, AgentID: p.AgentID, Regions: scopeRegions(p)}); err != nil {
		return err
	}
	f, err := s.registerChoices(r, p)
	if err != nil {
		return err
	}
	f.Values.Set("consent", "")
	s.renderPage(w, r, http.StatusOK, "participant_new", s.pageFor(r, &p, "register.title", f))
	return nil
}

// registrationFromForm reads the registration form.
func registrationFromForm(r *http.Request) participant.Registration {
	v := r.PostForm
	reg := participant.Registration{
		NIK: v.Get("nik"), Name: v.Get("name"), Sex: nik.Sex(v.Get("sex")), Phone: v.Get("phone"), Village: regionCode(v.Get("village")),
		Address: v.Get("address"), Occupation: v.Get("occupation"), JHT: v.Get("jht") == "on", Consent: v.Get("consent") == "on",
	}
	reg.BirthDate, _ = calendar.ParseDate(v.Get("birth_date"))
	reg.DeclaredIncome, _ = money.Parse(v.Get("declared_income")) // 0 when unreadable: refused as not a row of the table
	reg.AgentID, _ = strconv.ParseInt(v.Get("agent_id"), 10, 64)
	if name := strings.TrimSpace(v.Get("heir_name")); name != "" {
		h := participant.Heir{Name: name, Relationship: participant.Relationship(v.Get("heir_relationship")), NIK: v.Get("heir_nik")}
		h.BirthDate, _ = calendar.ParseDate(v.Get("heir_birth_date"))
		reg.Heirs = []participant.Heir{h}
	}
	return reg
}

func (s *Server) registerForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := r.ParseForm(); err != nil {
		return errs.Invalid("form", "%v", err)
	}
	got, err := s.db.Register(r.Context(), p, actor(r, p), s.rs(), registrationFromForm(r), calendar.Today())
	if err == nil {
		http.Redirect(w, r, "/participants/"+strconv.FormatInt(got.ID, 10)+inProvince(got.Village)+"&registered=1", http.StatusSeeOther)
		return nil
	}
	code := status(err)
	if code != http.StatusBadRequest && code != http.StatusConflict && code != http.StatusForbidden {
		return err
	}
	f, ferr := s.registerChoices(r, p)
	if ferr != nil {
		return ferr
	}
	f.Values = r.PostForm
	pg := s.pageFor(r, &p, "register.title", f)
	var fes errs.FieldErrors
	if errors.As(err, &fes) {
		for _, fe := range fes {
			pr := fe.Problem()
			f.Problems[strings.SplitN(strings.Replace(fe.Field, "heirs[0].", "heir_", 1), ".", 2)[0]] = i18n.Problem(pg.Lang, pr.Format, pr.Args...)
		}
	}
	pg.Error = i18n.T(pg.Lang, "error.invalid", i18n.Error(pg.Lang, err))
	s.renderPage(w, r, code, "participant_new", pg)
	return nil
}

func (s *Server) participantPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	got, err := s.participantInScope(r, p, access.ReadParticipant)
	if err != nil {
		return err
	}
	hist, err := s.db.ParticipantHistory(r.Context(), participantRef(got))
	if err != nil {
		return err
	}
	village, _ := s.tree.Get(got.Village)
	occ, _ := s.rs().Occupation(got.Occupation)
	pays, err := s.db.PaymentsOf(r.Context(), participantRef(got))
	if err != nil {
		return err
	}
	cov, err := s.db.Coverage(r.Context(), s.rs(), participantRef(got), calendar.Today())
	if err != nil {
		return err
	}
	pg := s.pageFor(r, &p, "participant.title", map[string]any{"P": got, "History": hist, "Village": village.Name,
		"Occupation": occ, "CanReview": access.Authorize(p, access.ReviewParticipant, store.ParticipantResource(got)) == nil,
		"CanPay": access.Authorize(p, access.TakePayment, store.ParticipantResource(got)) == nil, "Payments": pays,
		"CanClaim": access.Authorize(p, access.FileClaim, store.ParticipantResource(got)) == nil,
		"Coverage": cov, "Paid": paidByProgram(cov, lang(r, &p))})
	if r.URL.Query().Get("registered") != "" {
		pg.Flash = i18n.T(pg.Lang, "register.done", got.KPJ)
	}
	pg.Zone = calendar.ZoneOf(got.Village) // the participant's local time
	s.renderPage(w, r, http.StatusOK, "participant", pg)
	return nil
}

func (s *Server) reviewForm(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	got, err := s.participantInScope(r, p, access.ReviewParticipant)
	if err != nil {
		return err
	}
	if err := s.db.SetReview(r.Context(), actor(r, p), participantRef(got), participant.Review(r.PostFormValue("review")), r.PostFormValue("reason")); err != nil {
		return err
	}
	back := r.PostFormValue("back")
	if back != "/review" {
		back = "/participants/" + strconv.FormatInt(got.ID, 10) + inProvince(got.Village)
	}
	// Say what happened: "I Wayan Sudarma: verified".
	done(w, r, back, "ok.review_"+r.PostFormValue("review"))
	return nil
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := access.Authorize(p, access.ReviewParticipant, access.Resource{BranchID: p.BranchID, Regions: scopeRegions(p)}); err != nil {
		return err
	}
	f := store.ScopeFilter(p)
	f.Reviews = []participant.Review{participant.Pending, participant.Flagged}
	total, err := s.db.CountParticipants(r.Context(), f)
	if err != nil {
		return err
	}
	pg := newPager(r, lang(r, &p), total, perPage)
	f.Limit, f.Offset = perPage, pg.offset()
	list, err := s.db.Participants(r.Context(), actor(r, p), f)
	if err != nil {
		return err
	}
	s.renderPage(w, r, http.StatusOK, "review", s.pageFor(r, &p, "review.title", map[string]any{"Items": list, "Names": s.villageNames(list), "Pager": pg}))
	return nil
}

// programMonths is a set of programs and the months paid for them, written as ranges.
type programMonths struct {
	Programs string
	Months   string
}

// paidByProgram groups the programs paid for the same months ("JKK + JKM: November 2026 –
// Oktober 2027"), so that a month a sponsor paid without JHT shows as such.
func paidByProgram(c store.CoverageOf, lang string) []programMonths {
	var out []programMonths
	for _, prog := range []contribution.Program{contribution.JKK, contribution.JKM, contribution.JHT} {
		ms := c.ByProgram[prog]
		if len(ms) == 0 {
			continue
		}
		text := monthRanges(ms, lang)
		if n := len(out); n > 0 && out[n-1].Months == text {
			out[n-1].Programs += " + " + strings.ToUpper(string(prog))
			continue
		}
		out = append(out, programMonths{strings.ToUpper(string(prog)), text})
	}
	return out
}

// monthRanges writes ordered months as ranges by name: "Juni 2026 – Agustus 2026, November 2026".
func monthRanges(ms []calendar.Month, lang string) string {
	var parts []string
	for i := 0; i < len(ms); {
		j := i
		for j+1 < len(ms) && ms[j+1] == ms[j].Add(1) {
			j++
		}
		if j == i {
			parts = append(parts, ms[i].Name(lang))
		} else {
			parts = append(parts, ms[i].Name(lang)+" – "+ms[j].Name(lang))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
