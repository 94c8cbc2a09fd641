// Package money is whole-rupiah arithmetic that cannot overflow silently, and the reading of
// amounts as people write them ("50.000", "Rp 50.000", "50000"). Plain Go, no SQL, no HTTP.
//
// Amounts are int64 rupiah. Every amount that comes from outside is bounded (Parse refuses
// anything above Max), and sums and products of amounts are checked, so that no crafted number
// can wrap round to a negative balance or slip under a limit by overflow.
package money

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Max is the largest amount the system accepts anywhere: Rp 1,000,000,000,000 (one trillion).
// A single contribution, deposit or bank line is many orders of magnitude below it, and a
// national fund's balance stays far from int64's limit (Rp 9.2 × 10^18).
const Max int64 = 1_000_000_000_000

// ErrOverflow is returned when a sum or product leaves int64.
var ErrOverflow = errors.New("amount out of range")

// Add returns a+b, or ErrOverflow.
func Add(a, b int64) (int64, error) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, ErrOverflow
	}
	return s, nil
}

// Sub returns a-b, or ErrOverflow.
func Sub(a, b int64) (int64, error) {
	if b == math.MinInt64 {
		if a >= 0 {
			return 0, ErrOverflow
		}
		return a - b, nil
	}
	return Add(a, -b)
}

// Mul returns a*b, or ErrOverflow.
func Mul(a, b int64) (int64, error) {
	if a == 0 || b == 0 {
		return 0, nil
	}
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, ErrOverflow
	}
	return p, nil
}

// Sum adds amounts, or returns ErrOverflow.
func Sum(xs ...int64) (int64, error) {
	var s int64
	var err error
	for _, x := range xs {
		if s, err = Add(s, x); err != nil {
			return 0, err
		}
	}
	return s, nil
}

// ErrSyntax is returned for text that is not an amount.
var ErrSyntax = errors.New("not an amount in whole rupiah")

// ErrTooLarge is returned for an amount above Max.
var ErrTooLarge = errors.New("amount above the largest accepted")

// Parse reads a non-negative whole-rupiah amount written the Indonesian way: an optional "Rp"
// (any case, with or without a dot or space after it), digits grouped by dots ("50.000"),
// commas or spaces, and an optional ",-" or ",00" ending. "50.000", "Rp 50.000",
// "Rp50.000,-" and "50000" are all fifty thousand. Decimal fractions of a rupiah are refused,
// as are signs and anything above Max.
func Parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if len(s) > 40 {
		return 0, ErrSyntax
	}
	if len(s) >= 2 && strings.EqualFold(s[:2], "rp") {
		s = strings.TrimLeft(s[2:], ". ")
	}
	s = strings.TrimSuffix(s, ",-")
	s = strings.TrimSuffix(s, ",00")
	var digits []byte
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case (r == '.' || r == ',' || r == ' ' || r == '\u00a0') && i > 0:
			// a thousands separator: it must stand before a group of three digits
			rest := s[i+len(string(r)):]
			if len(rest) < 3 || !isDigits(rest[:3]) || (len(rest) > 3 && isDigit(rest[3])) {
				return 0, ErrSyntax
			}
		case unicode.IsSpace(r) && i == 0:
		default:
			return 0, ErrSyntax
		}
	}
	if len(digits) == 0 {
		return 0, ErrSyntax
	}
	n, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil || n > Max {
		return 0, ErrTooLarge
	}
	return n, nil
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
