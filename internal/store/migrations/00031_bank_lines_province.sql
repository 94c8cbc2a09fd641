-- Bank statement lines keyed by province (issue 21): by the province of the branch whose
-- account they are, inside the primary key and the unique line; rebuilt as in migration 26.

-- +goose Up
CREATE TABLE bank_lines_keyed (
    province_code TEXT NOT NULL,
    id            BIGINT NOT NULL,
    branch_id     BIGINT NOT NULL REFERENCES branches (id),
    line_date     DATE NOT NULL,
    reference     TEXT NOT NULL,
    amount        BIGINT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    deposit_id    BIGINT REFERENCES deposits (id),
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (province_code, id),
    UNIQUE (province_code, branch_id, line_date, reference, amount)
);
INSERT INTO bank_lines_keyed (province_code, id, branch_id, line_date, reference, amount, description, deposit_id, created_at)
SELECT b.province_code, l.id, l.branch_id, l.line_date, l.reference, l.amount, l.description, l.deposit_id, l.created_at
FROM bank_lines l JOIN branches b ON b.id = l.branch_id;
DROP TABLE bank_lines;
ALTER TABLE bank_lines_keyed RENAME TO bank_lines;

-- +goose Down
CREATE TABLE bank_lines_unkeyed (
    id          BIGINT PRIMARY KEY,
    branch_id   BIGINT NOT NULL REFERENCES branches (id),
    line_date   DATE NOT NULL,
    reference   TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    deposit_id  BIGINT REFERENCES deposits (id),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (branch_id, line_date, reference, amount)
);
INSERT INTO bank_lines_unkeyed (id, branch_id, line_date, reference, amount, description, deposit_id, created_at)
SELECT id, branch_id, line_date, reference, amount, description, deposit_id, created_at FROM bank_lines;
DROP TABLE bank_lines;
ALTER TABLE bank_lines_unkeyed RENAME TO bank_lines;
