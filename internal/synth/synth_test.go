package synth

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/nik"
	"github.com/perisai/perisai/internal/region"
)

func TestVillagesSpreadEveryWorker(t *testing.T) {
	var codes []string
	for _, a := range region.MustDefault().Search("", region.Village, "51", 0) {
		codes = append(codes, a.Code)
	}
	vs := Villages(codes, 10_007, 7)
	total, bumdes, perisai := 0, 0, 0
	for _, v := range vs {
		total += v.Workers
		if v.Bumdes {
			bumdes++
		}
		if v.Perisai {
			perisai++
			if !v.Bumdes {
				t.Fatalf("a wadah without a Bumdes: %+v", v)
			}
		}
	}
	if total != 10_007 || bumdes < len(codes)/2 || perisai == 0 || perisai > bumdes/3 {
		t.Fatalf("%d workers, %d Bumdes, %d wadah in %d villages", total, bumdes, perisai, len(codes))
	}
	if !reflect.DeepEqual(vs, Villages(codes, 10_007, 7)) || reflect.DeepEqual(vs, Villages(codes, 10_007, 8)) {
		t.Fatal("not deterministic from the seed")
	}
}

// Every synthetic NIK passes the registration's own check against its birth date and sex
// (DOMAIN.md §5), and lies in the village's district.
func TestPersonsHaveValidNIKs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	today := calendar.D(2026, 11, 30)
	known := func(code string) bool { _, ok := region.MustDefault().Get(code); return ok }
	for i := range 2000 {
		p := NewPerson(rng, "51.03.02.2001", i, today)
		if _, err := nik.Check(p.NIK, known, p.Birth.Time(), p.Sex); err != nil {
			t.Fatalf("%+v: %v", p, err)
		}
		if p.NIK[:6] != "510302" || p.Income < 0 || p.Income > 4 {
			t.Fatalf("%+v", p)
		}
	}
}

// A history stays between its registration and today, pays each month once, in order.
func TestHistories(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	today := calendar.D(2026, 11, 30)
	kinds := map[string]int{}
	for range 5000 {
		h := NewHistory(rng, today)
		if h.Registered.After(today) || h.Registered.Before(today.AddMonths(-61)) {
			t.Fatalf("registered %s", h.Registered)
		}
		last := calendar.Month(0)
		months := 0
		for _, p := range h.Payments {
			if p.First <= last || p.Last < p.First || p.Last > today.MonthOf() || p.First < h.Registered.MonthOf() || int(p.Last-p.First) >= 12 {
				t.Fatalf("payment %+v after %s in %+v", p, last, h)
			}
			if d := p.PaidAt(h, today); d.Before(h.Registered) || d.After(today) {
				t.Fatalf("paid at %s", d)
			}
			last = p.Last
			months += int(p.Last-p.First) + 1
		}
		switch {
		case len(h.Payments) == 0:
			kinds["never"]++
		case last == today.MonthOf():
			kinds["current"]++
		default:
			kinds["lapsed"]++
		}
	}
	if kinds["never"] == 0 || kinds["current"] < kinds["lapsed"] || kinds["lapsed"] == 0 {
		t.Fatalf("kinds of payers: %v", kinds)
	}
}
