package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/name"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/nik"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/rules"
)

// Outcome of one registration in a batch.
type Outcome string

const (
	Imported          Outcome = "imported"
	AlreadyRegistered Outcome = "already_registered"
	Refused           Outcome = "refused"
)

// RowResult is what became of one registration of a batch.
type RowResult struct {
	Outcome     Outcome
	Participant participant.Participant
	Err         error
}

// registrar is who registers, resolved once per batch: the agent (and so the wadah and branch)
// the participants will belong to, and the area the registrar may register in.
type registrar struct {
	p         access.Principal
	actor     audit.Actor
	agentID   int64
	wadahID   int64
	branchID  int64 // fixed by the agent, or the officer's branch; 0 for an admin without agent
	villages  map[string]bool
	regencies []string
}

func (db *DB) registrarFor(ctx context.Context, q Querier, p access.Principal, act audit.Actor, agentID int64, today calendar.Date) (registrar, error) {
	r := registrar{p: p, actor: act}
	switch p.Role {
	case access.Agent:
		if agentID != 0 && agentID != p.AgentID {
			return r, errs.Forbidden("an agent registers participants for themself only")
		}
		agentID = p.AgentID
	case access.BranchOfficer:
		r.branchID = p.BranchID
		r.regencies = p.Regencies
	case access.Admin:
	default:
		return r, errs.Forbidden("%s users do not register participants", p.Role)
	}
	if agentID == 0 {
		return r, nil
	}
	var status string
	var branch int64
	inProv, args := inProvince("a.province_code", p.Province, []any{agentID})
	err := q.QueryRowContext(ctx, `SELECT a.status, a.wadah_id, w.branch_id FROM agents a JOIN wadah w ON w.id = a.wadah_id AND w.province_code = a.province_code
WHERE a.id = $1`+inProv, args...).Scan(&status, &r.wadahID, &branch)
	if isNoRows(err) {
		return r, errs.Invalid("agent_id", "no such agent")
	}
	if err != nil {
		return r, err
	}
	if p.Role == access.BranchOfficer && branch != p.BranchID {
		return r, errs.Forbidden("agent %d belongs to another branch", agentID)
	}
	if status != string(network.AgentActive) {
		return r, errs.Forbidden("agent %d is %s and cannot register participants", agentID, status)
	}
	ok, err := agreementInForce(ctx, q, r.wadahID, p.Province, today)
	if err != nil {
		return r, err
	}
	if !ok {
		return r, errs.Forbidden("the wadah has no agreement in force with its branch today, so its agents cannot register participants")
	}
	vs, err := agentVillages(ctx, q, agentID, p.Province)
	if err != nil {
		return r, err
	}
	r.villages = map[string]bool{}
	for _, v := range vs {
		r.villages[v] = true
	}
	r.agentID, r.branchID = agentID, branch
	return r, nil
}

// checkArea refuses a village outside what the registrar may register in.
func (r registrar) checkArea(village string) error {
	if r.villages != nil && !r.villages[village] {
		return errs.Forbidden("village %s is outside the villages agent %d serves", village, r.agentID)
	}
	if r.regencies != nil && !containsPrefix(r.regencies, village) {
		return errs.Forbidden("village %s is outside the regencies your branch serves", village)
	}
	return nil
}

// prepared is a validated registration ready to insert.
type prepared struct {
	index    int
	p        participant.Participant
	blind    string
	nikEnc   string
	heirs    [][]any
	consent  string
	importID int64
}

// Register registers one participant.
func (db *DB) Register(ctx context.Context, p access.Principal, act audit.Actor, rs *rules.Set, reg participant.Registration, today calendar.Date) (participant.Participant, error) {
	res, err := db.RegisterMany(ctx, p, act, rs, []participant.Registration{reg}, today, 0)
	if err != nil {
		return participant.Participant{}, err
	}
	return res[0].Participant, res[0].Err
}

// RegisterMany registers a batch in one transaction: each row is validated like a single
// registration; valid rows are inserted, a NIK already registered is reported with its
// participant number, and a refused row carries its reasons. importID ties rows to an import.
func (db *DB) RegisterMany(ctx context.Context, p access.Principal, act audit.Actor, rs *rules.Set, regs []participant.Registration, today calendar.Date, importID int64) ([]RowResult, error) {
	return db.registerBatch(ctx, p, act, rs, regs, nil, nil, today, importID, nil)
}

// registerBatch is RegisterMany for a batch some of whose rows already failed (refused[i] is a
// reason, e.g. an unreadable cell), whose rows have numbers of their own in a file (lines; nil
// numbers them from 1), with after run in the same transaction on the results, so that an
// import's bookkeeping commits together with its participants.
func (db *DB) registerBatch(ctx context.Context, p access.Principal, act audit.Actor, rs *rules.Set, regs []participant.Registration,
	refused []error, lines []int, today calendar.Date, importID int64, after func(tx *Tx, results []RowResult) error) ([]RowResult, error) {
	line := func(i int) int {
		if lines != nil {
			return lines[i]
		}
		return i + 1
	}
	tree := region.MustDefault()
	results := make([]RowResult, len(regs))
	var rows []prepared
	// Validation and sealing need no transaction; doing them first keeps the write lock short.
	for i := range regs {
		if refused != nil && refused[i] != nil {
			results[i] = RowResult{Outcome: Refused, Err: refused[i]}
			continue
		}
		reg := &regs[i]
		c, err := reg.Validate(rs, tree, today)
		if err != nil {
			results[i] = RowResult{Outcome: Refused, Err: err}
			continue
		}
		pr, err := db.prepare(ctx, i, reg, c, act, importID)
		if err != nil {
			return nil, err
		}
		rows = append(rows, pr)
	}
	err := db.Transact(ctx, func(tx *Tx) error {
		for i := range rows { // a retried attempt starts clean, with fresh participant numbers
			results[rows[i].index] = RowResult{}
			rows[i].p.KPJ = participant.NewKPJ(rows[i].p.Province())
		}
		agentID := int64(0)
		if len(regs) > 0 {
			agentID = regs[0].AgentID
		}
		r, err := db.registrarFor(ctx, tx, p, act, agentID, today)
		if err != nil {
			return err
		}
		var ok []prepared
		seen := map[string]int{}
		branches := map[string]int64{} // regency → branch, looked up once per batch
		for _, pr := range rows {
			if regs[pr.index].AgentID != agentID {
				results[pr.index] = RowResult{Outcome: Refused, Err: errs.Invalid("agent_id", "a batch is registered for one agent")}
				continue
			}
			if err := r.checkArea(pr.p.Village); err != nil {
				results[pr.index] = RowResult{Outcome: Refused, Err: err}
				continue
			}
			branch, found := branches[pr.p.Village[:5]]
			if !found {
				if branch, err = branchForRegency(ctx, tx, pr.p.Village[:5]); err != nil && !errors.Is(err, errs.ErrInvalid) {
					return err
				}
				branches[pr.p.Village[:5]] = branch
			}
			if branch == 0 {
				results[pr.index] = RowResult{Outcome: Refused, Err: errs.Invalid("village", "no branch office serves regency %s", pr.p.Village[:5])}
				continue
			}
			if r.branchID != 0 && branch != r.branchID {
				results[pr.index] = RowResult{Outcome: Refused, Err: errs.Forbidden("village %s is served by another branch", pr.p.Village)}
				continue
			}
			if first, dup := seen[pr.blind]; dup {
				results[pr.index] = RowResult{Outcome: Refused, Err: errs.Invalid("nik", "the same NIK is on row %d", line(first))}
				continue
			}
			seen[pr.blind] = pr.index
			pr.p.BranchID, pr.p.AgentID, pr.p.WadahID = branch, r.agentID, r.wadahID
			ok = append(ok, pr)
		}
		if err := db.insertPrepared(ctx, tx, r, ok, results); err != nil {
			return err
		}
		if after != nil {
			return after(tx, results)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

func (db *DB) prepare(ctx context.Context, i int, reg *participant.Registration, c participant.Checked, act audit.Actor, importID int64) (prepared, error) {
	blind, err := db.blind("nik", reg.NIK)
	if err != nil {
		return prepared{}, err
	}
	enc, err := db.seal("participant.nik", reg.NIK)
	if err != nil {
		return prepared{}, err
	}
	t := stamp(ctx)
	pr := prepared{index: i, blind: blind, nikEnc: enc, consent: act.Name, importID: importID, p: participant.Participant{
		ID: idgen.Next(), NIKMasked: nik.Mask(reg.NIK), Name: reg.Name, BirthDate: reg.BirthDate,
		Sex: reg.Sex, Phone: reg.Phone, Village: reg.Village, Address: reg.Address, Occupation: reg.Occupation, Sector: c.Sector,
		DeclaredIncome: reg.DeclaredIncome, Programs: participant.Programs{JKK: true, JKM: true, JHT: reg.JHT},
		Status: participant.WaitingFirstPayment, Review: participant.Pending, ConsentAt: t, ConsentBy: act.Name, CreatedAt: t,
	}}
	for _, h := range reg.Heirs {
		henc, err := db.seal("heir.nik", h.NIK)
		if err != nil {
			return prepared{}, err
		}
		masked := ""
		if h.NIK != "" {
			masked = nik.Mask(h.NIK)
		}
		pr.p.Heirs = append(pr.p.Heirs, participant.Heir{ID: idgen.Next(), Name: h.Name, Relationship: h.Relationship, BirthDate: h.BirthDate, NIKMasked: masked})
		pr.heirs = append(pr.heirs, []any{pr.p.Province(), pr.p.Heirs[len(pr.p.Heirs)-1].ID, pr.p.ID, h.Name, string(h.Relationship), h.BirthDate, henc, masked, t})
	}
	return pr, nil
}

var participantCols = []string{"id", "kpj", "province_code", "village_code", "nik_blind", "nik_enc", "nik_masked", "name", "name_lower",
	"birth_date", "sex", "phone", "address", "occupation", "sector", "declared_income", "jkk", "jkm", "jht", "review",
	"branch_id", "wadah_id", "agent_id", "registered_by", "consent_at", "consent_by", "import_id", "created_at", "updated_at", "acquired_by"}

// insertPrepared claims each NIK in the registry (the gate: ON CONFLICT DO NOTHING tells which
// were taken, also against a concurrent transaction) and inserts the participants that got one.
func (db *DB) insertPrepared(ctx context.Context, tx *Tx, r registrar, rows []prepared, results []RowResult) error {
	if len(rows) == 0 {
		return nil
	}
	claims := make([][]any, len(rows))
	for i, pr := range rows {
		claims[i] = []any{provinceOf(pr.p.NIKMasked), pr.blind, pr.p.ID}
	}
	won := map[string]bool{}
	err := insertRows(ctx, tx, "nik_registry", []string{"province_code", "nik_blind", "participant_id"}, claims, "ON CONFLICT (province_code, nik_blind) DO NOTHING RETURNING nik_blind",
		func(rs *sql.Rows) error {
			var b string
			if err := rs.Scan(&b); err != nil {
				return err
			}
			won[b] = true
			return nil
		})
	if err != nil {
		return fmt.Errorf("nik registry: %w", err)
	}
	var ins, statuses, heirs [][]any
	var registered []prepared
	for _, pr := range rows {
		if !won[pr.blind] {
			dup, err := db.duplicate(ctx, tx, r.p, provinceOf(pr.p.NIKMasked), pr.blind)
			if err != nil {
				return err
			}
			results[pr.index] = RowResult{Outcome: AlreadyRegistered, Err: dup}
			continue
		}
		p := pr.p
		var registeredBy any
		if r.actor.UserID != 0 {
			registeredBy = r.actor.UserID
		}
		ins = append(ins, []any{p.ID, p.KPJ, p.Province(), p.Village, pr.blind, pr.nikEnc, p.NIKMasked, p.Name, strings.ToLower(p.Name),
			p.BirthDate, string(p.Sex), p.Phone, p.Address, p.Occupation, string(p.Sector), p.DeclaredIncome, p.Programs.JKK, p.Programs.JKM,
			p.Programs.JHT, string(p.Review), p.BranchID, nullZero(p.WadahID), nullZero(p.AgentID), registeredBy,
			p.ConsentAt, p.ConsentBy, nullZero(pr.importID), p.CreatedAt, p.CreatedAt, nullZero(p.AgentID)})
		statuses = append(statuses, []any{p.Province(), p.ID, string(p.Status)})
		heirs = append(heirs, pr.heirs...)
		registered = append(registered, pr)
	}
	if err := insertRows(ctx, tx, "participants", participantCols, ins, "", nil); err != nil {
		if isUniqueViolation(err) {
			// Two fresh participant numbers met (1 in 10^11 per pair): the whole batch retries.
			return fmt.Errorf("participant number clash, retry: %w", errRetry)
		}
		return fmt.Errorf("insert participants: %w", err)
	}
	if err := insertRows(ctx, tx, "participant_status", []string{"province_code", "participant_id", "status"}, statuses, "", nil); err != nil {
		return fmt.Errorf("insert participant statuses: %w", err)
	}
	if err := insertRows(ctx, tx, "heirs", []string{"province_code", "id", "participant_id", "name", "relationship", "birth_date", "nik_enc", "nik_masked", "created_at"},
		heirs, "", nil); err != nil {
		return fmt.Errorf("insert heirs: %w", err)
	}
	for _, pr := range registered {
		results[pr.index] = RowResult{Outcome: Imported, Participant: pr.p}
		if len(registered) == 1 {
			if err := Audit(ctx, tx, r.actor, "register", "participant", pr.p.ID, pr.p.Village, pr.p.KPJ); err != nil {
				return err
			}
		}
	}
	if len(registered) > 1 {
		if err := Audit(ctx, tx, r.actor, "register_batch", "participant", registered[0].p.ID, "", fmt.Sprintf("%d participants", len(registered))); err != nil {
			return err
		}
	}
	if r.agentID != 0 && len(registered) > 0 {
		return touchAgent(ctx, tx, r.agentID, registered[0].p.Province(), now()) // an agent registers in its own villages
	}
	return nil
}

// errRetry marks a failure Transact may cure by running again.
var errRetry = errors.New("retry")

// duplicate describes the participant who already holds a NIK, masking the name unless the
// user may see that participant.
func (db *DB) duplicate(ctx context.Context, q Querier, p access.Principal, province, blind string) (*participant.DuplicateError, error) {
	var kpj, who, village, office string
	var branch, wadah, agent int64
	err := q.QueryRowContext(ctx, `SELECT p.kpj, p.name, p.village_code, p.branch_id, COALESCE(p.wadah_id, 0), COALESCE(p.agent_id, 0), b.name
FROM nik_registry r JOIN participants p ON p.id = r.participant_id JOIN branches b ON b.id = p.branch_id WHERE r.province_code = $1 AND r.nik_blind = $2`, province, blind).
		Scan(&kpj, &who, &village, &branch, &wadah, &agent, &office)
	if isNoRows(err) {
		// The NIK was claimed by a transaction that has not committed yet.
		return &participant.DuplicateError{}, nil
	}
	if err != nil {
		return nil, err
	}
	if access.Authorize(p, access.ReadParticipant, access.Resource{BranchID: branch, WadahID: wadah, AgentID: agent, Regions: []string{village}}) != nil {
		return &participant.DuplicateError{Branch: office}, nil
	}
	return &participant.DuplicateError{KPJ: kpj, Name: who, Branch: office}, nil
}

const participantColumns = `p.id, p.kpj, p.nik_masked, p.name, p.birth_date, p.sex, p.phone, p.village_code, p.address, p.occupation,
p.sector, p.declared_income, p.jkk, p.jkm, p.jht, ps.status, p.review, p.review_reason, p.branch_id, COALESCE(p.wadah_id, 0),
COALESCE(p.agent_id, 0), p.consent_at, p.consent_by, p.created_at`

// withStatus joins a participant (p) to its status (ps), in its province: a join, not a
// subquery, so that a participant read in a province reads its status in that one too.
const withStatus = ` LEFT JOIN participant_status ps ON ps.participant_id = p.id AND ps.province_code = p.province_code`

// scanParticipant reads participantColumns, then any extra columns into extra.
func scanParticipant(row interface{ Scan(...any) error }, extra ...any) (participant.Participant, error) {
	var p participant.Participant
	dest := append([]any{&p.ID, &p.KPJ, &p.NIKMasked, &p.Name, &p.BirthDate, &p.Sex, &p.Phone, &p.Village, &p.Address, &p.Occupation,
		&p.Sector, &p.DeclaredIncome, &p.Programs.JKK, &p.Programs.JKM, &p.Programs.JHT, &p.Status, &p.Review, &p.ReviewReason,
		&p.BranchID, &p.WadahID, &p.AgentID, &p.ConsentAt, &p.ConsentBy, &p.CreatedAt}, extra...)
	err := row.Scan(dest...)
	return p, err
}

// ParticipantResource describes where a participant belongs, for access.Authorize.
func ParticipantResource(p participant.Participant) access.Resource {
	return access.Resource{BranchID: p.BranchID, WadahID: p.WadahID, AgentID: p.AgentID, Regions: []string{p.Village}}
}

// Participant returns a participant with heirs. The caller authorizes; the read of personal
// data is audited here.
func (db *DB) Participant(ctx context.Context, act audit.Actor, ref Ref) (participant.Participant, error) {
	ref, err := db.locate(ctx, "participants", "participant", ref)
	if err != nil {
		return participant.Participant{}, err
	}
	where, args := ref.match("p")
	return db.participantWhere(ctx, act, where, args...)
}

// ParticipantByKPJ is Participant by participant number. A KPJ begins with its province's
// code, where it is looked for first; one printed before that is then found by number alone.
func (db *DB) ParticipantByKPJ(ctx context.Context, act audit.Actor, kpj string) (participant.Participant, error) {
	if len(kpj) > 2 {
		p, err := db.participantWhere(ctx, act, "p.kpj = $1 AND p.province_code = $2", kpj, kpj[:2])
		if !errors.Is(err, errs.ErrNotFound) {
			return p, err
		}
	}
	return db.participantWhere(ctx, act, "p.kpj = $1", kpj)
}

func (db *DB) participantWhere(ctx context.Context, act audit.Actor, where string, args ...any) (participant.Participant, error) {
	p, err := scanParticipant(db.read.QueryRowContext(ctx, `SELECT `+participantColumns+` FROM participants p`+withStatus+` WHERE `+where, args...))
	if isNoRows(err) {
		return p, errs.NotFound("participant")
	}
	if err != nil {
		return p, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, relationship, birth_date, nik_masked FROM heirs WHERE participant_id = $1 AND province_code = $2 ORDER BY id`,
		p.ID, p.Province())
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var h participant.Heir
		if err := rows.Scan(&h.ID, &h.Name, &h.Relationship, &h.BirthDate, &h.NIKMasked); err != nil {
			return p, err
		}
		p.Heirs = append(p.Heirs, h)
	}
	if err := rows.Err(); err != nil {
		return p, err
	}
	err = db.RecordRead(ctx, act, "read", "participant", p.ID, p.Village, p.KPJ, []int64{p.ID})
	return p, err
}

// ParticipantFilter narrows Participants. The scope fields come from the principal, the rest
// from the search form.
type ParticipantFilter struct {
	BranchID, WadahID, AgentID int64
	Query                      string // participant number, NIK, or part of the name
	Within                     string // region code
	Review                     participant.Review
	Reviews                    []participant.Review // any of these (a queue)
	Limit, Offset              int
}

// ScopeFilter is the part of a filter a principal's scope imposes.
func ScopeFilter(p access.Principal) ParticipantFilter {
	switch p.Role {
	case access.Agent:
		return ParticipantFilter{AgentID: p.AgentID}
	case access.WadahManager:
		return ParticipantFilter{WadahID: p.WadahID}
	case access.BranchOfficer:
		return ParticipantFilter{BranchID: p.BranchID}
	}
	return ParticipantFilter{}
}

// Participants searches within a scope; the search itself is audited (it shows names).
func (db *DB) Participants(ctx context.Context, act audit.Actor, f ParticipantFilter) ([]participant.Participant, error) {
	where, args, err := db.participantWhereClause(f)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + participantColumns + ` FROM participants p` + withStatus + ` WHERE ` + where
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q += ` ORDER BY p.id DESC LIMIT ` + strconv.Itoa(f.Limit) + ` OFFSET ` + strconv.Itoa(max(0, f.Offset))
	rows, err := db.reports().QueryContext(ctx, q, args...) // a list page: the replica may serve it
	if err != nil {
		return nil, fmt.Errorf("search participants: %w", err)
	}
	defer rows.Close()
	out := []participant.Participant{}
	for rows.Next() {
		p, err := scanParticipant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Every list that shows persons is recorded with whom it showed, searched or not.
	query := strings.TrimSpace(f.Query)
	detail := query
	if len(query) == 16 {
		detail = nik.Mask(query)
	}
	ids := make([]int64, len(out))
	for i, p := range out {
		ids[i] = p.ID
	}
	err = db.RecordRead(ctx, act, "read", "participant", "", f.Within, fmt.Sprintf("search q=%s results=%d", detail, len(out)), ids)
	return out, err
}

// CountParticipants is how many participants the filter matches in all, for a list's pager.
func (db *DB) CountParticipants(ctx context.Context, f ParticipantFilter) (int, error) {
	where, args, err := db.participantWhereClause(f)
	if err != nil {
		return 0, err
	}
	var n int
	if err := db.reports().QueryRowContext(ctx, `SELECT COUNT(*) FROM participants p WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count participants: %w", err)
	}
	return n, nil
}

// participantWhereClause is the condition a filter puts on participants p, with its arguments.
func (db *DB) participantWhereClause(f ParticipantFilter) (string, []any, error) {
	q := `1=1`
	var args []any
	add := func(cond string, vs ...any) { // each ? takes the next value
		for _, v := range vs {
			args = append(args, v)
			cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(args)), 1)
		}
		q += " AND " + cond
	}
	if f.BranchID != 0 {
		add("p.branch_id = ?", f.BranchID)
	}
	if f.WadahID != 0 {
		add("p.wadah_id = ?", f.WadahID)
	}
	if f.AgentID != 0 {
		add("p.agent_id = ?", f.AgentID)
	}
	if f.Review != "" {
		add("p.review = ?", string(f.Review))
	}
	if len(f.Reviews) > 0 {
		marks := make([]string, len(f.Reviews))
		for i, rv := range f.Reviews {
			args = append(args, string(rv))
			marks[i] = "$" + strconv.Itoa(len(args))
		}
		q += " AND p.review IN (" + strings.Join(marks, ", ") + ")"
	}
	if f.Within != "" {
		add("p.village_code LIKE ?", f.Within+"%")
	}
	query := strings.TrimSpace(f.Query)
	if err := name.Query(query); err != nil {
		return "", nil, errs.Invalid("q", "%v", err)
	}
	switch {
	case query == "":
	case participant.ValidKPJ(query):
		add("p.kpj = ?", query)
	case len(query) == 16 && strings.Trim(query, "0123456789") == "":
		b, err := db.blind("nik", query)
		if err != nil {
			return "", nil, err
		}
		add("p.id IN (SELECT participant_id FROM nik_registry WHERE province_code = ? AND nik_blind = ?)", provinceOf(query), b)
	default:
		add("p.name_lower LIKE ?", "%"+strings.ToLower(query)+"%")
	}
	return q, args, nil
}

// SetReview records the branch's verdict on a registration. Flagging and rejecting need a
// reason; a rejected registration releases its NIK so it can be registered again correctly.
func (db *DB) SetReview(ctx context.Context, act audit.Actor, ref Ref, to participant.Review, reason string) error {
	reason = strings.TrimSpace(reason)
	if (to == participant.Flagged || to == participant.Rejected) && reason == "" {
		return errs.Invalid("reason", "a reason is required to %s a registration", strings.TrimSuffix(string(to), "ed"))
	}
	if to != participant.Verified && to != participant.Flagged && to != participant.Rejected {
		return errs.Invalid("review", "one of verified, flagged, rejected")
	}
	ref, err := db.locate(ctx, "participants", "participant", ref)
	if err != nil {
		return err
	}
	id, province := ref.ID, ref.Province
	return db.Transact(ctx, func(tx *Tx) error {
		var before string
		where, args := ref.match("")
		err := tx.QueryRowContext(ctx, `SELECT review FROM participants WHERE `+where+tx.ForUpdate(), args...).Scan(&before)
		if isNoRows(err) {
			return errs.NotFound("participant")
		}
		if err != nil {
			return err
		}
		if before == string(participant.Rejected) {
			return errs.Conflict("the registration was rejected already")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE participants SET review = $1, review_reason = $2, updated_at = $3 WHERE id = $4 AND province_code = $5`,
			string(to), reason, now(), id, province); err != nil {
			return err
		}
		if to == participant.Rejected {
			// The NIK is free again: its registry row is found by the participant's own blind
			// index and NIK digits.
			if _, err := tx.ExecContext(ctx, `DELETE FROM nik_registry WHERE (province_code, nik_blind) IN
(SELECT SUBSTR(nik_masked, 1, 2), nik_blind FROM participants WHERE id = $1 AND province_code = $2) AND participant_id = $1`, id, province); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE participant_status SET status = 'ended', held = TRUE WHERE participant_id = $1 AND province_code = $2`, id, province); err != nil {
				return err
			}
		}
		if err := recordChange(ctx, tx, act, ref, "review", before, string(to), reason); err != nil {
			return err
		}
		return Audit(ctx, tx, act, "review:"+string(to), "participant", id, "", reason)
	})
}

func recordChange(ctx context.Context, tx *Tx, act audit.Actor, ref Ref, field, before, after, reason string) error {
	var actorID any
	if act.UserID != 0 {
		actorID = act.UserID
	}
	// Kept with the participant's province (migration 29).
	_, err := tx.ExecContext(ctx, `INSERT INTO participant_changes (province_code, id, participant_id, at, actor_id, actor, field, before_value, after_value, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, ref.Province, idgen.Next(), ref.ID, now(), actorID, act.Name, field, before, after, reason)
	return err
}

// Edit is a change to a participant's own details. Nil fields stay as they are.
type Edit struct {
	Name           *string `json:"name"`
	Phone          *string `json:"phone"`
	Address        *string `json:"address"`
	Occupation     *string `json:"occupation"`
	DeclaredIncome *int64  `json:"declared_income"`
	JHT            *bool   `json:"jht"`
	Reason         string  `json:"reason"`
}

// EditParticipant applies an edit through change records: every field that changes keeps its
// before and after, with who and why.
func (db *DB) EditParticipant(ctx context.Context, act audit.Actor, rs *rules.Set, ref Ref, e Edit, today calendar.Date) (participant.Participant, error) {
	cur, err := db.Participant(ctx, audit.Actor{}, ref)
	if err != nil {
		return cur, err
	}
	id := cur.ID
	ref = RefIn(cur.Village, id)
	// Validate the edited participant as a registration, keeping what is not edited.
	reg := participant.Registration{NIK: "", Name: cur.Name, BirthDate: cur.BirthDate, Sex: cur.Sex, Phone: cur.Phone, Village: cur.Village,
		Address: cur.Address, Occupation: cur.Occupation, DeclaredIncome: cur.DeclaredIncome, JHT: cur.Programs.JHT, Consent: true}
	type change struct {
		field, col, before, after string
		value                     any
	}
	var changes []change
	if e.Name != nil {
		reg.Name = *e.Name
	}
	if e.Phone != nil {
		reg.Phone = *e.Phone
	}
	if e.Address != nil {
		reg.Address = *e.Address
	}
	if e.Occupation != nil {
		reg.Occupation = *e.Occupation
	}
	if e.DeclaredIncome != nil {
		reg.DeclaredIncome = *e.DeclaredIncome
	}
	if e.JHT != nil {
		reg.JHT = *e.JHT
	}
	c, err := reg.Validate(rs, region.MustDefault(), today)
	var fes errs.FieldErrors
	if errors.As(err, &fes) {
		var keep errs.FieldErrors
		for _, fe := range fes {
			if fe.Field != "nik" && fe.Field != "birth_date" { // identity is not edited here
				keep = append(keep, fe)
			}
		}
		if err = keep.Err(); err != nil {
			return cur, err
		}
	} else if err != nil {
		return cur, err
	}
	add := func(field, col, before, after string, v any) {
		if before != after {
			changes = append(changes, change{field, col, before, after, v})
		}
	}
	add("name", "name", cur.Name, reg.Name, reg.Name)
	add("phone", "phone", cur.Phone, reg.Phone, reg.Phone)
	add("address", "address", cur.Address, reg.Address, reg.Address)
	add("occupation", "occupation", cur.Occupation, reg.Occupation, reg.Occupation)
	add("declared_income", "declared_income", strconv.FormatInt(cur.DeclaredIncome, 10), strconv.FormatInt(reg.DeclaredIncome, 10), reg.DeclaredIncome)
	add("jht", "jht", strconv.FormatBool(cur.Programs.JHT), strconv.FormatBool(reg.JHT), reg.JHT)
	if len(changes) == 0 {
		return cur, nil
	}
	err = db.Transact(ctx, func(tx *Tx) error {
		t := now()
		for _, ch := range changes {
			if _, err := tx.ExecContext(ctx, `UPDATE participants SET `+ch.col+` = $1, updated_at = $2 WHERE id = $3 AND province_code = $4`, ch.value, t, id, cur.Province()); err != nil {
				return err
			}
			if err := recordChange(ctx, tx, act, ref, ch.field, ch.before, ch.after, e.Reason); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE participants SET name_lower = $1, sector = $2 WHERE id = $3 AND province_code = $4`, strings.ToLower(reg.Name), string(c.Sector), id, cur.Province()); err != nil {
			return err
		}
		return Audit(ctx, tx, act, "edit", "participant", id, cur.Village, fmt.Sprintf("%d field(s)", len(changes)))
	})
	if err != nil {
		return cur, err
	}
	return db.Participant(ctx, audit.Actor{}, ref)
}

// Change is one line of a participant's history.
type Change struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Field  string    `json:"field"`
	Before string    `json:"before"`
	After  string    `json:"after"`
	Reason string    `json:"reason,omitempty"`
}

// ParticipantHistory lists a participant's changes, oldest first.
func (db *DB) ParticipantHistory(ctx context.Context, ref Ref) ([]Change, error) {
	ref, err := db.locate(ctx, "participants", "participant", ref)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT at, actor, field, before_value, after_value, reason FROM participant_changes
WHERE province_code = $2 AND participant_id = $1 ORDER BY at, id`, ref.ID, ref.Province)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Change{}
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.At, &c.Actor, &c.Field, &c.Before, &c.After, &c.Reason); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ParticipantScope is where a participant belongs, read with one indexed query: what
// authorization needs before a payment, without the personal data.
func (db *DB) ParticipantScope(ctx context.Context, ref Ref) (access.Resource, error) {
	var r access.Resource
	ref, err := db.locate(ctx, "participants", "participant", ref)
	if err != nil {
		return r, err
	}
	var village string
	where, args := ref.match("")
	err = db.read.QueryRowContext(ctx, `SELECT branch_id, COALESCE(wadah_id, 0), COALESCE(agent_id, 0), village_code FROM participants WHERE `+where, args...).
		Scan(&r.BranchID, &r.WadahID, &r.AgentID, &village)
	if isNoRows(err) {
		return r, errs.NotFound("participant")
	}
	r.Regions = []string{village}
	return r, err
}
