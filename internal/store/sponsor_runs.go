package store

import (
	"context"
	"fmt"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/contribution"
	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/i18n"
	"github.com/perisai/perisai/internal/ledger"
	"github.com/perisai/perisai/internal/participant"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/sponsor"
)

// fundingOf maps a sponsor's kind to the source of funds its payments carry (which decides,
// among other things, whether the PP 50/2025 discount applies).
func fundingOf(k sponsor.Kind) contribution.Funding {
	switch k {
	case sponsor.APBDProvince, sponsor.APBDRegency:
		return contribution.APBD
	case sponsor.APBDes:
		return contribution.APBDes
	case sponsor.CSR:
		return contribution.CSR
	}
	return contribution.Donor
}

// ChargeLine is one member's outcome in a sponsor run.
type ChargeLine struct {
	ParticipantID int64            `json:"participant_id"`
	KPJ           string           `json:"kpj"`
	Name          string           `json:"name"`
	Months        []calendar.Month `json:"months,omitempty"`
	Amount        int64            `json:"amount"`                // from the sponsor
	CreditUsed    int64            `json:"credit_used,omitempty"` // the member's own JHT part, from their credit
	ReceiptNo     string           `json:"receipt_no,omitempty"`
	Skipped       string           `json:"skipped,omitempty"` // in English; SkipText in any language
	Note          string           `json:"note,omitempty"`
	SkipText      i18n.Message     `json:"-"`
	NoteText      i18n.Message     `json:"-"`
}

// skip marks the line skipped, for the reason the message key names.
func (l *ChargeLine) skip(key string, args ...any) {
	l.SkipText = i18n.Message{Key: key, Args: args}
	l.Skipped = l.SkipText.In("en")
}

// ChargeReport is what a sponsor run did.
type ChargeReport struct {
	SponsorshipID int64        `json:"sponsorship_id"`
	Funding       string       `json:"funding"`
	Charged       int          `json:"charged"`
	Skipped       int          `json:"skipped"`
	Total         int64        `json:"total"`
	Lines         []ChargeLine `json:"lines"`
}

// ChargeSponsorship pays, from the sponsor's fund, every member's months of the sponsorship
// that can be paid today, by the same rules as any payment: in order from the first payable
// month, at most 12 ahead, within the budget. A member with unpaid months before the
// sponsorship's first month is skipped (those come first), as is one already paid through it.
// When the sponsorship leaves JHT out, a member enrolled in JHT pays that part from their own
// credit, or the months go without JHT and the line says so.
// Each member is charged in a transaction of its own; running it again charges only what is new.
// Only who has every member in scope runs it: a branch officer cannot charge another branch's
// participants through a sponsorship an administrator set up across branches.
func (db *DB) ChargeSponsorship(ctx context.Context, act audit.Actor, rs *rules.Set, sc SponsorScope, sponsorshipID int64, today calendar.Date) (ChargeReport, error) {
	pr, err := rs.PaymentAt(today)
	if err != nil {
		return ChargeReport{}, errs.Invalid("date", "%v", err)
	}
	var sh sponsor.Sponsorship
	var kind sponsor.Kind
	sh, err = scanSponsorship(db.read.QueryRowContext(ctx, `SELECT `+sponsorshipColumns+` FROM sponsorships s WHERE s.id = $1`, sponsorshipID))
	if isNoRows(err) {
		return ChargeReport{}, errs.NotFound("sponsorship")
	}
	if err != nil {
		return ChargeReport{}, err
	}
	if !sc.All {
		a := args{sh.ID}
		var outside int
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sponsorship_members m JOIN participants p ON p.id = m.participant_id AND p.province_code = m.province_code
WHERE m.sponsorship_id = $1 AND NOT (`+memberCond(sc.Members, &a)+`)`, a...).Scan(&outside); err != nil {
			return ChargeReport{}, err
		}
		if outside > 0 {
			return ChargeReport{}, errs.Forbidden("the sponsorship covers %d participant(s) outside your scope", outside)
		}
	}
	if err := db.read.QueryRowContext(ctx, `SELECT kind FROM sponsors WHERE id = $1`, sh.SponsorID).Scan(&kind); err != nil {
		return ChargeReport{}, err
	}
	funding := fundingOf(kind)
	rep := ChargeReport{SponsorshipID: sh.ID, Funding: string(funding), Lines: []ChargeLine{}}
	rows, err := db.read.QueryContext(ctx, `SELECT participant_id, province_code FROM sponsorship_members WHERE sponsorship_id = $1 ORDER BY participant_id`, sh.ID)
	if err != nil {
		return rep, err
	}
	var members []Ref
	for rows.Next() {
		var m Ref
		if err := rows.Scan(&m.ID, &m.Province); err != nil {
			rows.Close()
			return rep, err
		}
		members = append(members, m)
	}
	rows.Close()
	for _, who := range members {
		pid := who.ID
		var line ChargeLine
		err := db.Transact(ctx, func(tx *Tx) error {
			line = ChargeLine{ParticipantID: pid}
			py, err := lockPayee(ctx, tx, who)
			if err != nil {
				return err
			}
			line.KPJ, line.Name = py.kpj, py.name
			if py.review == string(participant.Rejected) {
				line.skip("charge.rejected")
				return nil
			}
			// The sponsor pays the programs the sponsorship names; JKK and JKM are the BPU minimum.
			// A member who also saves in JHT when the sponsorship leaves it out pays that part
			// from their own credit; without enough credit the months go without JHT, and the
			// line says so.
			ownJHT := py.programs.JHT && !sh.JHT
			if !sh.JHT {
				py.programs.JHT = false
			}
			paid, err := paidMonths(ctx, tx, py.province(), pid)
			if err != nil {
				return err
			}
			payable := contribution.Payable(contribution.Assess(paid, today, pr), today, pr)
			var months []calendar.Month
			for _, m := range payable {
				if m > sh.To {
					break
				}
				if m < sh.From {
					line.skip("charge.before", m.String())
					return nil
				}
				months = append(months, m)
			}
			if len(months) == 0 {
				line.skip("charge.nothing")
				return nil
			}
			member := contribution.Member{Income: py.income, Programs: py.programs, Sector: py.sector}
			q, err := contribution.QuoteMonths(rs, member, funding, months)
			if err != nil {
				return err
			}
			if sh.Budget > 0 {
				var spent int64
				if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0) FROM payments WHERE sponsorship_id = $1 AND status = 'posted'`, sh.ID).Scan(&spent); err != nil {
					return err
				}
				if spent+q.Total > sh.Budget {
					line.skip("charge.budget", sh.Budget-spent, q.Total)
					return nil
				}
			}
			sponsored, creditUsed := q.Total, int64(0)
			if ownJHT {
				withJHT := member
				withJHT.Programs.JHT = true
				full, err := contribution.QuoteMonths(rs, withJHT, funding, months)
				if err != nil {
					return err
				}
				credit, err := creditOf(ctx, tx, py.province(), pid)
				if err != nil {
					return err
				}
				if jht := full.Total - q.Total; credit >= jht {
					member, q, creditUsed = withJHT, full, jht
				} else {
					line.NoteText = i18n.Message{Key: "charge.jht_unpaid", Args: []any{jht, credit}}
					line.Note = line.NoteText.In("en")
				}
			}
			prices := make([]int64, len(q.Months))
			for i, md := range q.Months {
				prices[i] = md.Due
			}
			pl := plan{paid: paid, member: member, quote: q, received: sponsored, creditUsed: creditUsed,
				alloc:  contribution.Allocation{Months: months, Prices: prices, Spent: q.Total},
				before: contribution.Assess(paid, today, pr), after: contribution.Assess(mergeMonths(paid, months), today, pr)}
			pay, err := takePayment(ctx, tx, act, py, funding, pl, ledger.SponsorFund(sh.SponsorID), 0, sh.ID, today)
			if err != nil {
				return err
			}
			line.Months, line.Amount, line.CreditUsed, line.ReceiptNo = months, pay.Amount, pay.CreditUsed, pay.ReceiptNo
			return nil
		})
		if err != nil {
			return rep, fmt.Errorf("participant %d: %w", pid, err)
		}
		if line.Skipped != "" {
			rep.Skipped++
		} else {
			rep.Charged++
			rep.Total += line.Amount
		}
		rep.Lines = append(rep.Lines, line)
	}
	err = db.Record(ctx, act, "charge", "sponsorship", sh.ID, "", fmt.Sprintf("%d charged, %d skipped, Rp %d", rep.Charged, rep.Skipped, rep.Total))
	return rep, err
}
