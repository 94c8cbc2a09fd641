package calendar

import "time"

// Indonesia's three time zones (Keppres 41/1987; DOMAIN.md §8).
var (
	WIB  = time.FixedZone("WIB", 7*3600)
	WITA = time.FixedZone("WITA", 8*3600)
	WIT  = time.FixedZone("WIT", 9*3600)
)

// witaProvinces and witProvinces are the province codes east of WIB: Bali and Nusa Tenggara,
// South, East and North Kalimantan, all of Sulawesi (WITA); Maluku and Papua (WIT).
var (
	witaProvinces = map[string]bool{"51": true, "52": true, "53": true, "63": true, "64": true, "65": true,
		"71": true, "72": true, "73": true, "74": true, "75": true, "76": true}
	witProvinces = map[string]bool{"81": true, "82": true, "91": true, "92": true, "93": true, "94": true, "95": true, "96": true}
)

// ZoneOf is the local time zone of a region (any code starting with its province's two
// digits: "51", "51.03", "51.03.02.2001"). An unknown or empty code is WIB, the zone the
// business day is taken in.
func ZoneOf(region string) *time.Location {
	if len(region) < 2 {
		return WIB
	}
	switch p := region[:2]; {
	case witaProvinces[p]:
		return WITA
	case witProvinces[p]:
		return WIT
	}
	return WIB
}
