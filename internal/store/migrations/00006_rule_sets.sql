-- Rule files loaded by operators (`perisai rules load`): every version kept; the newest is in
-- force. Without any, the rules built into the binary are.

-- +goose Up
CREATE TABLE rule_sets (
    version   TEXT PRIMARY KEY,
    content   TEXT NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    loaded_by TEXT NOT NULL
);

-- +goose Down
DROP TABLE rule_sets;
