package store

// Where each table goes when the database is distributed by province (docs/scaling.md). Citus
// distributes a table by one column and refuses a primary key or unique constraint that does
// not include it; PostgreSQL's own LIST partitioning refuses the same, so the partitioned-schema
// test (partition_test.go, in CI) checks the rule without Citus.

// TableClass says how a table is placed.
type TableClass int

const (
	// Distributed tables grow with the country: their rows live with their province, and their
	// primary key and unique constraints include province_code.
	Distributed TableClass = iota
	// Reference tables are small and change rarely: every node holds a copy.
	Reference
	// Local tables are the coordinator's own (leases, the day's job runs, sessions).
	Local
)

// Tables classifies every table of the schema. A new table must be listed here: the
// partitioned-schema test fails on one that is not.
var Tables = map[string]TableClass{
	// People, money and claims: by the participant's province.
	"participants":         Distributed,
	"participant_status":   Distributed,
	"participant_changes":  Distributed,
	"heirs":                Distributed,
	"nik_registry":         Distributed, // by the NIK's own province digits, not the participant's
	"payments":             Distributed,
	"paid_months":          Distributed,
	"journal_entries":      Distributed,
	"postings":             Distributed,
	"ledger_balances":      Distributed, // one set of accounts per province
	"deposits":             Distributed,
	"bank_lines":           Distributed,
	"sponsorship_members":  Distributed,
	"claims":               Distributed,
	"claim_events":         Distributed,
	"claim_documents":      Distributed,
	"person_reads":         Distributed,
	"audit_log":            Distributed,
	"idempotency_keys":     Distributed, // by the writer's province
	"import_rows":          Distributed,
	"imports":              Distributed,
	"incentive_statements": Distributed,
	"incentive_lines":      Distributed,
	// The network: by the village's province.
	"wadah":                Distributed,
	"agents":               Distributed,
	"agent_villages":       Distributed,
	"agent_status_changes": Distributed,
	"agreements":           Distributed,
	// Dashboards and plans: by the region's province ('' is the nation's row).
	"dashboard_figures": Distributed,
	"dashboard_months":  Distributed,
	"dashboard_units":   Distributed,
	"region_potential":  Distributed,
	"region_targets":    Distributed,

	"branches":         Reference,
	"branch_regencies": Reference,
	"users":            Reference,
	"ledger_accounts":  Reference,
	"sponsors":         Reference,
	"sponsorships":     Reference, // a sponsor may pay for workers of several provinces
	"rule_sets":        Reference,
	"dashboard_builds": Reference,

	"sessions":         Local,
	"api_tokens":       Local,
	"nodes":            Local,
	"job_runs":         Local,
	"login_failures":   Local,
	"goose_db_version": Local,
}

// provinceOf is the province a region code, or a NIK's first digits, lie in: the key a
// distributed row is kept with ("" for the nation, or for no region).
func provinceOf(code string) string {
	if len(code) < 2 {
		return ""
	}
	return code[:2]
}
