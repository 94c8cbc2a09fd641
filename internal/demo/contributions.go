package demo

import (
	"context"
	"fmt"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/network"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/sponsor"
	"github.com/perisai/perisai/internal/store"
)

// registered is a demo worker and the agent (and wadah) who registered them.
type registered struct {
	p            participant.Participant
	agent, wadah int64
}

// mungguAtWork gives the money screens something to show (Full only: the tests build on a Small
// set without money). Munggu, the wadah of the demo logins, gets eight more workers registered
// by agen.made; then most workers pay through the agent
// who registered them (one, three or twelve months, or an amount that leaves a credit), a
// quarter have not paid yet; the first Munggu agent (agen.made) deposits the first half of
// the cash collected, the second deposits everything with a slip Rp 5,000 short, a variance for
// the branch to explain; and the village of Munggu sponsors its workers who have not paid, out
// of the village budget (APBDes), for six months.
func (l *loader) mungguAtWork(ctx context.Context, regs []registered, munggu network.Wadah, mungguAgents []int64) error {
	made := mungguAgents[0]
	a, err := l.db.Agent(ctx, store.RefIn(munggu.Village, made))
	if err != nil {
		return err
	}
	for i := range 8 {
		reg := l.worker(a.Villages[i%len(a.Villages)], false, l.today)
		got, err := l.db.Register(ctx, access.Principal{Username: "demo", Role: access.Agent, AgentID: made}, actor, l.rs, reg, l.today)
		if err != nil {
			return fmt.Errorf("demo worker: %w", err)
		}
		regs = append(regs, registered{got, made, munggu.ID})
	}
	taken := map[int64][]store.Payment{}
	var unpaid []string
	for i, r := range regs {
		req := store.PayRequest{ParticipantID: r.p.ID, Funding: "self"}
		switch i % 8 {
		case 0, 4:
			if r.wadah == munggu.ID {
				unpaid = append(unpaid, r.p.KPJ)
			}
			continue
		case 1, 5:
			req.Months = 1
		case 2, 6:
			req.Months = 3
		case 3:
			req.Months = 12
		case 7:
			req.Amount = 50_000
		}
		p := access.Principal{Username: "demo", Role: access.Agent, AgentID: r.agent}
		pay, err := l.db.Pay(ctx, p, actor, l.rs, req, l.today)
		if err != nil {
			return fmt.Errorf("demo payment: %w", err)
		}
		taken[r.agent] = append(taken[r.agent], pay)
	}
	deposit := func(agent int64, pays []store.Payment, short int64) error {
		if len(pays) == 0 {
			return nil
		}
		req := store.DepositRequest{AgentID: agent, SlipRef: fmt.Sprintf("BPD-%d-%03d", agent%100000, len(pays)), DepositedOn: l.today, Amount: -short}
		for _, p := range pays {
			req.PaymentIDs = append(req.PaymentIDs, p.ID)
			req.Amount += p.Amount
		}
		if _, err := l.db.RecordDeposit(ctx, actor, req); err != nil {
			return fmt.Errorf("demo deposit: %w", err)
		}
		return nil
	}
	mine := taken[made]
	if err := deposit(made, mine[:len(mine)/2], 0); err != nil {
		return err
	}
	if err := deposit(mungguAgents[1], taken[mungguAgents[1]], 5_000); err != nil {
		return err
	}
	if len(unpaid) == 0 {
		return nil
	}
	sp := sponsor.Sponsor{Kind: sponsor.APBDes, Name: "Pemerintah Desa Munggu", Region: munggu.Village}
	if err := l.db.CreateSponsor(ctx, actor, &sp); err != nil {
		return fmt.Errorf("demo sponsor: %w", err)
	}
	month := l.today.MonthOf()
	ss := sponsor.Sponsorship{SponsorID: sp.ID, Name: "Dana Desa Munggu " + month.String()[:4], From: month, To: month.Add(5),
		JKK: true, JKM: true, Budget: 2_000_000}
	if err := l.db.CreateSponsorship(ctx, actor, &ss, unpaid, store.ParticipantFilter{}); err != nil {
		return fmt.Errorf("demo sponsorship: %w", err)
	}
	if _, err := l.db.ChargeSponsorship(ctx, actor, l.rs, store.SponsorScope{All: true}, ss.ID, l.today); err != nil {
		return fmt.Errorf("demo sponsor run: %w", err)
	}
	return nil
}
