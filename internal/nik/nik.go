// Package nik parses and validates the Indonesian national identity number (Nomor Induk
// Kependudukan) as ../shared/DOMAIN.md §5 describes it:
//
//	PP KK CC DDMMYY SSSS
//
// province, regency and district of first registration; day of birth (plus 40 for women),
// month and two-digit year; a serial from 0001. There is no checksum. The district code is not
// checked against today's tree, because old NIKs keep the codes from before regions split.
package nik

import (
	"errors"
	"fmt"
	"time"
)

// Sex as the NIK encodes it.
type Sex string

const (
	Male   Sex = "L" // laki-laki
	Female Sex = "P" // perempuan
)

// Valid reports whether s is one of the two codes.
func (s Sex) Valid() bool { return s == Male || s == Female }

// The failures, each precise enough to tell the person at the counter what to fix.
var (
	ErrLength           = errors.New("NIK must be exactly 16 digits")
	ErrNotDigits        = errors.New("NIK may contain digits only")
	ErrUnknownProvince  = errors.New("NIK province code is not a known province")
	ErrDay              = errors.New("NIK day of birth must be 01–31 (men) or 41–71 (women)")
	ErrMonth            = errors.New("NIK month of birth must be 01–12")
	ErrDate             = errors.New("NIK birth date is not a real date")
	ErrSerial           = errors.New("NIK serial must not be 0000")
	ErrBirthDateMissing = errors.New("stated birth date is required to check the NIK")
	ErrBirthDate        = errors.New("NIK birth date does not match the stated birth date")
	ErrSex              = errors.New("NIK does not match the stated sex")
	ErrSexMissing       = errors.New("stated sex must be L or P")
)

// NIK is a parsed identity number. Day is the real day of birth (40 already removed).
type NIK struct {
	Raw      string
	Province string // "51"
	Regency  string // "51.03"
	District string // "51.03.01"
	Day      int
	Month    time.Month
	YY       int // two-digit year
	Sex      Sex
	Serial   string
}

// ProvinceKnown tells whether a two-digit province code exists; region.Tree.Get fits it.
type ProvinceKnown func(code string) bool

// Parse checks the NIK's own structure: length, digits, province, day, month and serial.
// The full date needs a century, which only a stated birth date gives: see Check.
func Parse(s string, known ProvinceKnown) (NIK, error) {
	if len(s) != 16 {
		return NIK{}, ErrLength
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return NIK{}, ErrNotDigits
		}
	}
	n := NIK{
		Raw:      s,
		Province: s[0:2],
		Regency:  s[0:2] + "." + s[2:4],
		District: s[0:2] + "." + s[2:4] + "." + s[4:6],
		Serial:   s[12:16],
	}
	if known != nil && !known(n.Province) {
		return NIK{}, fmt.Errorf("%w: %s", ErrUnknownProvince, n.Province)
	}
	day := atoi(s[6:8])
	switch {
	case day >= 1 && day <= 31:
		n.Sex = Male
	case day >= 41 && day <= 71:
		n.Sex, day = Female, day-40
	default:
		return NIK{}, ErrDay
	}
	n.Day = day
	month := atoi(s[8:10])
	if month < 1 || month > 12 {
		return NIK{}, ErrMonth
	}
	n.Month = time.Month(month)
	n.YY = atoi(s[10:12])
	if n.Serial == "0000" {
		return NIK{}, ErrSerial
	}
	// A day the month never has (31 April, 30 February) is wrong in every century;
	// 29 February is decided by Check, once the century is known.
	if day > daysIn(n.Month, 2000) {
		return NIK{}, ErrDate
	}
	return n, nil
}

// Check parses s and requires it to agree with the stated birth date and sex. The century
// comes from the stated birth date, as §5 prescribes.
func Check(s string, known ProvinceKnown, birth time.Time, sex Sex) (NIK, error) {
	n, err := Parse(s, known)
	if err != nil {
		return n, err
	}
	if birth.IsZero() {
		return n, ErrBirthDateMissing
	}
	if !sex.Valid() {
		return n, ErrSexMissing
	}
	year := birth.Year() - birth.Year()%100 + n.YY
	if n.Day > daysIn(n.Month, year) {
		return n, ErrDate
	}
	if year != birth.Year() || n.Month != birth.Month() || n.Day != birth.Day() {
		return n, fmt.Errorf("%w (NIK says %02d-%02d-%02d)", ErrBirthDate, n.Day, int(n.Month), n.YY)
	}
	if n.Sex != sex {
		return n, ErrSex
	}
	return n, nil
}

// CheckBirthDate is Check without the sex: for heirs, whose sex the form does not ask.
func CheckBirthDate(s string, known ProvinceKnown, birth time.Time) (NIK, error) {
	n, err := Parse(s, known)
	if err != nil {
		return n, err
	}
	return Check(s, known, birth, n.Sex)
}

// Mask shows the first four and last four digits: 5103********0001. Anything that is not a
// 16-character string is masked whole.
func Mask(s string) string {
	if len(s) != 16 {
		return "****************"
	}
	return s[:4] + "********" + s[12:]
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
