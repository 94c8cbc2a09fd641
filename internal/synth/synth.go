// Package synth makes a realistic synthetic Indonesia for measuring Perisai at national scale
// (issue 20: `perisai bench gen`): which villages have a Bumdes and which of those are Perisai
// wadah, how many workers each village holds, and each worker's person (a NIK consistent with
// the village, sex and birth date) and contribution history (12–60 months with lapses: steady
// payers, irregular ones, ones who stopped, ones who never paid). Deterministic from a seed.
// Plain Go: the store writes what it makes.
package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/nik"
)

// Shares of the national picture (DOMAIN.md §6): ~57,000 Bumdes in 83,762 villages; a sixth of
// them Perisai wadah; a fifth BPJS participants themselves.
const (
	BumdesShare      = 0.68
	PerisaiShare     = 0.15
	ParticipantShare = 0.21
	// AgentWeight is how many times more workers a village with a Perisai wadah holds than
	// one without: agents bring them in.
	AgentWeight = 8
	// AgentsPerWadah: the rule's minimum of five active agents.
	AgentsPerWadah = 5
)

// Village is what a village holds.
type Village struct {
	Code    string
	Bumdes  bool
	Perisai bool // a Perisai wadah with agents
	Member  bool // the Bumdes is a participant
	Workers int
}

// Villages decides, for the villages given in order, which have a Bumdes and which are wadah,
// and spreads n workers over them by weight (exactly n in all).
func Villages(codes []string, n int, seed uint64) []Village {
	rng := rand.New(rand.NewPCG(seed, 20))
	out := make([]Village, len(codes))
	weight := 0
	for i, c := range codes {
		v := Village{Code: c, Bumdes: rng.Float64() < BumdesShare}
		if v.Bumdes {
			v.Perisai = rng.Float64() < PerisaiShare
			v.Member = rng.Float64() < ParticipantShare
		}
		out[i] = v
		weight += v.weight()
	}
	given := 0
	for i := range out {
		out[i].Workers = n * out[i].weight() / max(1, weight)
		given += out[i].Workers
	}
	for i := 0; given < n && len(out) > 0; i = (i + 1) % len(out) { // the remainder, one each
		out[i].Workers++
		given++
	}
	return out
}

func (v Village) weight() int {
	if v.Perisai {
		return AgentWeight
	}
	return 1
}

// Person is a synthetic worker.
type Person struct {
	NIK    string
	Name   string
	Sex    nik.Sex
	Birth  calendar.Date
	Income int // index in the income table: mostly 0, the minimum
	JHT    bool
}

var (
	male   = []string{"Agus", "Budi", "Dedi", "Eko", "Hendra", "I Wayan", "I Made", "Joko", "La Ode", "Muhammad", "Putu", "Rudi", "Slamet", "Teguh", "Yohanes"}
	female = []string{"Ani", "Dewi", "Fitri", "Lestari", "Ni Made", "Ni Wayan", "Nur", "Rina", "Sari", "Siti", "Sri", "Wulan", "Yuli"}
	family = []string{"Hidayat", "Kurniawan", "Lestari", "Nainggolan", "Pratama", "Rahayu", "Santoso", "Saputra", "Setiawan", "Siregar", "Suarta", "Sudarma", "Wibowo", "Wijaya"}
)

// NewPerson makes a worker of a village (code 51.03.02.2001) on a day: a NIK of the village's
// district with the birth date and sex in it, and a serial from the caller (unique within the
// district: the caller keeps the count).
func NewPerson(rng *rand.Rand, village string, serial int, today calendar.Date) Person {
	p := Person{Sex: nik.Male}
	first := male
	if rng.IntN(2) == 0 {
		p.Sex, first = nik.Female, female
	}
	age := 18 + rng.IntN(45)
	p.Birth = calendar.D(today.Year()-age, time.Month(1+rng.IntN(12)), 1+rng.IntN(28))
	day := p.Birth.Day()
	if p.Sex == nik.Female {
		day += 40
	}
	p.NIK = fmt.Sprintf("%s%s%s%02d%02d%02d%04d", village[0:2], village[3:5], village[6:8], day, int(p.Birth.Month()), p.Birth.Year()%100, 1+serial%9999)
	p.Name = first[rng.IntN(len(first))] + " " + family[rng.IntN(len(family))]
	if rng.IntN(10) >= 8 {
		p.Income = 1 + rng.IntN(4)
	}
	p.JHT = rng.IntN(3) == 0
	return p
}

// Payment is one payment of a history: months paid at once.
type Payment struct {
	First, Last calendar.Month
	Day         int // of the first month, when it was paid
	Sponsored   bool
}

// History is when a worker registered and what they paid.
type History struct {
	Registered calendar.Date
	Payments   []Payment
}

// NewHistory makes a worker's history up to today: most registered 12–60 months ago, some in
// the last year; steady payers, irregular ones with lapses, ones who stopped, a few who never
// paid. Payments take 1, 3, 6 or 12 months at once.
func NewHistory(rng *rand.Rand, today calendar.Date) History {
	now := today.MonthOf()
	back := 12 + rng.IntN(49)
	if rng.IntN(100) < 15 {
		back = rng.IntN(12)
	}
	start := now.Add(-back)
	day := 1 + rng.IntN(28)
	h := History{Registered: calendar.D(start.Year(), start.Month(), day)}
	if h.Registered.After(today) {
		h.Registered = today
	}
	var paid []calendar.Month
	switch kind := rng.IntN(100); {
	case kind < 55: // steady
		for m := start; m <= now; m++ {
			paid = append(paid, m)
		}
	case kind < 80: // irregular: lapses of a month or more
		for m := start; m <= now; m++ {
			if rng.IntN(4) != 0 {
				paid = append(paid, m)
			}
		}
	case kind < 93: // stopped
		stop := start.Add(rng.IntN(back + 1))
		for m := start; m <= stop; m++ {
			paid = append(paid, m)
		}
	}
	sponsored := rng.IntN(20) == 0
	for i := 0; i < len(paid); {
		n := []int{1, 1, 1, 3, 3, 3, 6, 6, 12, 12}[rng.IntN(10)]
		j := i
		for j+1 < len(paid) && j+1-i < n && paid[j+1] == paid[j]+1 {
			j++
		}
		h.Payments = append(h.Payments, Payment{First: paid[i], Last: paid[j], Day: 1 + rng.IntN(28), Sponsored: sponsored})
		i = j + 1
	}
	return h
}

// PaidAt is when a payment came in: on its day of its first month (not after today, nor before
// the registration).
func (p Payment) PaidAt(h History, today calendar.Date) calendar.Date {
	d := calendar.D(p.First.Year(), p.First.Month(), p.Day)
	if d.Before(h.Registered) {
		d = h.Registered
	}
	if d.After(today) {
		d = today
	}
	return d
}
