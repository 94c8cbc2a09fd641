package demo

import (
	"context"
	"testing"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/store"
	"github.com/perisai/perisai/internal/store/storetest"
)

func TestLoadTwiceAndEveryRole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for range 2 {
			if _, err := Load(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		bs, _ := db.Branches(ctx)
		if len(bs) != 2 || len(bs[0].Regencies)+len(bs[1].Regencies) != 9 {
			t.Fatalf("branches: %+v", bs)
		}
		us, _ := db.Users(ctx, store.UserFilter{})
		roles := map[access.Role]bool{}
		for _, u := range us {
			roles[u.Role] = true
			if _, err := db.Principal(ctx, u.ID); err != nil {
				t.Errorf("%s: %v", u.Username, err)
			}
		}
		for _, r := range access.Roles {
			if !roles[r] {
				t.Errorf("no demo login for %s", r)
			}
		}
		if len(us) != 6 {
			t.Errorf("%d users after loading twice", len(us))
		}
	})
}
