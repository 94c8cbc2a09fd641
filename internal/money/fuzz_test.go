package money

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
	"testing"
)

// FuzzParse: what Parse accepts is a whole amount within Max that reads back the same when
// written plainly or the Indonesian way; nothing panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"50.000", "Rp 50.000", "rp. 1.104.000,-", "36,800", "0", "1.000.000.000.001", "-5", "５０", "Rp", "1 000 000", "50.00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Parse(%q): unnamed error %v", s, err)
			}
			return
		}
		if n < 0 || n > Max {
			t.Fatalf("Parse(%q) = %d, out of range", s, n)
		}
		plain := strconv.FormatInt(n, 10)
		if m, err := Parse(plain); err != nil || m != n {
			t.Fatalf("%d written %q reads %d, %v", n, plain, m, err)
		}
		if m, err := Parse("Rp " + dotted(plain)); err != nil || m != n {
			t.Fatalf("%d written %q reads %d, %v", n, "Rp "+dotted(plain), m, err)
		}
	})
}

func dotted(digits string) string {
	var sb strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			sb.WriteByte('.')
		}
		sb.WriteRune(c)
	}
	return sb.String()
}

// FuzzArithmetic: the checked operations agree with exact arithmetic, and report overflow
// exactly when the exact result leaves int64.
func FuzzArithmetic(f *testing.F) {
	f.Add(int64(1), int64(2))
	f.Add(int64(9223372036854775807), int64(1))
	f.Add(int64(-9223372036854775808), int64(-1))
	f.Add(int64(3037000500), int64(3037000500))
	f.Fuzz(func(t *testing.T, a, b int64) {
		check := func(op string, got int64, err error, exact *big.Int) {
			fits := exact.IsInt64()
			if fits != (err == nil) {
				t.Fatalf("%d %s %d: overflow reported %v, exact %s", a, op, b, err, exact)
			}
			if fits && got != exact.Int64() {
				t.Fatalf("%d %s %d = %d, want %s", a, op, b, got, exact)
			}
		}
		A, B := big.NewInt(a), big.NewInt(b)
		s, err := Add(a, b)
		check("+", s, err, new(big.Int).Add(A, B))
		d, err := Sub(a, b)
		check("-", d, err, new(big.Int).Sub(A, B))
		p, err := Mul(a, b)
		check("×", p, err, new(big.Int).Mul(A, B))
	})
}
