// Package participant describes a BPU participant (Peserta Bukan Penerima Upah) and the rules of
// registering one: NIK checked against the stated birth date and sex, a village, an occupation
// and its sector, a declared income from the rule table, the programs, heirs and consent
// (../shared/DOMAIN.md §2, §3, §5, §7).
package participant

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/nik"
	"github.com/perisai/perisai/internal/rules"
)

// Status is where a participant stands with contributions. The contributions work moves it.
type Status string

const (
	WaitingFirstPayment Status = "waiting_first_payment"
	Active              Status = "active"
	Arrears             Status = "arrears"  // unpaid, still inside the 3-month window
	Ended               Status = "ended"    // berakhir
	Inactive            Status = "inactive" // nonaktif: ended after JHT was claimed
)

// Review is the branch's verdict on a registration.
type Review string

const (
	Pending  Review = "pending"
	Verified Review = "verified"
	Flagged  Review = "flagged"
	Rejected Review = "rejected"
)

// Programs a participant is enrolled in; JKK and JKM are mandatory for BPU, JHT optional.
type Programs struct {
	JKK bool `json:"jkk"`
	JKM bool `json:"jkm"`
	JHT bool `json:"jht"`
}

// Participant is a registered worker as the system shows them: the NIK only masked.
type Participant struct {
	ID             int64         `json:"id"`
	KPJ            string        `json:"kpj"`
	NIKMasked      string        `json:"nik_masked"`
	Name           string        `json:"name"`
	BirthDate      calendar.Date `json:"birth_date"`
	Sex            nik.Sex       `json:"sex"`
	Phone          string        `json:"phone,omitempty"`
	Village        string        `json:"village"`
	Address        string        `json:"address,omitempty"`
	Occupation     string        `json:"occupation"`
	Sector         rules.Sector  `json:"sector"`
	DeclaredIncome int64         `json:"declared_income"`
	Programs       Programs      `json:"programs"`
	Status         Status        `json:"status"`
	Review         Review        `json:"review"`
	ReviewReason   string        `json:"review_reason,omitempty"`
	BranchID       int64         `json:"branch_id"`
	WadahID        int64         `json:"wadah_id,omitempty"`
	AgentID        int64         `json:"agent_id,omitempty"`
	ConsentAt      time.Time     `json:"consent_at"`
	ConsentBy      string        `json:"consent_by"`
	CreatedAt      time.Time     `json:"created_at"`
	Heirs          []Heir        `json:"heirs,omitempty"`
}

// Province is the participant's province code, the key their rows are distributed by.
func (p Participant) Province() string { return p.Village[:2] }

// Relationship of an heir to the participant.
type Relationship string

const (
	Spouse      Relationship = "spouse"
	Child       Relationship = "child"
	Parent      Relationship = "parent"
	Grandparent Relationship = "grandparent"
	Grandchild  Relationship = "grandchild"
	Sibling     Relationship = "sibling"
	ParentInLaw Relationship = "parent_in_law"
	NamedInWill Relationship = "named_in_will"
)

// HeirRank is the order in which heirs inherit (DOMAIN.md §3): spouse or children first, then
// blood relatives in the direct line, siblings, parents-in-law, whoever the will names.
var HeirRank = map[Relationship]int{
	Spouse: 1, Child: 1, Parent: 2, Grandparent: 2, Grandchild: 2, Sibling: 3, ParentInLaw: 4, NamedInWill: 5,
}

// Heir is a person registered to receive benefits.
type Heir struct {
	ID           int64         `json:"id,omitempty"`
	Name         string        `json:"name"`
	Relationship Relationship  `json:"relationship"`
	BirthDate    calendar.Date `json:"birth_date"`
	NIK          string        `json:"nik,omitempty"` // input only; never shown back
	NIKMasked    string        `json:"nik_masked,omitempty"`
}

// NewKPJ makes a participant number: 11 digits, the participant's province code (two digits,
// never starting with 0) and nine random ones, so that a number read off a card names the
// province its rows live in (issue 21). Its official format is UNCONFIRMED (DOMAIN.md §5);
// uniqueness is the database's to enforce, and a clash is retried. Numbers given before the
// prefix were 11 random digits: they keep their shape and still verify, but their first two
// digits say nothing.
func NewKPJ(province string) string {
	if len(province) != 2 || province[0] < '1' || province[0] > '9' || province[1] < '0' || province[1] > '9' {
		panic(fmt.Sprintf("participant: province code %q", province))
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000_000))
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%s%09d", province, n.Int64())
}

// ValidKPJ reports whether s has the shape of a participant number.
func ValidKPJ(s string) bool {
	return len(s) == 11 && s[0] != '0' && strings.Trim(s, "0123456789") == ""
}

// DuplicateError is the refusal of a NIK that is already registered. To a user who may see
// that participant it names them (KPJ and name); to anyone else it says only that the NIK is
// registered and which branch office to ask: a NIK typed by someone else must not reveal who
// holds it or where.
type DuplicateError struct {
	KPJ    string // empty when the user may not see the participant
	Name   string
	Branch string // the branch office that keeps the participant
}

func (e *DuplicateError) Error() string {
	if e.KPJ == "" {
		if e.Branch == "" {
			return "this NIK is already registered (a registration of it is under way)"
		}
		return "this NIK is already registered: ask " + e.Branch + " about it"
	}
	return "this NIK is already registered as participant " + e.KPJ + " (" + e.Name + ")"
}

func (e *DuplicateError) Unwrap() error { return errs.ErrConflict }
