// Package demo loads a realistic data set for trying Perisai: the two Bali branch offices, the
// Bumdes register (Full: 615 Bumdes of which 130 are participants and 87 Perisai wadah, the
// shape of the 2022 seed in DOMAIN.md §1), agents with agreements in force, registered workers,
// and one login per role. Loading twice changes nothing.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/dashboard"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/nik"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/region"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/store"
)

// Password is every demo login's password. Demo data is for trying the system, never for
// production; serve prints it with the logins.
const Password = "perisai-demo"

// Scale chooses how much to load.
type Scale int

const (
	// Small is the two branches, three Bumdes (two of them wadah with five agents each) and a
	// handful of workers: enough for every screen, fast enough for every test.
	Small Scale = iota
	// Full adds the Bali register: 615 Bumdes, 130 participants, 87 wadah, 350 workers, and
	// money: payments, deposits, a village sponsoring its workers.
	Full
)

// Login is one demo account.
type Login struct {
	Username string
	Role     access.Role
	Note     string
}

var actor = audit.Actor{Name: "demo"}

// Branches are the two Kantor Cabang of Bali and the regencies each serves.
var Branches = []network.Branch{
	{Code: "KC-DPS", Name: "KC Bali Denpasar", Province: "51", Address: "Jl. Diponegoro, Denpasar",
		Regencies: []string{"51.71", "51.03", "51.08", "51.01", "51.02"}}, // Denpasar, Badung, Buleleng, Jembrana, Tabanan
	{Code: "KC-GIA", Name: "KC Gianyar", Province: "51", Address: "Jl. Ciung Wanara, Gianyar",
		Regencies: []string{"51.04", "51.05", "51.06", "51.07"}}, // Gianyar, Klungkung, Bangli, Karangasem
}

// Logins are the demo accounts, one per role and two branch officers.
var Logins = []Login{
	{"admin", access.Admin, "national operator"},
	{"kc.denpasar", access.BranchOfficer, "KC Bali Denpasar"},
	{"kc.gianyar", access.BranchOfficer, "KC Gianyar"},
	{"bumdes.munggu", access.WadahManager, "Bumdes Munggu, Badung"},
	{"agen.made", access.Agent, "agent of Bumdes Munggu"},
	{"pmd.bali", access.Government, "Dinas PMD Provinsi Bali"},
}

// The first wadah are named: Munggu (Badung, KC Bali Denpasar) and Batubulan (Gianyar, KC
// Gianyar), both Perisai wadah; Buduk is a Bumdes that is not (yet) a wadah.
var named = []struct {
	village string
	name    string
	perisai bool
}{
	{"51.03.02.2001", "Bumdes Munggu", true},
	{"51.04.01.2001", "Bumdes Batubulan", true},
	{"51.03.02.2002", "Bumdes Buduk", false},
}

// Load creates the demo data unless it is there already, and returns the logins.
func Load(ctx context.Context, db *store.DB, scale Scale) ([]Login, error) {
	if _, _, err := db.UserByUsername(ctx, "admin"); err == nil {
		return Logins, nil // loaded before
	}
	l := &loader{db: db, rs: rules.Default(), today: calendar.Today(), rng: rand.New(rand.NewPCG(2022, 615)), serial: 1}
	if err := l.load(ctx, scale); err != nil {
		return nil, err
	}
	return Logins, nil
}

type loader struct {
	db     *store.DB
	rs     *rules.Set
	today  calendar.Date
	rng    *rand.Rand
	serial int
	admin  access.Principal
	branch map[string]int64
}

func (l *loader) load(ctx context.Context, scale Scale) error {
	l.branch = map[string]int64{}
	for _, b := range Branches {
		b.Regencies = append([]string(nil), b.Regencies...)
		got, err := l.db.BranchByCode(ctx, b.Code)
		if errors.Is(err, errs.ErrNotFound) {
			err = l.db.CreateBranch(ctx, actor, &b)
			got = b
		}
		if err != nil {
			return fmt.Errorf("demo branch %s: %w", b.Code, err)
		}
		l.branch[b.Code] = got.ID
	}
	admin, err := l.db.CreateUser(ctx, actor, access.NewUser{Username: "admin", Name: "Admin Perisai", Role: access.Admin, Password: Password})
	if err != nil {
		return err
	}
	l.admin = access.Principal{UserID: admin.ID, Username: admin.Username, Role: access.Admin}

	// The Bumdes register.
	type bumdes struct {
		village, name          string
		perisai, isParticipant bool
	}
	var list []bumdes
	for _, n := range named {
		list = append(list, bumdes{n.village, n.name, n.perisai, true})
	}
	if scale == Full {
		taken := map[string]bool{named[0].village: true, named[1].village: true, named[2].village: true}
		var desa []region.Area
		for _, a := range region.MustDefault().Search("", region.Village, "51", 0) {
			if a.Kind() == "desa" && !taken[a.Code] {
				desa = append(desa, a)
			}
		}
		// 615 in all, 130 participants, 87 wadah: spread evenly over the list of desa.
		for i := 0; len(list) < 615; i++ {
			a := desa[i*len(desa)/612]
			list = append(list, bumdes{a.Code, "Bumdes " + a.Name, false, false})
		}
		for i := 3; i < len(list); i++ {
			list[i].isParticipant = (i-3)%4 == 0 && countTrue(list, func(b bumdes) bool { return b.isParticipant }) < 130
			list[i].perisai = (i-3)%7 == 0 && countTrue(list, func(b bumdes) bool { return b.perisai }) < 87
		}
	}
	var wadahIDs []int64
	var munggu network.Wadah
	for i, b := range list {
		w := network.Wadah{Village: b.village, Name: b.name, IsPerisai: b.perisai, IsParticipant: b.isParticipant,
			LegalNumber: fmt.Sprintf("AHU-%05d.AH.01.33.2022", i+1), ContactName: l.personName(l.rng.IntN(2) == 0),
			ContactPhone: fmt.Sprintf("0812%08d", 10000000+i), BankName: "BPD Bali", BankAccount: fmt.Sprintf("0%09d", 100000000+i)}
		if err := l.db.CreateWadah(ctx, actor, &w); err != nil {
			return fmt.Errorf("demo wadah %s: %w", b.name, err)
		}
		if b.perisai {
			wadahIDs = append(wadahIDs, w.ID)
		}
		if i == 0 {
			munggu = w
		}
	}

	// Every wadah gets five agents, each first registered as a participant, then an agreement in
	// force since the start of the month six months ago.
	agentsOf := map[int64][]int64{}
	provinceOf := map[int64]string{} // wadah → province
	for n, wid := range wadahIDs {
		w, err := l.db.Wadah(ctx, store.Ref{ID: wid}) // located: the demo's admin names no province
		if err != nil {
			return err
		}
		provinceOf[wid] = w.Village[:2]
		for range 5 {
			reg := l.worker(w.Village, true, l.today)
			p, err := l.db.Register(ctx, l.admin, actor, l.rs, reg, l.today)
			if err != nil {
				return fmt.Errorf("demo agent participant: %w", err)
			}
			ag := network.Agent{WadahID: wid, ParticipantID: p.ID, Phone: reg.Phone, BankName: "BPD Bali",
				BankAccount: fmt.Sprintf("1%09d", p.ID%1_000_000_000), TrainedOn: l.today.AddMonths(-7), Villages: neighbours(w.Village)}
			if err := l.db.CreateAgent(ctx, actor, &ag, l.today); err != nil {
				return fmt.Errorf("demo agent: %w", err)
			}
			agentsOf[wid] = append(agentsOf[wid], ag.ID)
		}
		// The agreement of 2022-23, when the seed's workers were acquired (expired since), and
		// the one in force now.
		old := network.Agreement{WadahID: wid, Number: fmt.Sprintf("PKS/%03d/2022", n+1), Starts: calendar.D(2022, 4, 1), Ends: calendar.D(2023, 3, 31)}
		if scale == Full {
			if err := l.db.CreateAgreement(ctx, actor, l.rs, &old); err != nil {
				return fmt.Errorf("demo agreement of 2022: %w", err)
			}
			if _, err := l.db.ActivateAgreement(ctx, actor, l.rs, store.RefIn(old.Province, old.ID), old.Starts); err != nil {
				return fmt.Errorf("demo agreement of 2022: %w", err)
			}
		}
		start := l.today.MonthOf().Add(-6).First()
		ag := network.Agreement{WadahID: wid, Number: fmt.Sprintf("PKS/%03d/%s", n+1, start.String()[:7]), Starts: start, Ends: start.AddMonths(12).AddDays(-1)}
		if err := l.db.CreateAgreement(ctx, actor, l.rs, &ag); err != nil {
			return fmt.Errorf("demo agreement: %w", err)
		}
		if _, err := l.db.ActivateAgreement(ctx, actor, l.rs, store.RefIn(ag.Province, ag.ID), l.today); err != nil {
			return fmt.Errorf("demo agreement: %w", err)
		}
	}

	// Workers registered by the agents: 12 in Small, today; in Full the seed's 350, acquired
	// through the year 2022 (dated then: store.AsOf).
	workers := 12
	if scale == Full {
		workers = 350
	}
	var regs []registered
	for i := range workers {
		wid := wadahIDs[i%len(wadahIDs)]
		agent := agentsOf[wid][i%5]
		a, err := l.db.Agent(ctx, store.RefIn(provinceOf[wid], agent))
		if err != nil {
			return err
		}
		on, at := l.today, ctx
		if scale == Full {
			on = calendar.D(2022, 4, 4).AddDays(i * 270 / workers) // from when the rules of the network took effect
			at = store.AsOf(ctx, on.Time().Add(10*time.Hour))
		}
		reg := l.worker(a.Villages[l.rng.IntN(len(a.Villages))], false, on)
		p := access.Principal{UserID: 0, Username: "demo", Role: access.Agent, AgentID: agent}
		got, err := l.db.Register(at, p, actor, l.rs, reg, on)
		if err != nil {
			return fmt.Errorf("demo worker: %w", err)
		}
		regs = append(regs, registered{got, agent, wid})
	}
	if scale == Full {
		if _, err := l.db.ExpireAgreements(ctx, actor, l.today); err != nil {
			return fmt.Errorf("demo agreements of 2022: %w", err)
		}
		if err := l.mungguAtWork(ctx, regs, munggu, agentsOf[munggu.ID]); err != nil {
			return err
		}
	}

	users := []access.NewUser{
		{Username: "kc.denpasar", Name: "Ni Luh Putu Ayu", Role: access.BranchOfficer, Scope: access.Scope{BranchID: l.branch["KC-DPS"]}},
		{Username: "kc.gianyar", Name: "I Wayan Darma", Role: access.BranchOfficer, Scope: access.Scope{BranchID: l.branch["KC-GIA"]}},
		{Username: "bumdes.munggu", Name: "I Ketut Budiasa", Role: access.WadahManager, Scope: access.Scope{WadahID: munggu.ID}},
		{Username: "agen.made", Name: "I Made Sukarta", Role: access.Agent, Scope: access.Scope{AgentID: agentsOf[munggu.ID][0]}},
		{Username: "pmd.bali", Name: "Dinas PMD Provinsi Bali", Role: access.Government, Scope: access.Scope{Region: "51"}},
	}
	for _, u := range users {
		u.Password = Password
		if _, err := l.db.CreateUser(ctx, actor, u); err != nil {
			return fmt.Errorf("demo user %s: %w", u.Username, err)
		}
	}
	if scale == Full {
		if err := l.pastStatements(ctx); err != nil {
			return err
		}
		if err := l.claims(ctx); err != nil {
			return err
		}
	}
	// The seed's potential: the Bumdes workers of Bali still uncovered at the end of 2022.
	seed := dashboard.PotentialEntry{Region: "51", Year: 2022, Workers: 477, Source: "Seed Bali 2022 (Dinas PMD)"}
	if err := l.db.SetPotential(ctx, actor, []dashboard.PotentialEntry{seed}, l.today); err != nil {
		return fmt.Errorf("demo potential: %w", err)
	}
	if _, err := l.db.RebuildDashboard(ctx, l.today); err != nil {
		return fmt.Errorf("demo dashboard: %w", err)
	}
	return nil
}

func countTrue[T any](list []T, f func(T) bool) int {
	n := 0
	for _, x := range list {
		if f(x) {
			n++
		}
	}
	return n
}

// neighbours is a village and the next one of its district, the area an agent serves.
func neighbours(village string) []string {
	sibs := region.MustDefault().Children(region.ParentCode(village))
	out := []string{village}
	for i, s := range sibs {
		if s.Code == village && i+1 < len(sibs) {
			out = append(out, sibs[i+1].Code)
		}
	}
	return out
}

var (
	maleFirst   = []string{"I Wayan", "I Made", "I Nyoman", "I Ketut", "I Putu", "I Kadek", "I Komang", "I Gede"}
	femaleFirst = []string{"Ni Wayan", "Ni Made", "Ni Nyoman", "Ni Ketut", "Ni Putu", "Ni Kadek", "Ni Komang", "Ni Luh"}
	given       = []string{"Sudarma", "Suarta", "Artini", "Budiasa", "Sukerti", "Widiastuti", "Ariawan", "Suastika", "Yasa", "Sarini",
		"Mertayasa", "Astuti", "Sudiarta", "Wirawan", "Sriani", "Parwata", "Suwitra", "Wahyuni", "Juliana", "Adnyana"}
	occupations = []string{"petani", "petani", "pedagang", "nelayan", "pengrajin", "buruh_harian", "ojek", "tukang", "pekerja_wisata", "peternak"}
)

func (l *loader) personName(male bool) string {
	first := femaleFirst
	if male {
		first = maleFirst
	}
	return first[l.rng.IntN(len(first))] + " " + given[l.rng.IntN(len(given))]
}

// worker makes a valid registration: a NIK that agrees with the birth date and sex, an
// occupation, an income from the table, heirs.
func (l *loader) worker(village string, agent bool, on calendar.Date) participant.Registration {
	male := l.rng.IntN(2) == 0
	birth := calendar.D(1965+l.rng.IntN(40), time.Month(1+l.rng.IntN(12)), 1+l.rng.IntN(28))
	day := birth.Day()
	sex := nik.Male
	if !male {
		day += 40
		sex = nik.Female
	}
	nikStr := fmt.Sprintf("%s%s%s%02d%02d%02d%04d", village[0:2], village[3:5], village[6:8], day, int(birth.Month()), birth.Year()%100, l.serial)
	l.serial++
	tbl, _ := l.rs.IncomeTable(on)
	reg := participant.Registration{
		NIK: nikStr, Name: l.personName(male), BirthDate: birth, Sex: sex, Village: village,
		Phone: fmt.Sprintf("08%010d", l.rng.Int64N(10_000_000_000)), Occupation: occupations[l.rng.IntN(len(occupations))],
		DeclaredIncome: tbl[l.rng.IntN(4)], JHT: agent || l.rng.IntN(3) == 0, Consent: true,
	}
	if agent {
		reg.Occupation = "pengurus_bumdes"
	}
	reg.Heirs = []participant.Heir{{Name: l.personName(l.rng.IntN(2) == 0), Relationship: participant.Child,
		BirthDate: calendar.D(2008+l.rng.IntN(10), time.Month(1+l.rng.IntN(12)), 1+l.rng.IntN(28))}}
	return reg
}
