package store

// Migration 32 keys the ledger and the money tables beside it by province (issue 21): journal
// entries, postings, the accounts' balances, payments and deposits. Each table is rebuilt
// (SQLite cannot change a primary key in place) with province_code in its primary key and
// unique constraints; the id leads the keys, so that a read by id alone still finds its row
// by index. An account stays one row of the catalog (ledger_accounts, a reference table); its
// balance is kept per province, so a program fund or a sponsor's fund is one account per
// province and the national figure is their sum. The references among these tables are checked
// by `ledger verify` (moneyForeignKeys), as PostgreSQL has done since migration 14, rather than
// declared: a declared key would have to name the province on both sides.

// entryProvince is a journal entry's province: its own, or for a deposit's entries (written
// before deposits named one) the province of the deposit's branch.
const entryProvince = `CASE WHEN e.province_code <> '' THEN e.province_code ELSE COALESCE((SELECT b.province_code FROM deposits d
JOIN branches b ON b.id = d.branch_id WHERE e.ref_type = 'deposit' AND d.id = e.ref_id), '') END`

const (
	paymentColumns32 = `id, receipt_no, participant_id, province_code, branch_id, wadah_id, agent_id, funding, sponsorship_id, amount,
credit_used, credit_added, months, first_month, last_month, status, entry_id, reversal_entry, reversal_reason, deposit_id,
received_at, received_by, managed_by`
	depositColumns = `id, agent_id, branch_id, slip_ref, deposited_on, declared, expected, variance, status, note, entry_id, bank_line_id,
created_at, created_by`
	bankLineColumns = `province_code, id, branch_id, line_date, reference, amount, description, deposit_id, created_at`
)

// ledgerTables are the definitions of the rebuilt tables; keyed picks the shape of migration 32
// or the one before it. fk declares the references the older shape declared (SQLite's money
// references were dropped on PostgreSQL by migration 14).
func ledgerTables(d Dialect, keyed bool) map[string]string {
	key := func(cols string) string {
		if keyed {
			return cols + ", province_code"
		}
		return cols
	}
	fk := func(table string) string {
		if keyed {
			return ""
		}
		return ` REFERENCES ` + table + ` (id)`
	}
	moneyFK := func(table string) string {
		if d == Postgres {
			return ""
		}
		return fk(table)
	}
	prov := ""
	if keyed {
		prov = "province_code TEXT NOT NULL, "
	}
	entryProv := "province_code TEXT NOT NULL DEFAULT ''"
	if keyed {
		entryProv = "province_code TEXT NOT NULL"
	}
	return map[string]string{
		"journal_entries": `(
    id            BIGINT NOT NULL,
    at            TIMESTAMP NOT NULL,
    kind          TEXT NOT NULL,
    ref_type      TEXT NOT NULL,
    ref_id        BIGINT NOT NULL,
    memo          TEXT NOT NULL DEFAULT '',
    reverses      BIGINT` + moneyFK("journal_entries_next") + `,
    ` + entryProv + `,
    PRIMARY KEY (` + key("id") + `)
)`,
		"postings": `(
    id            BIGINT NOT NULL,
    entry_id      BIGINT NOT NULL` + moneyFK("journal_entries_next") + `,
    account_id    BIGINT NOT NULL` + moneyFK("ledger_accounts") + `,
    amount        BIGINT NOT NULL,
    ` + entryProv + `,
    PRIMARY KEY (` + key("id") + `)
)`,
		"ledger_balances": `(
    ` + prov + `account_id BIGINT NOT NULL REFERENCES ledger_accounts (id),
    shard      INTEGER NOT NULL,
    balance    BIGINT NOT NULL,
    PRIMARY KEY (` + key("account_id, shard") + `)
)`,
		"payments": `(
    id              BIGINT NOT NULL,
    receipt_no      TEXT NOT NULL,
    participant_id  BIGINT NOT NULL` + moneyFK("participants") + `,
    province_code   TEXT NOT NULL,
    branch_id       BIGINT NOT NULL` + moneyFK("branches") + `,
    wadah_id        BIGINT` + moneyFK("wadah") + `,
    agent_id        BIGINT` + moneyFK("agents") + `,
    funding         TEXT NOT NULL,
    sponsorship_id  BIGINT` + moneyFK("sponsorships") + `,
    amount          BIGINT NOT NULL,
    credit_used     BIGINT NOT NULL DEFAULT 0,
    credit_added    BIGINT NOT NULL DEFAULT 0,
    months          INTEGER NOT NULL,
    first_month     INTEGER,
    last_month      INTEGER,
    status          TEXT NOT NULL,
    entry_id        BIGINT NOT NULL` + moneyFK("journal_entries_next") + `,
    reversal_entry  BIGINT` + moneyFK("journal_entries_next") + `,
    reversal_reason TEXT NOT NULL DEFAULT '',
    deposit_id      BIGINT,
    received_at     TIMESTAMP NOT NULL,
    received_by     TEXT NOT NULL,
    managed_by      BIGINT,
    PRIMARY KEY (` + key("id") + `),
    UNIQUE (` + key("receipt_no") + `)
)`,
		"deposits": `(
    ` + prov + `id           BIGINT NOT NULL,
    agent_id     BIGINT NOT NULL REFERENCES agents (id),
    branch_id    BIGINT NOT NULL REFERENCES branches (id),
    slip_ref     TEXT NOT NULL,
    deposited_on DATE NOT NULL,
    declared     BIGINT NOT NULL,
    expected     BIGINT NOT NULL,
    variance     BIGINT NOT NULL,
    status       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    entry_id     BIGINT NOT NULL` + fk("journal_entries_next") + `,
    bank_line_id BIGINT,
    created_at   TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (` + key("id") + `),
    UNIQUE (` + key("branch_id, slip_ref") + `)
)`,
		"bank_lines": `(
    province_code TEXT NOT NULL,
    id            BIGINT NOT NULL,
    branch_id     BIGINT NOT NULL REFERENCES branches (id),
    line_date     DATE NOT NULL,
    reference     TEXT NOT NULL,
    amount        BIGINT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    deposit_id    BIGINT` + fk("deposits_next") + `,
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (province_code, id),
    UNIQUE (province_code, branch_id, line_date, reference, amount)
)`,
	}
}

// ledgerIndexes are the secondary indexes of the rebuilt tables, the same in both shapes.
var ledgerIndexes = []string{
	`CREATE INDEX postings_entry ON postings (entry_id)`,
	`CREATE INDEX postings_account ON postings (account_id)`,
	`CREATE INDEX payments_participant ON payments (participant_id, received_at)`,
	`CREATE INDEX payments_sponsorship ON payments (sponsorship_id) WHERE sponsorship_id IS NOT NULL`,
	`CREATE INDEX payments_undeposited ON payments (agent_id, received_at) WHERE deposit_id IS NULL AND status = 'posted' AND amount > 0`,
	`CREATE INDEX payments_managed_by ON payments (managed_by, received_at)`,
	`CREATE INDEX deposits_agent ON deposits (agent_id, created_at)`,
}

// rebuildLedger makes the tables again in the shape keyed picks. Every new table is made and
// filled under a _next name first; the old ones are then dropped, those that others reference
// last (SQLite checks a dropped table's references), and the new ones renamed (which carries
// the references between them to the final names).
func rebuildLedger(d Dialect, keyed bool) []string {
	defs := ledgerTables(d, keyed)
	fill := map[string]string{}
	if keyed {
		fill["journal_entries"] = `INSERT INTO journal_entries_next (id, at, kind, ref_type, ref_id, memo, reverses, province_code)
SELECT e.id, e.at, e.kind, e.ref_type, e.ref_id, e.memo, e.reverses, ` + entryProvince + ` FROM journal_entries e`
		fill["postings"] = `INSERT INTO postings_next (id, entry_id, account_id, amount, province_code)
SELECT p.id, p.entry_id, p.account_id, p.amount, COALESCE(e.province_code, p.province_code)
FROM postings p LEFT JOIN journal_entries_next e ON e.id = p.entry_id`
		fill["payments"] = `INSERT INTO payments_next (` + paymentColumns32 + `) SELECT ` + paymentColumns32 + ` FROM payments`
		fill["deposits"] = `INSERT INTO deposits_next (province_code, ` + depositColumns + `)
SELECT b.province_code, ` + prefixed("d.", depositColumns) + ` FROM deposits d JOIN branches b ON b.id = d.branch_id`
	} else {
		fill["journal_entries"] = `INSERT INTO journal_entries_next (id, at, kind, ref_type, ref_id, memo, reverses, province_code)
SELECT id, at, kind, ref_type, ref_id, memo, reverses, province_code FROM journal_entries`
		fill["postings"] = `INSERT INTO postings_next (id, entry_id, account_id, amount, province_code)
SELECT id, entry_id, account_id, amount, province_code FROM postings`
		fill["payments"] = `INSERT INTO payments_next (` + paymentColumns32 + `) SELECT ` + paymentColumns32 + ` FROM payments`
		fill["deposits"] = `INSERT INTO deposits_next (` + depositColumns + `) SELECT ` + depositColumns + ` FROM deposits`
	}
	fill["bank_lines"] = `INSERT INTO bank_lines_next (` + bankLineColumns + `) SELECT ` + bankLineColumns + ` FROM bank_lines`
	if keyed {
		// Each account's balance in each province is the sum of its postings there; whatever
		// the old balance differed from its postings by (a broken ledger) is kept apart, in
		// the nation's row, for `ledger verify` to report, not silently mended.
		fill["ledger_balances"] = `INSERT INTO ledger_balances_next (province_code, account_id, shard, balance)
SELECT province_code, account_id, 0, SUM(amount) FROM postings_next GROUP BY province_code, account_id
UNION ALL
SELECT '', b.account_id, 1, b.s - COALESCE(p.s, 0) FROM (SELECT account_id, SUM(balance) AS s FROM ledger_balances GROUP BY account_id) b
LEFT JOIN (SELECT account_id, SUM(amount) AS s FROM postings GROUP BY account_id) p ON p.account_id = b.account_id
WHERE b.s <> COALESCE(p.s, 0)`
	} else {
		fill["ledger_balances"] = `INSERT INTO ledger_balances_next (account_id, shard, balance)
SELECT account_id, shard, SUM(balance) FROM ledger_balances GROUP BY account_id, shard`
	}
	order := []string{"journal_entries", "postings", "ledger_balances", "payments", "deposits", "bank_lines"}
	var out []string
	for _, t := range order {
		out = append(out, `CREATE TABLE `+t+`_next `+defs[t], fill[t])
	}
	for _, t := range []string{"bank_lines", "deposits", "payments", "ledger_balances", "postings", "journal_entries"} {
		out = append(out, `DROP TABLE `+t)
	}
	for _, t := range order {
		out = append(out, `ALTER TABLE `+t+`_next RENAME TO `+t)
	}
	out = append(out, ledgerIndexes...)
	return append(append(out, appendOnly(d, "journal_entries")...), appendOnly(d, "postings")...)
}

// prefixed qualifies each column of a list with a table's alias.
func prefixed(alias, cols string) string {
	var out []byte
	start := true
	for i := 0; i < len(cols); i++ {
		c := cols[i]
		if start && c != ' ' && c != '\n' {
			out = append(out, alias...)
			start = false
		}
		out = append(out, c)
		if c == ',' {
			start = true
		}
	}
	return string(out)
}
