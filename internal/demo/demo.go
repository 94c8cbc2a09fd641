// Package demo loads a small, realistic data set for trying Perisai: the two Bali branch offices
// and one login per role. Loading twice changes nothing.
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/store"
)

// Password is every demo login's password. Demo data is for trying the system, never for
// production; serve prints it with the logins.
const Password = "perisai-demo"

// Login is one demo account.
type Login struct {
	Username string
	Role     access.Role
	Note     string
}

var actor = audit.Actor{Name: "demo"}

// Branches are the two Kantor Cabang of Bali and the regencies each serves.
var Branches = []network.Branch{
	{Code: "KC-DPS", Name: "KC Bali Denpasar", Province: "51", Address: "Jl. Diponegoro, Denpasar",
		Regencies: []string{"51.71", "51.03", "51.08", "51.01", "51.02"}}, // Denpasar, Badung, Buleleng, Jembrana, Tabanan
	{Code: "KC-GIA", Name: "KC Gianyar", Province: "51", Address: "Jl. Ciung Wanara, Gianyar",
		Regencies: []string{"51.04", "51.05", "51.06", "51.07"}}, // Gianyar, Klungkung, Bangli, Karangasem
}

// Load creates the demo data unless it is there already, and returns the logins.
func Load(ctx context.Context, db *store.DB) ([]Login, error) {
	ids := map[string]int64{}
	for _, b := range Branches {
		b.Regencies = append([]string(nil), b.Regencies...)
		got, err := db.BranchByCode(ctx, b.Code)
		if errors.Is(err, errs.ErrNotFound) {
			err = db.CreateBranch(ctx, actor, &b)
			got = b
		}
		if err != nil {
			return nil, fmt.Errorf("demo branch %s: %w", b.Code, err)
		}
		ids[b.Code] = got.ID
	}

	logins := []Login{
		{"admin", access.Admin, "national operator"},
		{"kc.denpasar", access.BranchOfficer, "KC Bali Denpasar"},
		{"kc.gianyar", access.BranchOfficer, "KC Gianyar"},
		{"bumdes.munggu", access.WadahManager, "Bumdes Munggu, Badung"},
		{"agen.made", access.Agent, "agent of Bumdes Munggu"},
		{"pmd.bali", access.Government, "Dinas PMD Provinsi Bali"},
	}
	if _, _, err := db.UserByUsername(ctx, "admin"); err == nil {
		return logins, nil // loaded before
	}

	w := network.Wadah{BranchID: ids["KC-DPS"], Village: "51.03.02.2001", Name: "Bumdes Munggu"}
	if err := db.CreateWadah(ctx, actor, &w); err != nil {
		return nil, err
	}
	ag := network.Agent{WadahID: w.ID, Name: "I Made Sukarta"}
	if err := db.CreateAgent(ctx, actor, &ag); err != nil {
		return nil, err
	}
	users := []access.NewUser{
		{Username: "admin", Name: "Admin Perisai", Role: access.Admin},
		{Username: "kc.denpasar", Name: "Ni Luh Putu Ayu", Role: access.BranchOfficer, Scope: access.Scope{BranchID: ids["KC-DPS"]}},
		{Username: "kc.gianyar", Name: "I Wayan Darma", Role: access.BranchOfficer, Scope: access.Scope{BranchID: ids["KC-GIA"]}},
		{Username: "bumdes.munggu", Name: "I Ketut Budiasa", Role: access.WadahManager, Scope: access.Scope{WadahID: w.ID}},
		{Username: "agen.made", Name: "I Made Sukarta", Role: access.Agent, Scope: access.Scope{AgentID: ag.ID}},
		{Username: "pmd.bali", Name: "Dinas PMD Provinsi Bali", Role: access.Government, Scope: access.Scope{Region: "51"}, Locale: "id"},
	}
	for _, u := range users {
		u.Password = Password
		if _, err := db.CreateUser(ctx, actor, u); err != nil {
			return nil, fmt.Errorf("demo user %s: %w", u.Username, err)
		}
	}
	return logins, nil
}
