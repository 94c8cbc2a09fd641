package store_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

var cli = audit.Actor{Name: "cli:test"}

func seedBranch(t *testing.T, db *store.DB, code string, regencies ...string) network.Branch {
	t.Helper()
	b := network.Branch{Code: code, Name: "KC " + code, Province: "51", Regencies: regencies}
	if err := db.CreateBranch(context.Background(), cli, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBranches(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		dps := seedBranch(t, db, "DPS", "51.71", "51.03")
		seedBranch(t, db, "GIA", "51.04")
		dup := network.Branch{Code: "X", Name: "x", Province: "51", Regencies: []string{"51.03"}}
		if err := db.CreateBranch(ctx, cli, &dup); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("regency served twice: %v", err)
		}
		got, err := db.BranchByCode(ctx, "dps")
		if err != nil || got.ID != dps.ID || len(got.Regencies) != 2 || got.Regencies[0] != "51.03" {
			t.Fatalf("%+v %v", got, err)
		}
		all, err := db.Branches(ctx)
		if err != nil || len(all) != 2 {
			t.Fatalf("%d %v", len(all), err)
		}
		if _, err := db.Branch(ctx, 42); !errors.Is(err, errs.ErrNotFound) {
			t.Fatal(err)
		}
	})
}

func TestUsersAndPrincipal(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db, demo.Small); err != nil {
			t.Fatal(err)
		}
		b, _ := db.BranchByCode(ctx, "KC-DPS")
		ws, _ := db.WadahList(ctx, store.WadahFilter{BranchID: b.ID, PerisaiOnly: true})
		w := ws[0]
		agents, _ := db.Agents(ctx, store.AgentFilter{WadahID: w.ID})
		pw := "rahasia-sekali"
		mk := func(name string, role access.Role, s access.Scope) access.User {
			u, err := db.CreateUser(ctx, cli, access.NewUser{Username: name, Name: name, Role: role, Scope: s, Password: pw})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return u
		}
		officer := mk("petugas", access.BranchOfficer, access.Scope{BranchID: b.ID})
		agent := mk("agen", access.Agent, access.Scope{AgentID: agents[1].ID})
		mk("pemda", access.Government, access.Scope{Region: "51"})

		if _, err := db.CreateUser(ctx, cli, access.NewUser{Username: "PETUGAS", Name: "x", Role: access.Admin, Password: pw}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("duplicate username (case-folded): %v", err)
		}
		if _, err := db.CreateUser(ctx, cli, access.NewUser{Username: "ghost", Name: "x", Role: access.Agent, Scope: access.Scope{AgentID: 7}, Password: pw}); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("scope to a missing agent: %v", err)
		}
		if _, err := db.CreateUser(ctx, cli, access.NewUser{Username: "gov2", Name: "x", Role: access.Government, Scope: access.Scope{Region: "51.03.01"}, Password: pw}); !errors.Is(err, errs.ErrInvalid) {
			t.Fatalf("government scoped to a district: %v", err)
		}

		u, hash, err := db.UserByUsername(ctx, "petugas")
		if err != nil || u.ID != officer.ID || !access.CheckPassword(hash, pw) {
			t.Fatalf("%+v %v", u, err)
		}
		p, err := db.Principal(ctx, officer.ID)
		if err != nil || p.Role != access.BranchOfficer || len(p.Regencies) != 5 {
			t.Fatalf("officer principal %+v %v", p, err)
		}
		p, err = db.Principal(ctx, agent.ID)
		if err != nil || p.WadahID != w.ID || p.BranchID != b.ID {
			t.Fatalf("agent principal %+v %v", p, err)
		}
		inBranch, err := db.Users(ctx, store.UserFilter{BranchID: b.ID})
		names := map[string]bool{}
		for _, u := range inBranch {
			names[u.Username] = true
		}
		if err != nil || len(inBranch) != 5 || !names["agen"] || !names["bumdes.munggu"] || names["kc.gianyar"] {
			t.Fatalf("users in branch: %v %v", names, err)
		}
		entries, err := db.ListAudit(ctx, store.AuditFilter{Entity: "user", EntityID: idString(agent.ID)})
		if err != nil || len(entries) != 1 || entries[0].Actor != "cli:test" || entries[0].Action != "create" {
			t.Fatalf("audit: %+v %v", entries, err)
		}
	})
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func TestSessionsAndTokens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u, err := db.CreateUser(ctx, cli, access.NewUser{Username: "admin", Name: "A", Role: access.Admin, Password: "rahasia-sekali"})
		if err != nil {
			t.Fatal(err)
		}
		sid, err := db.CreateSession(ctx, cli, u.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.SessionUser(ctx, sid); err != nil || got != u.ID {
			t.Fatalf("session: %d %v", got, err)
		}
		expired, _ := db.CreateSession(ctx, cli, u.ID, -time.Second)
		if _, err := db.SessionUser(ctx, expired); !errors.Is(err, errs.ErrUnauthorized) {
			t.Fatalf("expired session: %v", err)
		}
		if err := db.DeleteSession(ctx, audit.Actor{UserID: u.ID, Name: "admin"}, sid); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SessionUser(ctx, sid); !errors.Is(err, errs.ErrUnauthorized) {
			t.Fatalf("after logout: %v", err)
		}

		secret, tk, err := db.CreateToken(ctx, cli, u.ID, "laptop")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.TokenUser(ctx, secret); err != nil || got != u.ID {
			t.Fatalf("token: %d %v", got, err)
		}
		if _, err := db.TokenUser(ctx, secret+"x"); !errors.Is(err, errs.ErrUnauthorized) {
			t.Fatalf("wrong token: %v", err)
		}
		list, _ := db.Tokens(ctx, u.ID)
		if len(list) != 1 || list[0].LastUsedAt == nil || list[0].Prefix != secret[:10] {
			t.Fatalf("tokens: %+v", list)
		}
		if err := db.RevokeToken(ctx, cli, u.ID, tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TokenUser(ctx, secret); !errors.Is(err, errs.ErrUnauthorized) {
			t.Fatalf("revoked token: %v", err)
		}
	})
}

// A request's first commit marks its key as carried out in the same commit: a key left without
// an answer (the server stopped between the change and storing the answer) is then refused
// instead of being run again, while a key whose request changed nothing can be retried.
func TestIdempotencyKeyMarkedInTheSameCommit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		noop := func(*store.Tx) error { return nil }
		if _, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 1}, "deposit", "h"); err != nil {
			t.Fatal(err)
		}
		// The request's transaction fails: nothing was done, the server's failure frees the key.
		if err := db.Transact(store.WithIdempotencyKey(ctx, store.Owner{UserID: 1}, "deposit"), func(*store.Tx) error { return errors.New("boom") }); err == nil {
			t.Fatal("no error")
		}
		if err := db.ReleaseIdempotencyKey(ctx, store.Owner{UserID: 1}, "deposit", false); err != nil {
			t.Fatal(err)
		}
		if r, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 1}, "deposit", "h"); err != nil || r != nil {
			t.Fatalf("retry after a rolled-back request: %v %v", r, err)
		}
		// Now it commits, and the answer is never stored (a crash, or a failure after the commit).
		if err := db.Transact(store.WithIdempotencyKey(ctx, store.Owner{UserID: 1}, "deposit"), noop); err != nil {
			t.Fatal(err)
		}
		if err := db.ReleaseIdempotencyKey(ctx, store.Owner{UserID: 1}, "deposit", false); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 1}, "deposit", "h"); !errors.Is(err, store.ErrKeyDone) {
			t.Fatalf("retry of a request that took effect: %v", err)
		}
		// A refusal changes nothing (at most it is audited): its key is forgotten.
		if err := db.ReleaseIdempotencyKey(ctx, store.Owner{UserID: 1}, "deposit", true); err != nil {
			t.Fatal(err)
		}
		if r, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 1}, "deposit", "h2"); err != nil || r != nil {
			t.Fatalf("after a refusal: %v %v", r, err)
		}
		// Marked, then answered: the answer is replayed.
		if err := db.Transact(store.WithIdempotencyKey(ctx, store.Owner{UserID: 1}, "deposit"), noop); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishIdempotencyKey(ctx, store.Owner{UserID: 1}, "deposit", store.Replay{Status: 201, Body: "ok"}); err != nil {
			t.Fatal(err)
		}
		if r, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 1}, "deposit", "h2"); err != nil || r == nil || r.Body != "ok" {
			t.Fatalf("replay: %v %v", r, err)
		}
	})
}

func TestIdempotencyKeys(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 1}, "k1", "h1")
		if err != nil || r != nil {
			t.Fatalf("first claim: %v %v", r, err)
		}
		if _, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 1}, "k1", "h1"); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("claim while in flight: %v", err)
		}
		if err := db.FinishIdempotencyKey(ctx, store.Owner{UserID: 1}, "k1", store.Replay{Status: 201, ContentType: "application/json", Body: `{"id":1}`}); err != nil {
			t.Fatal(err)
		}
		r, err = db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 1}, "k1", "h1")
		if err != nil || r == nil || r.Status != 201 || r.Body != `{"id":1}` {
			t.Fatalf("replay: %+v %v", r, err)
		}
		if _, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 1}, "k1", "h2"); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("different body: %v", err)
		}
		if r, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 2}, "k1", "h2"); err != nil || r != nil {
			t.Fatalf("keys are per user: %v %v", r, err)
		}
		if err := db.ReleaseIdempotencyKey(ctx, store.Owner{UserID: 2}, "k1", false); err != nil {
			t.Fatal(err)
		}
		if r, err := db.ClaimIdempotencyKey(ctx, store.Owner{UserID: 2}, "k1", "h3"); err != nil || r != nil {
			t.Fatalf("after release: %v %v", r, err)
		}
	})
}
