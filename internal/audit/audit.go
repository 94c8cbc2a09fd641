// Package audit describes the append-only record of who did what to which record, and when.
// Every change and every read of personal data writes one entry in the same transaction as the
// thing it records, so the log never claims what did not happen nor misses what did.
package audit

import "time"

// Actor is who acts: a user (through the UI or a token) or an operator at the CLI.
type Actor struct {
	UserID    int64  // 0 for the CLI
	Name      string // username, or "cli:<os user>"
	RequestID string
}

// Entry is one line of the log.
type Entry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id,omitempty"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	EntityID  string    `json:"entity_id"`
	Region    string    `json:"region,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
}
