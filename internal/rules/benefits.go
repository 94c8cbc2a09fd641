package rules

import (
	"fmt"

	"github.com/perisai/perisai/internal/calendar"
)

// Benefits are the amounts and conditions of BPU benefits (DOMAIN.md §3): JKK (work accident,
// PP 44/2015 jo. PP 82/2019; Permenaker 5/2021 jo. 1/2025), JKM (death, PP 82/2019), the
// scholarship, and JHT (old-age savings, PP 46/2015 jo. 60/2015; Permenaker 4/2022).
// Factors are multiples of the declared monthly income ("wage"); percentages in basis points.
type Benefits struct {
	JKK         JKKBenefits         `json:"jkk"`
	JKM         JKMBenefits         `json:"jkm"`
	Scholarship ScholarshipBenefits `json:"scholarship"`
	JHT         JHTBenefits         `json:"jht"`
}

// JKKBenefits: work accident.
type JKKBenefits struct {
	HomeCareCap          int64 `json:"home_care_cap"`          // Rp 20,000,000 …
	HomeCareMonths       int   `json:"home_care_months"`       // … for one year
	STMBFullMonths       int   `json:"stmb_full_months"`       // temporary incapacity: 100% for 12 months …
	STMBFullBp           int64 `json:"stmb_full_bp"`           //
	STMBAfterBp          int64 `json:"stmb_after_bp"`          // … then 50%
	TotalDisabilityTimes int64 `json:"total_disability_times"` // 70% × 80 = 56 × wage
	PartialBaseTimes     int64 `json:"partial_base_times"`     // table % × 80 × wage
	DeathTimes           int64 `json:"death_times"`            // 60% × 80 = 48 × wage …
	DeathMin             int64 `json:"death_min"`              // … at least the JKM lump sum
	Funeral              int64 `json:"funeral"`
	Periodic             int64 `json:"periodic"` // 24 × Rp 500,000, paid at once
	LapseYears           int   `json:"lapse_years"`
	ReportHours          int   `json:"report_hours"` // accident report stage I
}

// JKMBenefits: death not from work.
type JKMBenefits struct {
	LumpSum  int64 `json:"lump_sum"`
	Periodic int64 `json:"periodic"`
	Funeral  int64 `json:"funeral"`
}

// ScholarshipBenefits: for at most two children, per school level and year.
type ScholarshipBenefits struct {
	MaxChildren      int                        `json:"max_children"`
	MaxAge           int                        `json:"max_age"`               // a child under this age
	MinYearsNonWork  int                        `json:"min_years_non_work"`    // after a death not from work
	MaxPerChild      int64                      `json:"max_per_child"`         //
	Levels           map[string]ScholarshipYear `json:"levels"`                // tk, sd, smp, sma, pt
	LevelOrder       []string                   `json:"level_order,omitempty"` // for listing
	WorkDeathOrTotal bool                       `json:"work_death_or_total"`   // granted after a work death or total disability without a minimum
}

// ScholarshipYear is one school level's amount a year and for how many years.
type ScholarshipYear struct {
	PerYear  int64 `json:"per_year"`
	MaxYears int   `json:"max_years"`
}

// JHTBenefits: old-age savings.
type JHTBenefits struct {
	FullAge          int          `json:"full_age"`
	StopWaitMonths   int          `json:"stop_wait_months"`
	PartialMinYears  int          `json:"partial_min_years"`
	PartialBp        []int64      `json:"partial_bp"` // 10% or 30%, once
	NPWPAbove        int64        `json:"npwp_above"`
	Returns          []YearReturn `json:"returns"` // the declared yearly return (at least the state banks' deposit rate)
	ReturnsConfirmed bool         `json:"returns_confirmed"`
}

// YearReturn is the return credited on JHT balances for one year, in basis points.
type YearReturn struct {
	Year int   `json:"year"`
	Bp   int64 `json:"bp"`
}

// BenefitsAt returns the benefit rules in force on a day (the day of the event), with their
// source.
func (s *Set) BenefitsAt(day calendar.Date) (Benefits, string, error) {
	d, err := at("benefits", s.Benefits, day)
	if err != nil {
		return Benefits{}, "", fmt.Errorf("benefits: %w", err)
	}
	return d.Value, d.Source, nil
}

// ClaimRules are the branch's rules for handling claims: what each program and reason asks
// for, the service level in working days after a complete file, and the maker-checker limit.
type ClaimRules struct {
	// Checklists by "program/reason" (or "program" for every reason of it).
	Checklists  map[string][]ClaimDocs `json:"checklists"`
	ServiceDays map[string]int         `json:"service_days"` // by program: JKM 3, JHT 5
	// ApprovalLimit: above it the officer who reviewed a claim may not also approve it
	// (UNCONFIRMED: set by the branch's own delegation of authority).
	ApprovalLimit  int64    `json:"approval_limit"`
	MaxUploadBytes int64    `json:"max_upload_bytes"`
	UploadTypes    []string `json:"upload_types"`
	ImageLongestPx int      `json:"image_longest_px"` // photos are scaled down to this on the server
	LimitConfirmed bool     `json:"limit_confirmed"`
}

// ClaimDocs is one document of a checklist.
type ClaimDocs struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Required bool   `json:"required"`
}

// ClaimRulesAt returns the claim rules in force on a day.
func (s *Set) ClaimRulesAt(day calendar.Date) (ClaimRules, error) {
	d, err := at("claims", s.Claims, day)
	if err != nil {
		return ClaimRules{}, fmt.Errorf("claims: %w", err)
	}
	return d.Value, nil
}

// Checklist is what a program and reason ask for.
func (c ClaimRules) Checklist(program, reason string) []ClaimDocs {
	if l, ok := c.Checklists[program+"/"+reason]; ok {
		return l
	}
	return c.Checklists[program]
}
