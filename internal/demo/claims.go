package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/benefit"
	"github.com/perisai/perisai/internal/claim"
	"github.com/perisai/perisai/internal/store"
)

// claims gives the branch a queue to look at (Full only): one claim of agen.made's workers in
// every state, from a draft to paid, with their documents (a blank page each). It needs the
// store's file store (serve and demo set it).
func (l *loader) claims(ctx context.Context) error {
	principal := func(name string) (pr principalOf, err error) {
		u, _, err := l.db.UserByUsername(ctx, name)
		if err != nil {
			return pr, err
		}
		p, err := l.db.Principal(ctx, u.ID)
		return principalOf{p, audit.Actor{UserID: u.ID, Name: u.Username}}, err
	}
	agent, err := principal("agen.made")
	if err != nil {
		return err
	}
	officer, err := principal("kc.denpasar")
	if err != nil {
		return err
	}
	paid, err := l.db.Participants(ctx, audit.Actor{}, store.ParticipantFilter{AgentID: agent.p.AgentID, Limit: 100})
	if err != nil {
		return err
	}
	var page bytes.Buffer
	png.Encode(&page, image.NewGray(image.Rect(0, 0, 8, 8)))
	steps := []struct {
		program benefit.Program
		reason  benefit.Reason
		moves   []claim.Action
		note    string
		pay     bool // the branch exports its payout
	}{
		{benefit.JKM, benefit.Death, nil, "", false},
		{benefit.JKM, benefit.Death, []claim.Action{claim.Submit}, "", false},
		{benefit.JKK, benefit.Medical, []claim.Action{claim.Submit, claim.Take}, "", false},
		{benefit.JKM, benefit.Death, []claim.Action{claim.Submit, claim.Take, claim.SendBack}, "Surat keterangan ahli waris belum ditandatangani kepala desa", false},
		{benefit.JKK, benefit.Medical, []claim.Action{claim.Submit, claim.Take, claim.Approve}, "", true},
		{benefit.JKK, benefit.Medical, []claim.Action{claim.Submit, claim.Take, claim.Reject}, "Kecelakaan terjadi di luar pekerjaan", false},
		{benefit.JKK, benefit.Medical, []claim.Action{claim.Submit, claim.Take, claim.Approve}, "", false},
	}
	n := 0
	for _, p := range paid {
		if n == len(steps) {
			break
		}
		full, err := l.db.Participant(ctx, audit.Actor{}, store.RefIn(p.Village, p.ID))
		if err != nil || len(full.Heirs) == 0 || full.Status != "active" {
			continue
		}
		st := steps[n]
		c := claim.Claim{Program: st.program, Reason: st.reason, EventDate: l.today.AddDays(-n - 1),
			Claimant: claim.Claimant{Name: full.Name, BankName: "BPD Bali", BankAccount: fmt.Sprintf("20%08d", p.ID%100_000_000)},
			Facts:    claim.Facts{WorkRelated: st.program == benefit.JKK, Bills: 750_000 + int64(n)*125_000}}
		if st.reason == benefit.Death {
			c.Claimant.Name, c.Claimant.HeirID = full.Heirs[0].Name, full.Heirs[0].ID
		}
		if err := l.db.CreateClaim(ctx, agent.p, agent.act, store.RefIn(p.Village, p.ID), &c, l.today); err != nil {
			return fmt.Errorf("demo claim: %w", err)
		}
		cr, err := l.rs.ClaimRulesAt(c.EventDate)
		if err != nil {
			return err
		}
		for _, d := range cr.Checklist(string(c.Program), string(c.Reason)) {
			if !d.Required {
				continue
			}
			doc := claim.Document{Kind: d.Kind, Filename: d.Kind + ".png", ContentType: "image/png"}
			if err := l.db.AttachDocument(ctx, agent.act, l.rs, c, &doc, page.Bytes()); err != nil {
				return fmt.Errorf("demo claim document: %w", err)
			}
		}
		for _, a := range st.moves {
			by := officer
			if a == claim.Submit {
				by = agent
			}
			if _, err := l.db.MoveClaim(ctx, by.p, by.act, l.rs, store.RefIn(c.Village, c.ID), a, st.note, l.today); err != nil {
				return fmt.Errorf("demo claim %s: %w", a, err)
			}
		}
		if st.pay {
			if _, _, err := l.db.ExportPayout(ctx, officer.act, officer.p.BranchID); err != nil {
				return err
			}
		}
		n++
	}
	return nil
}

type principalOf struct {
	p   access.Principal
	act audit.Actor
}
