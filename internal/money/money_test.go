package money

import (
	"errors"
	"math"
	"testing"
)

func TestParseAsPeopleWrite(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  error
	}{
		{"50000", 50_000, nil},
		{"50.000", 50_000, nil},
		{"Rp 50.000", 50_000, nil},
		{"Rp50.000", 50_000, nil},
		{"rp. 50.000,-", 50_000, nil},
		{"Rp 1.104.000,00", 1_104_000, nil},
		{"36,800", 36_800, nil},
		{" 428.300 ", 428_300, nil},
		{"1 000 000", 1_000_000, nil},
		{"0", 0, nil},
		{"1.000.000.000.000", Max, nil},
		{"1.000.000.000.001", 0, ErrTooLarge},
		{"9223372036854775807", 0, ErrTooLarge},
		{"99999999999999999999", 0, ErrTooLarge},
		{"", 0, ErrSyntax},
		{"Rp", 0, ErrSyntax},
		{"-50.000", 0, ErrSyntax},
		{"+5", 0, ErrSyntax},
		{"50.00", 0, ErrSyntax},   // a decimal, not a thousands group
		{"5.0000", 0, ErrSyntax},  // groups are of three
		{"50,5", 0, ErrSyntax},    // fractions of a rupiah
		{"1e6", 0, ErrSyntax},     // no exponents
		{"50.000x", 0, ErrSyntax}, // trailing text
		{".500", 0, ErrSyntax},
		{"５０", 0, ErrSyntax}, // full-width digits
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if !errors.Is(err, c.err) || got != c.want {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", c.in, got, err, c.want, c.err)
		}
	}
}

func TestCheckedArithmetic(t *testing.T) {
	if _, err := Add(math.MaxInt64, 1); !errors.Is(err, ErrOverflow) {
		t.Error("MaxInt64 + 1 did not overflow")
	}
	if _, err := Add(math.MinInt64, -1); !errors.Is(err, ErrOverflow) {
		t.Error("MinInt64 - 1 did not overflow")
	}
	if _, err := Sub(0, math.MinInt64); !errors.Is(err, ErrOverflow) {
		t.Error("0 - MinInt64 did not overflow")
	}
	if v, err := Sub(-1, math.MinInt64); err != nil || v != math.MaxInt64 {
		t.Errorf("-1 - MinInt64 = %d, %v", v, err)
	}
	if _, err := Mul(math.MaxInt64/2+1, 2); !errors.Is(err, ErrOverflow) {
		t.Error("product did not overflow")
	}
	if _, err := Mul(-1, math.MinInt64); !errors.Is(err, ErrOverflow) {
		t.Error("-1 × MinInt64 did not overflow")
	}
	if v, err := Mul(20_700_000, 100); err != nil || v != 2_070_000_000 {
		t.Errorf("Mul = %d, %v", v, err)
	}
	if v, err := Sum(36_800, 36_800, 36_800); err != nil || v != 110_400 {
		t.Errorf("Sum = %d, %v", v, err)
	}
	if _, err := Sum(math.MaxInt64, 1, -1); !errors.Is(err, ErrOverflow) {
		t.Error("a sum that passes the limit on the way did not overflow")
	}
}
