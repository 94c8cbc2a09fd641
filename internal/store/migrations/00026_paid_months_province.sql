-- Paid months keyed by province (issue 21): the primary key becomes (participant_id, month,
-- province_code), so the table can be distributed by province (Citus) or partitioned by it.
-- The participant leads: a payment batch reads its participants' months before it knows
-- their provinces (store/prefetch.go), and reads that name the province filter on it. The table is rebuilt (SQLite cannot change a primary key in place); its references
-- to participants and payments are checked by `ledger verify` (as PostgreSQL has done since
-- migration 14) rather than declared.

-- +goose Up
CREATE TABLE paid_months_keyed (
    province_code  TEXT NOT NULL,
    participant_id BIGINT NOT NULL,
    month          INTEGER NOT NULL,
    payment_id     BIGINT NOT NULL,
    base           BIGINT NOT NULL,
    discount       BIGINT NOT NULL,
    due            BIGINT NOT NULL,
    jkk            BIGINT NOT NULL,
    jkm            BIGINT NOT NULL,
    jht            BIGINT NOT NULL,
    funding        TEXT NOT NULL,
    paid_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (participant_id, month, province_code)
);
INSERT INTO paid_months_keyed (province_code, participant_id, month, payment_id, base, discount, due, jkk, jkm, jht, funding, paid_at)
SELECT province_code, participant_id, month, payment_id, base, discount, due, jkk, jkm, jht, funding, paid_at FROM paid_months;
DROP TABLE paid_months;
ALTER TABLE paid_months_keyed RENAME TO paid_months;

-- +goose Down
CREATE TABLE paid_months_unkeyed (
    participant_id BIGINT NOT NULL,
    month          INTEGER NOT NULL,
    payment_id     BIGINT NOT NULL,
    base           BIGINT NOT NULL,
    discount       BIGINT NOT NULL,
    due            BIGINT NOT NULL,
    jkk            BIGINT NOT NULL,
    jkm            BIGINT NOT NULL,
    jht            BIGINT NOT NULL,
    funding        TEXT NOT NULL,
    paid_at        TIMESTAMP NOT NULL,
    province_code  TEXT NOT NULL,
    PRIMARY KEY (participant_id, month)
);
INSERT INTO paid_months_unkeyed SELECT participant_id, month, payment_id, base, discount, due, jkk, jkm, jht, funding, paid_at, province_code FROM paid_months;
DROP TABLE paid_months;
ALTER TABLE paid_months_unkeyed RENAME TO paid_months;
