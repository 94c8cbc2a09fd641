package network

import (
	"errors"
	"testing"

	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/region"
)

func TestBranchValidate(t *testing.T) {
	tr := region.MustDefault()
	cases := []struct {
		name string
		b    Branch
		ok   bool
	}{
		{"KC Bali Denpasar", Branch{Code: "kc-dps", Name: "KC Bali Denpasar", Province: "51", Regencies: []string{"51.71", "51.03"}}, true},
		{"no name", Branch{Code: "X", Province: "51", Regencies: []string{"51.71"}}, false},
		{"unknown province", Branch{Code: "X", Name: "x", Province: "99", Regencies: []string{"51.71"}}, false},
		{"regency in another province", Branch{Code: "X", Name: "x", Province: "51", Regencies: []string{"52.01"}}, false},
		{"district given as regency", Branch{Code: "X", Name: "x", Province: "51", Regencies: []string{"51.71.01"}}, false},
		{"no regency", Branch{Code: "X", Name: "x", Province: "51"}, false},
		{"duplicate regency", Branch{Code: "X", Name: "x", Province: "51", Regencies: []string{"51.71", "51.71"}}, false},
	}
	for _, c := range cases {
		err := c.b.Validate(tr)
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, errs.ErrInvalid)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
