package web

import (
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/dashboard"
	"github.com/perisai/perisai/internal/store"
)

// Charts are drawn here, as SVG in the page (templates/dashboard.html): no script, no CDN, and
// the same figures stand beside them in a table. A bar chart of one flow over the months of a
// period, in a 320 × 160 box the page scales to its width.

const (
	chartW, chartH = 320, 160
	chartTop       = 12 // room for the top value
	chartBottom    = 18 // room for month labels
)

type bar struct {
	X, Y, W, H int
	Label      string // the month, under every few bars
	Title      string // the month and value, read out and shown on hover
}

type barChart struct {
	W, H, Base int
	Top        string // the largest value
	Bars       []bar
	Empty      bool
}

// monthlyChart draws a flow month by month over the period (months with nothing are zero).
func monthlyChart(months []store.DashboardMonth, f dashboard.Figure, p dashboard.Period, lang string) barChart {
	c := barChart{W: chartW, H: chartH, Base: chartH - chartBottom}
	by := map[calendar.Month]int64{}
	var top int64
	for _, m := range months {
		by[m.Month] = m.Values[f]
		top = max(top, m.Values[f])
	}
	c.Empty = top == 0
	show := func(n int64) string {
		if f.Money() {
			return rupiah(n)
		}
		return thousands(n)
	}
	c.Top = show(top)
	n := p.Months()
	slot := chartW / n
	w := max(1, slot*3/4)
	every := (n + 5) / 6 // at most six labels
	for i := range n {
		m := p.From.Add(i)
		v := by[m]
		h := 0
		if top > 0 {
			h = int(v * int64(c.Base-chartTop) / top)
		}
		b := bar{X: i*slot + (slot-w)/2, Y: c.Base - h, W: w, H: h, Title: m.Name(lang) + ": " + show(v)}
		if i%every == 0 {
			b.Label = m.Short(lang)
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}
