-- Two indexes no query reads, which every payment wrote to: journal entries by reference (an
-- entry is found from what it is for: payments.entry_id, reversal_entry, the deposit's entry),
-- and paid months by payment (a payment's months are found under its participant, by the
-- primary key, with the payment id as a filter: a participant has a few hundred months at
-- most). A payment wrote 21 index entries on PostgreSQL; now 19.

-- +goose Up
DROP INDEX journal_entries_ref;
DROP INDEX paid_months_payment;

-- +goose Down
CREATE INDEX journal_entries_ref ON journal_entries (ref_type, ref_id);
CREATE INDEX paid_months_payment ON paid_months (payment_id);
