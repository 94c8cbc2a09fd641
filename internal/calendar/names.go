package calendar

import (
	"strconv"
	"time"
)

var monthNames = map[string][12]string{
	"id": {"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

var monthShort = map[string][12]string{
	"id": {"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"},
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
}

func names(table map[string][12]string, lang string) [12]string {
	if n, ok := table[lang]; ok {
		return n
	}
	return table["id"]
}

// Name is the month as people say it: "November 2026", "Mei 2026" ("May 2026" in English).
func (m Month) Name(lang string) string {
	return names(monthNames, lang)[m.Month()-1] + " " + strconv.Itoa(m.Year())
}

// Short is the month in a few letters and the year's last two digits, for a chart's axis:
// "Agu 26".
func (m Month) Short(lang string) string {
	y := strconv.Itoa(100 + m.Year()%100)
	return names(monthShort, lang)[m.Month()-1] + " " + y[1:]
}

// Name is how people write a date: "30 Nov 2026" ("30 Agu 2026" in Indonesian).
func (d Date) Name(lang string) string {
	if d.IsZero() {
		return ""
	}
	return strconv.Itoa(d.Day()) + " " + names(monthShort, lang)[d.Month()-1] + " " + strconv.Itoa(d.Year())
}

// Moment is an instant in a zone, with the zone's name: "30 Nov 2026 14:05 WITA".
func Moment(t time.Time, zone *time.Location, lang string) string {
	if t.IsZero() {
		return ""
	}
	l := t.In(zone)
	return Date{time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)}.Name(lang) + " " + l.Format("15:04") + " " + l.Format("MST")
}
