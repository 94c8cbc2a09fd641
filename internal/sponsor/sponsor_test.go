package sponsor

import (
	"strings"
	"testing"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/region"
)

func TestValidate(t *testing.T) {
	tr := region.MustDefault()
	cases := []struct {
		s  Sponsor
		ok bool
	}{
		{Sponsor{Kind: APBDes, Name: "Desa Munggu", Region: "51.03.02.2001"}, true},
		{Sponsor{Kind: APBDes, Name: "Desa Munggu", Region: "51.03"}, false},
		{Sponsor{Kind: APBDRegency, Name: "Pemkab Badung", Region: "51.03"}, true},
		{Sponsor{Kind: APBDProvince, Name: "Pemprov Bali", Region: "51.03"}, false},
		{Sponsor{Kind: CSR, Name: "PT Bank Daerah", Region: "51"}, true},
		{Sponsor{Kind: "lottery", Name: "X Y Z", Region: "51"}, false},
		{Sponsor{Kind: Donor, Name: "", Region: "51"}, false},
	}
	for _, c := range cases {
		if err := c.s.Validate(tr); (err == nil) != c.ok {
			t.Errorf("%+v: %v", c.s, err)
		}
	}
}

func TestSponsorship(t *testing.T) {
	s := Sponsorship{Name: "6 bulan", From: calendar.MonthOf(2026, 6), To: calendar.MonthOf(2026, 11), JKK: true, JKM: true}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	// Ends 30 November 2026.
	if !s.EndsWithin(calendar.D(2026, 11, 1), 30) || s.EndsWithin(calendar.D(2026, 10, 30), 30) || s.EndsWithin(calendar.D(2026, 12, 1), 30) {
		t.Fatal("ends within 30 days")
	}
	bad := s
	bad.To = calendar.MonthOf(2026, 5)
	if bad.Validate() == nil {
		t.Fatal("to before from")
	}
	bad = s
	bad.JKK, bad.JKM = false, false
	if bad.Validate() == nil {
		t.Fatal("no program")
	}
}

// Security issue 16 §2: a budget is money, bounded like every amount.
func TestBudgetBounded(t *testing.T) {
	s := Sponsorship{Name: "Dana Desa", From: calendar.MonthOf(2026, 11), To: calendar.MonthOf(2026, 12), JKK: true, JKM: true, Budget: 9_223_372_036_854_775_807}
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "budget") {
		t.Fatalf("%v", err)
	}
}
