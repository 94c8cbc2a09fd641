package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/card"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/i18n"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/store"
)

func (s *Server) apiOccupations(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	writeJSON(w, http.StatusOK, map[string]any{"items": s.rs().Occupations})
	return nil
}

func (s *Server) apiIncomeTable(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	day := calendar.Today()
	if d := r.URL.Query().Get("date"); d != "" {
		var err error
		if day, err = calendar.ParseDate(d); err != nil {
			return errs.Invalid("date", "%v", err)
		}
	}
	tbl, err := s.rs().IncomeTable(day)
	if err != nil {
		return errs.Invalid("date", "%v", err)
	}
	writeJSON(w, http.StatusOK, map[string]any{"date": day, "incomes": tbl, "rules_version": s.rs().Version})
	return nil
}

// participantFilter is the search a principal asks for, held to their scope.
func participantFilter(r *http.Request, p access.Principal) (store.ParticipantFilter, error) {
	if err := access.Authorize(p, access.ReadParticipant, access.Resource{BranchID: p.BranchID, WadahID: p.WadahID, AgentID: p.AgentID, Regions: scopeRegions(p)}); err != nil {
		return store.ParticipantFilter{}, err
	}
	q := r.URL.Query()
	f := store.ScopeFilter(p)
	f.Query, f.Within, f.Review = q.Get("q"), q.Get("village"), participant.Review(q.Get("review"))
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	return f, nil
}

func (s *Server) apiParticipants(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	f, err := participantFilter(r, p)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = limitOffset(r)
	total, err := s.db.CountParticipants(r.Context(), f)
	if err != nil {
		return err
	}
	list, err := s.db.Participants(r.Context(), actor(r, p), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listAnswer(r, list, total, f.Limit, f.Offset))
	return nil
}

func (s *Server) apiRegister(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var reg participant.Registration
	if err := decode(r, &reg); err != nil {
		return err
	}
	if err := access.Authorize(p, access.RegisterParticipant, access.Resource{BranchID: p.BranchID, WadahID: p.WadahID, AgentID: p.AgentID, Regions: scopeRegions(p)}); err != nil {
		return err
	}
	got, err := s.db.Register(r.Context(), p, actor(r, p), s.rs(), reg, calendar.Today())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, got)
	return nil
}

// participantRef names a participant with its province.
func participantRef(x participant.Participant) store.Ref { return store.RefIn(x.Village, x.ID) }

// participantInScope loads a participant and checks p may do a to them; the read is audited.
func (s *Server) participantInScope(r *http.Request, p access.Principal, a access.Action) (participant.Participant, error) {
	ref, err := pathRef(r, p, "id")
	if err != nil {
		return participant.Participant{}, err
	}
	// Load unaudited, authorize, then record the read: a refused look is not a read.
	got, err := s.db.Participant(r.Context(), audit.Actor{}, ref)
	if err != nil {
		return got, err
	}
	if err := access.Authorize(p, a, store.ParticipantResource(got)); err != nil {
		return got, err
	}
	return got, s.db.RecordRead(r.Context(), actor(r, p), "read", "participant", got.ID, got.Village, got.KPJ, []int64{got.ID})
}

func (s *Server) apiParticipant(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	got, err := s.participantInScope(r, p, access.ReadParticipant)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, got)
	return nil
}

func (s *Server) apiEditParticipant(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	got, err := s.participantInScope(r, p, access.EditParticipant)
	if err != nil {
		return err
	}
	var e store.Edit
	if err := decode(r, &e); err != nil {
		return err
	}
	updated, err := s.db.EditParticipant(r.Context(), actor(r, p), s.rs(), participantRef(got), e, calendar.Today())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, updated)
	return nil
}

func (s *Server) apiReview(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	got, err := s.participantInScope(r, p, access.ReviewParticipant)
	if err != nil {
		return err
	}
	var in struct {
		Review participant.Review `json:"review"`
		Reason string             `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.db.SetReview(r.Context(), actor(r, p), participantRef(got), in.Review, in.Reason); err != nil {
		return err
	}
	updated, err := s.db.Participant(r.Context(), actor(r, p), participantRef(got))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, updated)
	return nil
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	got, err := s.participantInScope(r, p, access.ReadParticipant)
	if err != nil {
		return err
	}
	h, err := s.db.ParticipantHistory(r.Context(), participantRef(got))
	if err != nil {
		return err
	}
	writePage(w, r, h)
	return nil
}

// baseURL is where printed links point: the configured public address, or this request's.
func (s *Server) baseURL(r *http.Request) string {
	if s.public != "" {
		return strings.TrimRight(s.public, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) cardData(r *http.Request, got participant.Participant) card.Data {
	return card.Data{Name: got.Name, KPJ: got.KPJ, NIKMasked: got.NIKMasked, Programs: got.Programs,
		VerifyURL: s.baseURL(r) + "/verify/" + card.Token(s.keys, got.KPJ)}
}

// cardFile serves the card as PDF or PNG for the API and the UI alike.
func (s *Server) cardFile(format string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p access.Principal) error {
		return s.writeCard(w, r, p, format)
	}
}

func (s *Server) writeCard(w http.ResponseWriter, r *http.Request, p access.Principal, format string) error {
	got, err := s.participantInScope(r, p, access.ReadParticipant)
	if err != nil {
		return err
	}
	if got.Review == participant.Rejected {
		return errs.Conflict("the registration was rejected; no card is issued")
	}
	var buf bytes.Buffer
	switch format {
	case "pdf":
		err = card.PDF(&buf, s.cardData(r, got))
		w.Header().Set("Content-Type", "application/pdf")
	case "png":
		err = card.PNG(&buf, s.cardData(r, got))
		w.Header().Set("Content-Type", "image/png")
	default:
		return errs.NotFound("card format " + format)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `inline; filename="kartu-`+got.KPJ+`.`+format+`"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// verify is the public page a card's QR code opens: genuine or not, the name and the coverage
// status, nothing else.
func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	l := lang(r, nil)
	pg := page{Lang: l, Title: i18n.T(l, "verify.title")}
	kpj, ok := card.Check(s.keys, r.PathValue("token"))
	code := http.StatusOK
	if ok {
		got, err := s.db.ParticipantByKPJ(r.Context(), audit.Actor{Name: "public:verify", RequestID: requestID(r.Context())}, kpj)
		switch {
		case errors.Is(err, errs.ErrNotFound):
			ok = false
		case err != nil:
			s.renderError(w, r, nil, err)
			return
		default:
			pg.Data = map[string]any{"Genuine": got.Review != participant.Rejected, "Name": got.Name, "KPJ": got.KPJ,
				"Status": string(got.Status), "Programs": got.Programs}
		}
	}
	if !ok {
		code = http.StatusNotFound
		pg.Data = map[string]any{"Genuine": false}
	}
	s.renderPage(w, r, code, "verify", pg)
}
