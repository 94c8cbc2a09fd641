// Package calendar holds civil dates and months — birth dates, agreement terms, contribution
// months — apart from instants. A Date is a day with no time of day and no zone; Indonesia's
// business day is taken in WIB (UTC+7), the zone of the national office.
package calendar

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"
)

// Zone is where "today" is decided.
var Zone = time.FixedZone("WIB", 7*3600)

// Date is a calendar day, kept as midnight UTC so that it stores and compares the same way in
// both databases.
type Date struct{ t time.Time }

// D makes a date.
func D(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// Of is the date of an instant in Zone.
func Of(t time.Time) Date {
	t = t.In(Zone)
	return D(t.Year(), t.Month(), t.Day())
}

// Today is the date now in Zone.
func Today() Date { return Of(time.Now()) }

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return Date{t}, nil
}

func (d Date) IsZero() bool         { return d.t.IsZero() }
func (d Date) Time() time.Time      { return d.t }
func (d Date) Year() int            { return d.t.Year() }
func (d Date) Month() time.Month    { return d.t.Month() }
func (d Date) Day() int             { return d.t.Day() }
func (d Date) Before(o Date) bool   { return d.t.Before(o.t) }
func (d Date) After(o Date) bool    { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool    { return d.t.Equal(o.t) }
func (d Date) AddDays(n int) Date   { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) AddMonths(n int) Date { return Date{d.t.AddDate(0, n, 0)} }
func (d Date) MonthOf() Month       { return MonthOf(d.t.Year(), d.t.Month()) }
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// YearsAt is the age in whole years on date at of someone born on d.
func (d Date) YearsAt(at Date) int {
	y := at.Year() - d.Year()
	if at.Month() < d.Month() || (at.Month() == d.Month() && at.Day() < d.Day()) {
		y--
	}
	return y
}

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

func (d *Date) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Value stores the date as midnight UTC.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.t, nil
}

// Scan reads a DATE column from either database.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = D(v.Year(), v.Month(), v.Day())
	case string:
		p, err := ParseDate(v[:min(len(v), 10)])
		if err != nil {
			return err
		}
		*d = p
	case []byte:
		return d.Scan(string(v))
	default:
		return fmt.Errorf("cannot scan %T into a date", src)
	}
	return nil
}

// Month is a calendar month, counted from year 0 so that months subtract and compare as ints.
type Month int

// MonthOf makes a month.
func MonthOf(y int, m time.Month) Month { return Month(y*12 + int(m) - 1) }

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a month (YYYY-MM)", s)
	}
	return MonthOf(t.Year(), t.Month()), nil
}

func (m Month) Year() int                    { return int(m) / 12 }
func (m Month) Month() time.Month            { return time.Month(int(m)%12 + 1) }
func (m Month) First() Date                  { return D(m.Year(), m.Month(), 1) }
func (m Month) Last() Date                   { return m.Add(1).First().AddDays(-1) }
func (m Month) Add(n int) Month              { return m + Month(n) }
func (m Month) Begins() time.Time            { return time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, Zone) }
func (m Month) String() string               { return fmt.Sprintf("%04d-%02d", m.Year(), int(m.Month())) }
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }
func (m *Month) UnmarshalText(b []byte) error {
	p, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = p
	return nil
}
