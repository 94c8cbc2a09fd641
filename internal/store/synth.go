package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/contribution"
	"github.com/perisai/perisai/internal/idgen"
	"github.com/perisai/perisai/internal/nik"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/synth"
)

// A synthetic Indonesia for measuring at national scale (`perisai bench gen`, issue 20). The
// people and histories come from package synth; this writes them straight into the tables in
// bulk, a province at a time, as the system itself would have left them: every village's
// Bumdes, wadah with five agents and an agreement in force, workers with sealed NIKs and the
// duplicate gate, payments and the months they paid, claims, and the incentive statements of
// the three months before last. The history is not posted to the ledger (one journal entry per
// province stands for it): `ledger verify` is not for this data set.

// SynthOptions says what to make.
type SynthOptions struct {
	Participants int
	Seed         uint64
	Today        calendar.Date
	// Within limits the villages to a region ("" for the nation).
	Within string
}

// SynthStats counts what was written.
type SynthStats struct {
	Villages, Bumdes, Wadah, Agents, Participants, Payments, PaidMonths, Claims, Statements int
}

// synthFlush is how many rows wait in memory before they are written, in one transaction.
const synthFlush = 60_000

type synthTable struct {
	name string
	cols []string
	// key names the rows when the table is written twice in a flush: the agents' own
	// participant records before the agents, the workers (who point at their agent) after.
	key string
}

var synthParticipantCols = []string{"id", "kpj", "province_code", "village_code", "nik_blind", "nik_enc", "nik_masked", "name", "name_lower", "birth_date", "sex",
	"occupation", "sector", "declared_income", "jkk", "jkm", "jht", "review", "branch_id", "wadah_id", "agent_id", "consent_at", "consent_by", "created_at", "updated_at", "acquired_by"}

// The tables in the order their rows must be written (a row before the rows that point at it).
var synthTables = []synthTable{
	{"wadah", []string{"id", "branch_id", "village_code", "name", "created_at", "legal_number", "bank_name", "is_participant", "is_perisai", "province_code"}, ""},
	{"participants", synthParticipantCols, ""},
	{"agents", []string{"id", "wadah_id", "name", "created_at", "participant_id", "status", "activated_at", "last_activity_at", "province_code"}, ""},
	{"agent_villages", []string{"agent_id", "village_code", "province_code"}, ""},
	{"participants", synthParticipantCols, "workers"},
	{"agreements", []string{"id", "branch_id", "wadah_id", "number", "starts_on", "ends_on", "status", "created_at", "updated_at", "province_code"}, ""},
	{"nik_registry", []string{"province_code", "nik_blind", "participant_id"}, ""},
	{"participant_status", []string{"participant_id", "status", "last_paid", "held", "province_code"}, ""},
	{"payments", []string{"id", "receipt_no", "participant_id", "province_code", "branch_id", "wadah_id", "agent_id", "funding", "amount", "months",
		"first_month", "last_month", "status", "entry_id", "received_at", "received_by", "managed_by"}, ""},
	{"paid_months", []string{"participant_id", "month", "payment_id", "base", "discount", "due", "jkk", "jkm", "jht", "funding", "paid_at", "province_code"}, ""},
	{"claims", []string{"province_code", "id", "number", "participant_id", "program", "reason", "event_date", "claimant_name", "state", "amount", "branch_id",
		"wadah_id", "agent_id", "village_code", "created_by", "created_at", "updated_at"}, ""},
	{"claim_events", []string{"province_code", "id", "claim_id", "at", "actor", "from_state", "to_state"}, ""},
	{"incentive_statements", []string{"province_code", "id", "agent_id", "wadah_id", "branch_id", "month", "state", "agent_total", "wadah_extra", "tax", "issued_at"}, ""},
	{"region_potential", []string{"province_code", "region_code", "year", "workers", "source", "entered_by", "entered_at"}, ""},
}

type synthLoader struct {
	db     *DB
	o      SynthOptions
	rows   map[string][][]any
	n      int
	stats  SynthStats
	prices [5][2]priced // income index × JHT
	income []int64
	at     time.Time // when the loader runs: what "created" means for rows with no history
}

type priced struct{ base, discount, due, jkk, jkm, jht int64 }

// LoadSynthetic writes a synthetic data set into an empty database. progress, when set, hears
// of each province done.
func (db *DB) LoadSynthetic(ctx context.Context, rs *rules.Set, o SynthOptions, progress func(prov string, s SynthStats)) (SynthStats, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM participants`).Scan(&n); err != nil {
		return SynthStats{}, err
	}
	if n > 0 {
		return SynthStats{}, fmt.Errorf("bench gen: the database already holds %d participants; give an empty one", n)
	}
	l := &synthLoader{db: db, o: o, rows: map[string][][]any{}, at: now()}
	var err error
	if l.income, err = rs.IncomeTable(o.Today); err != nil {
		return l.stats, err
	}
	for i := range l.prices {
		for j, jht := range []bool{false, true} {
			m := contribution.Member{Income: l.income[min(i, len(l.income)-1)], Programs: participant.Programs{JKK: true, JKM: true, JHT: jht}, Sector: rules.Other}
			q, err := contribution.QuoteMonths(rs, m, contribution.Self, []calendar.Month{o.Today.MonthOf()})
			if err != nil {
				return l.stats, err
			}
			p := priced{base: q.Months[0].Base, discount: q.Months[0].Discount, due: q.Months[0].Due}
			for _, line := range q.Lines {
				switch line.Program {
				case contribution.JKK:
					p.jkk = line.Due
				case contribution.JKM:
					p.jkm = line.Due
				case contribution.JHT:
					p.jht = line.Due
				}
			}
			l.prices[i][j] = p
		}
	}
	tree := region.MustDefault()
	var codes []string
	for _, a := range tree.Search("", region.Village, o.Within, 0) {
		codes = append(codes, a.Code)
	}
	villages := synth.Villages(codes, o.Participants, o.Seed)
	for i := 0; i < len(villages); {
		prov := villages[i].Code[:2]
		j := i
		for j < len(villages) && villages[j].Code[:2] == prov {
			j++
		}
		if err := l.province(ctx, prov, villages[i:j]); err != nil {
			return l.stats, fmt.Errorf("bench gen %s: %w", prov, err)
		}
		if progress != nil {
			progress(prov, l.stats)
		}
		i = j
	}
	if _, err := db.RefreshStatuses(ctx, rs, o.Today); err != nil {
		return l.stats, err
	}
	// The planner's statistics, as a database in use has them: fresh bulk-loaded tables have
	// none until autovacuum comes by, and PostgreSQL plans the incentive run's queries badly.
	return l.stats, db.Analyze(ctx)
}

func (l *synthLoader) add(table string, row ...any) {
	l.rows[table] = append(l.rows[table], row)
	l.n++
}

// flush writes what waits, in one transaction, table by table in order.
func (l *synthLoader) flush(ctx context.Context) error {
	if l.n == 0 {
		return nil
	}
	err := l.db.Transact(ctx, func(tx *Tx) error {
		for _, t := range synthTables {
			key := t.key
			if key == "" {
				key = t.name
			}
			if rows := l.rows[key]; len(rows) > 0 {
				if err := insertRows(ctx, tx, t.name, t.cols, rows, "", nil); err != nil {
					return fmt.Errorf("%s: %w", t.name, err)
				}
			}
		}
		return nil
	})
	clear(l.rows)
	l.n = 0
	return err
}

// agentMonth is what an agent did in one of the three months before last, for its
// statement: last month is left for the incentive run to issue (the national run's
// benchmark: `perisai incentives run` after `bench gen`).
type agentMonth struct {
	acquired  int
	collected int64
}

type synthAgent struct {
	id, wadah int64
	months    [3]agentMonth // months -4, -3, -2
}

func (l *synthLoader) province(ctx context.Context, prov string, villages []synth.Village) error {
	rng := rand.New(rand.NewPCG(l.o.Seed, uint64(prov[0])<<8|uint64(prov[1])))
	t := l.at
	branch := idgen.Next()
	entry := idgen.Next()
	tree := region.MustDefault()
	err := l.db.Transact(ctx, func(tx *Tx) error {
		a, _ := tree.Get(prov)
		if _, err := tx.ExecContext(ctx, `INSERT INTO branches (id, code, name, province_code, address, created_at) VALUES ($1, $2, $3, $4, '', $5)`,
			branch, "KC-"+prov, "KC "+a.Name, prov, t); err != nil {
			return err
		}
		for _, r := range tree.Children(prov) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO branch_regencies (regency_code, branch_id) VALUES ($1, $2)`, r.Code, branch); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO journal_entries (id, at, kind, ref_type, ref_id, memo, province_code) VALUES ($1, $2, 'synthetic', 'bench', 0, 'synthetic history, not posted', $3)`, entry, t, prov)
		return err
	})
	if err != nil {
		return err
	}
	today := l.o.Today
	this := today.MonthOf()
	var agents []*synthAgent
	district, serial, seen := "", 0, map[string]bool{}
	for _, v := range villages {
		l.stats.Villages++
		if d := v.Code[:8]; d != district {
			district, serial, seen = d, 0, map[string]bool{}
		}
		person := func() synth.Person {
			for {
				p := synth.NewPerson(rng, v.Code, serial, today)
				serial++
				if !seen[p.NIK] {
					seen[p.NIK] = true
					return p
				}
			}
		}
		// The village's informal workers, two to four times those already covered.
		l.add("region_potential", prov, v.Code, today.Year(), int64(v.Workers*(2+rng.IntN(3))+rng.IntN(20)), "Sintetis (bench gen)", "synthetic", t)
		var wadah int64
		var mine []*synthAgent
		if v.Bumdes {
			wadah = idgen.Next()
			l.stats.Bumdes++
			name := v.Code
			if a, ok := tree.Get(v.Code); ok {
				name = a.Name
			}
			l.add("wadah", wadah, branch, v.Code, "Bumdes "+name, t, "AHU-SYN-"+v.Code, "BRI", v.Member, v.Perisai, prov)
		}
		if v.Perisai {
			l.stats.Wadah++
			start := this.Add(-6).First()
			l.add("agreements", idgen.Next(), branch, wadah, "PKS/SYN/"+v.Code, start, start.AddMonths(12).AddDays(-1), "active", t, t, prov)
			for range synth.AgentsPerWadah {
				p := person()
				pid, aid := idgen.Next(), idgen.Next()
				if err := l.participant("participants", pid, prov, v.Code, p, branch, wadah, 0, today.AddMonths(-7), 0); err != nil {
					return err
				}
				l.add("participant_status", pid, "waiting_first_payment", nil, false, prov)
				l.add("agents", aid, wadah, p.Name, t, pid, "active", t, t, prov)
				l.add("agent_villages", aid, v.Code, v.Code[:2])
				l.stats.Agents++
				mine = append(mine, &synthAgent{id: aid, wadah: wadah})
			}
			agents = append(agents, mine...)
		}
		for k := range v.Workers {
			p := person()
			h := synth.NewHistory(rng, today)
			id := idgen.Next()
			var ag *synthAgent
			if len(mine) > 0 && rng.IntN(10) < 8 {
				ag = mine[k%len(mine)]
			}
			var agentID int64
			if ag != nil {
				agentID = ag.id
				if back := int(this - h.Registered.MonthOf()); back >= 2 && back <= 4 {
					ag.months[4-back].acquired++
				}
			}
			if err := l.participant("workers", id, prov, v.Code, p, branch, wadah, agentID, h.Registered, agentID); err != nil {
				return err
			}
			jht := 0
			if p.JHT {
				jht = 1
			}
			price := l.prices[p.Income][jht]
			var last any
			for _, pay := range h.Payments {
				payID := idgen.Next()
				months := int(pay.Last-pay.First) + 1
				funding := string(contribution.Self)
				if pay.Sponsored {
					funding = string(contribution.APBDes)
				}
				at := pay.PaidAt(h, today).Time().Add(2 * time.Hour) // 09:00 WIB
				l.add("payments", payID, "SYN-"+strings.ToUpper(fmt.Sprint(payID)), id, prov, branch, nullZero(wadah), nullZero(agentID), funding,
					price.due*int64(months), months, int(pay.First), int(pay.Last), "posted", entry, at, "synthetic", nullZero(agentID))
				for m := pay.First; m <= pay.Last; m++ {
					l.add("paid_months", id, int(m), payID, price.base, price.discount, price.due, price.jkk, price.jkm, price.jht*int64(jht), funding, at, prov)
					l.stats.PaidMonths++
				}
				if ag != nil {
					if back := int(this - calendar.Of(at).MonthOf()); back >= 2 && back <= 4 {
						ag.months[4-back].collected += price.due * int64(months) * 15 / 100
					}
				}
				last = int(pay.Last)
				l.stats.Payments++
			}
			l.add("participant_status", id, "waiting_first_payment", last, false, prov)
			if rng.IntN(500) == 0 {
				l.claim(rng, prov, id, v.Code, p.Name, branch, wadah, agentID)
			}
			if l.n >= synthFlush {
				if err := l.flush(ctx); err != nil {
					return err
				}
			}
		}
	}
	for _, a := range agents {
		for i, m := range a.months {
			acq := int64(0)
			if m.acquired >= 25 {
				acq = int64(m.acquired) * 15_000
			}
			// Every agent has its statements, nil ones too: the run of last month then takes
			// what came in since (the history before is on them, as if run every month).
			total := acq + m.collected
			state := "paid"
			if i == 2 {
				state = "issued"
			}
			extra := total / 10
			l.add("incentive_statements", prov, idgen.Next(), a.id, a.wadah, branch, int(this.Add(i-4)), state, total, extra, (total+extra)*2/100, this.Add(i-3).Begins())
			l.stats.Statements++
		}
	}
	return l.flush(ctx)
}

// participant adds a participant's row to table: "participants" for an agent's own record
// (written before the agents), "workers" for the rest (after them).
func (l *synthLoader) participant(table string, id int64, prov, village string, p synth.Person, branch, wadah, agent int64, registered calendar.Date, acquiredBy int64) error {
	blind, err := l.db.blind("nik", p.NIK)
	if err != nil {
		return err
	}
	enc, err := l.db.seal("participant.nik", p.NIK)
	if err != nil {
		return err
	}
	at := registered.Time().Add(3 * time.Hour)
	kpj := fmt.Sprintf("%s%09d", prov, l.stats.Participants+1) // the province prefix, as registration makes them
	l.add(table, id, kpj, prov, village, blind, enc, nik.Mask(p.NIK), p.Name, strings.ToLower(p.Name), p.Birth, string(p.Sex),
		"petani", string(rules.Other), l.income[min(p.Income, len(l.income)-1)], true, true, p.JHT, "verified", branch, nullZero(wadah), nullZero(agent), at, "synthetic", at, at, nullZero(acquiredBy))
	l.add("nik_registry", p.NIK[:2], blind, id)
	l.stats.Participants++
	return nil
}

// claim is a work-accident claim of a participant: paid two weeks after it was filed, or
// still waiting.
func (l *synthLoader) claim(rng *rand.Rand, prov string, participantID int64, village, name string, branch, wadah, agent int64) {
	id := idgen.Next()
	filed := l.o.Today.AddDays(-rng.IntN(360))
	at := filed.Time().Add(3 * time.Hour)
	state := "submitted"
	if rng.IntN(10) < 7 && filed.AddDays(14).Before(l.o.Today) {
		state = "paid"
	}
	l.add("claims", prov, id, fmt.Sprintf("KLM-%s-%d", prov, l.stats.Claims+1), participantID, "jkk", "medical", filed.AddDays(-3), name, state,
		int64(500_000+rng.IntN(20_000_000)), branch, nullZero(wadah), nullZero(agent), village, "synthetic", at, at)
	l.add("claim_events", prov, idgen.Next(), id, at, "synthetic", "draft", "submitted")
	if state == "paid" {
		l.add("claim_events", prov, idgen.Next(), id, at.Add(14*24*time.Hour), "synthetic", "approved", "paid")
	}
	l.stats.Claims++
}
