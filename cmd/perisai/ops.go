package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/perisai/perisai/internal/audit"
	"github.com/perisai/perisai/internal/bulkimport"
	"github.com/perisai/perisai/internal/calendar"
	"github.com/perisai/perisai/internal/jobs"
	"github.com/perisai/perisai/internal/rules"
	"github.com/perisai/perisai/internal/secret"
	"github.com/perisai/perisai/internal/store"
)

// asOf reads a --date flag: a day, or today when empty.
func asOf(day string) (calendar.Date, error) {
	if day == "" {
		return calendar.Today(), nil
	}
	return calendar.ParseDate(day)
}

// datedRun is a "run" command as of a day (--date, default today) under the rules in force.
func datedRun(ctx context.Context, e env, name string, args []string, fn func(db *store.DB, rs *rules.Set, day calendar.Date) error) error {
	if len(args) == 0 || args[0] != "run" {
		return fmt.Errorf("%s: give run", name)
	}
	var day *string
	flags := func(fs *flag.FlagSet) { day = fs.String("date", "", "as of this day (YYYY-MM-DD; default today)") }
	return withDB(ctx, e, name+" run", args[1:], flags, func(db *store.DB) error {
		d, err := asOf(*day)
		if err != nil {
			return err
		}
		rs, err := db.ActiveRules(ctx)
		if err != nil {
			return err
		}
		return fn(db, rs, d)
	})
}

// cmdJobs runs the daily jobs once, for a deployment that schedules them with cron.
func cmdJobs(ctx context.Context, args []string, e env) error {
	return datedRun(ctx, e, "jobs", args, func(db *store.DB, rs *rules.Set, today calendar.Date) error {
		r, err := jobs.RunDaily(ctx, db, rs, today)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %d agreement(s) expired, %d agent(s) deactivated, %d participant status(es) changed, %d incentive statement(s) issued, dashboards counted for %d region(s)\n",
			today, r.ExpiredAgreements, r.DeactivatedAgents, r.StatusesChanged, r.Statements, r.DashboardRegions)
		return nil
	})
}

// cmdImport registers a cohort from a CSV or XLSX file as a user, with a progress bar, and
// writes the per-row report next to the file.
func cmdImport(ctx context.Context, args []string, e env) error {
	if len(args) < 2 || args[0] != "participants" {
		return fmt.Errorf("import: give participants FILE --as USERNAME")
	}
	file := args[1]
	var as, report *string
	var agent *int64
	flags := func(fs *flag.FlagSet) {
		as = fs.String("as", "", "the user the import is made as; their scope applies (required)")
		agent = fs.Int64("agent", 0, "register every row for this agent (a branch officer's import)")
		report = fs.String("report", "", "where to write the per-row report (default FILE.report.csv; .xlsx for a workbook)")
	}
	return withDB(ctx, e, "import participants", args[2:], flags, func(db *store.DB) error {
		u, _, err := db.UserByUsername(ctx, strings.ToLower(*as))
		if err != nil {
			return fmt.Errorf("--as %q: %w", *as, err)
		}
		p, err := db.Principal(ctx, u.ID)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		rows, err := bulkimport.Read(data, bulkimport.DefaultLimits)
		if err != nil {
			return err
		}
		act := audit.Actor{UserID: u.ID, Name: u.Username + " (cli)"}
		im, err := db.StartImport(ctx, store.OwnerOf(p), act, filepath.Base(file), bulkimport.Hash(data), len(rows))
		if err != nil {
			return err
		}
		bar := progressBar(e.stderr)
		job := bulkimport.Job{DB: db, Rules: rules.Default(), P: p, Actor: act, AgentID: *agent, Rows: rows, Today: calendar.Today()}
		if err := bulkimport.Run(ctx, job, im.ID, bar); err != nil {
			return err
		}
		fmt.Fprintln(e.stderr)
		im, err = db.GetImport(ctx, store.RefIn(im.Province, im.ID))
		if err != nil {
			return err
		}
		out := *report
		if out == "" {
			out = file + ".report.csv"
		}
		if err := writeReport(ctx, db, im, out); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "import %d: %d rows, %d imported, %d already registered, %d refused; report in %s\n",
			im.ID, im.Total, im.Imported, im.Already, im.Refused, out)
		return nil
	})
}

func writeReport(ctx context.Context, db *store.DB, im store.Import, path string) error {
	rows, err := db.ImportRows(ctx, im)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if strings.HasSuffix(path, ".xlsx") {
		err = bulkimport.WriteXLSX(f, rows)
	} else {
		err = bulkimport.WriteCSV(f, rows)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// progressBar draws [#####     ] 12000/100000 on one line, at most ten times a second.
func progressBar(w io.Writer) func(done, total int) {
	var last time.Time
	return func(done, total int) {
		if done < total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		const width = 30
		filled := width * done / max(total, 1)
		fmt.Fprintf(w, "\r[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total)
	}
}

// cmdRules loads a rules file (validated, versioned, audited) or shows the rules in force.
func cmdRules(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return fmt.Errorf("rules: give load FILE or show [--date D]")
	}
	switch args[0] {
	case "load":
		if len(args) < 2 {
			return fmt.Errorf("rules load: give the file")
		}
		content, err := os.ReadFile(args[1])
		if err != nil {
			return err
		}
		return withDB(ctx, e, "rules load", args[2:], nil, func(db *store.DB) error {
			rs, err := db.LoadRules(ctx, cliActor(), content)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "rules version %s loaded; a running server puts it in force within a minute\n", rs.Version)
			return nil
		})
	case "show":
		var day *string
		flags := func(fs *flag.FlagSet) { day = fs.String("date", "", "the day (YYYY-MM-DD; default today)") }
		return withDB(ctx, e, "rules show", args[1:], flags, func(db *store.DB) error {
			d, err := asOf(*day)
			if err != nil {
				return err
			}
			rs, err := db.ActiveRules(ctx)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rs.InForce(d))
		})
	}
	return fmt.Errorf("rules: unknown subcommand %q", args[0])
}

// cmdLedger checks the ledger's invariants and exits non-zero on any break.
func cmdLedger(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("ledger: give verify")
	}
	return withDB(ctx, e, "ledger verify", args[1:], nil, func(db *store.DB) error { return verifyLedger(ctx, e, db) })
}

// verifyLedger prints every break of the ledger's invariants, or that there is none; a break
// is an error (a non-zero exit).
func verifyLedger(ctx context.Context, e env, db *store.DB) error {
	probs, err := db.VerifyLedger(ctx)
	if err != nil {
		return err
	}
	for _, p := range probs {
		fmt.Fprintf(e.stdout, "BROKEN %s: %s\n", p.What, p.Ref)
	}
	if len(probs) > 0 {
		return fmt.Errorf("ledger verify: %d problem(s)", len(probs))
	}
	fmt.Fprintln(e.stdout, "ledger verify: every entry balances, every balance matches its postings, every reversal mirrors its entry")
	return nil
}

// cmdCoverage moves participants' statuses as months pass (also part of the daily jobs).
func cmdCoverage(ctx context.Context, args []string, e env) error {
	return datedRun(ctx, e, "coverage", args, func(db *store.DB, rs *rules.Set, d calendar.Date) error {
		start := time.Now()
		n, err := db.RefreshStatuses(ctx, rs, d)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %d status(es) changed in %s\n", d, n, time.Since(start).Round(time.Millisecond))
		return nil
	})
}

// cmdIncentives issues the agents' incentive statements of a month (default: last month); the
// daily job does the same for the month just ended. Running it again issues nothing new.
func cmdIncentives(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "run" {
		return fmt.Errorf("incentives: give run")
	}
	var month string
	return withDB(ctx, e, "incentives run", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&month, "month", "", "the month, YYYY-MM (default: last month)")
	}, func(db *store.DB) error {
		m := calendar.Today().MonthOf().Add(-1)
		if month != "" {
			var err error
			if m, err = calendar.ParseMonth(month); err != nil {
				return fmt.Errorf("--month: %w", err)
			}
		}
		rs, err := db.ActiveRules(ctx)
		if err != nil {
			return err
		}
		start := time.Now()
		n, err := db.RunIncentives(ctx, cliActor(), rs, m)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %d incentive statement(s) issued in %s\n", m, n, time.Since(start).Round(time.Millisecond))
		return nil
	})
}

// cmdDashboard counts the region dashboards now (the daily jobs do it every night).
func cmdDashboard(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "rebuild" {
		return fmt.Errorf("dashboard: give rebuild")
	}
	args = append([]string{"run"}, args[1:]...)
	return datedRun(ctx, e, "dashboard", args, func(db *store.DB, _ *rules.Set, d calendar.Date) error {
		b, err := db.RebuildDashboard(ctx, d)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "dashboard counted as of %s: %d region(s), %d region-month(s) in %s\n", d, b.Regions, b.Months, b.FinishedAt.Sub(b.StartedAt).Round(time.Millisecond))
		return nil
	})
}

// cmdAudit answers "who saw this person?" for a breach notice (UU 27/2022).
func cmdAudit(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "who-saw" {
		return fmt.Errorf("audit: give who-saw")
	}
	var nikStr, kpj, id, from, to string
	return withDB(ctx, e, "audit who-saw", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&nikStr, "nik", "", "the person's NIK")
		fs.StringVar(&kpj, "kpj", "", "the person's participant number")
		fs.StringVar(&id, "participant", "", "the participant's id")
		fs.StringVar(&from, "from", "", "first day, YYYY-MM-DD")
		fs.StringVar(&to, "to", "", "last day, YYYY-MM-DD (inclusive)")
	}, func(db *store.DB) error {
		q, err := store.ParseWhoSaw(id, kpj, nikStr, from, to)
		if err != nil {
			return err
		}
		who, es, err := db.WhoSaw(ctx, cliActor(), q)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "participant %d, KPJ %s, NIK %s: %d entries\n", who.ID, who.KPJ, who.NIKMasked, len(es))
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "WHEN (UTC)\tWHO\tACTION\tWHAT\tDETAIL\tREQUEST")
		for _, x := range es {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\t%s\n", x.At.Format("2006-01-02 15:04:05"), x.Actor, x.Action, x.Entity, x.EntityID, x.Detail, x.RequestID)
		}
		return tw.Flush()
	})
}

// cmdKey rotates the master key: every sealed field and blind index is sealed again under a new
// key in one transaction, then the key files are swapped. Stop the server first.
//
// The order keeps the data readable at every step: the new key is written to KEY.next (synced)
// before the database changes; only after the commit does the old key become KEY.previous
// (kept so that printed cards and receipts still verify) and KEY.next become KEY. A stop in
// between leaves KEY.next behind, and every command then refuses to start until an operator
// finishes the swap by hand (docs/security.md).
func cmdKey(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "rotate" {
		return fmt.Errorf("key: give rotate")
	}
	fs := flag.NewFlagSet("key rotate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dbFlags
	d.register(fs)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	db, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	next, err := secret.Generate(d.keyFile + ".next")
	if err != nil {
		return err
	}
	n, err := db.RotateKeys(ctx, cliActor(), next)
	if err != nil {
		os.Remove(d.keyFile + ".next")
		return fmt.Errorf("key rotate: nothing changed: %w", err)
	}
	if err := os.Rename(d.keyFile, d.keyFile+".previous"); err != nil {
		return fmt.Errorf("key rotate: the data is sealed under %s.next now; move %s to %s.previous and %s.next to %s by hand: %w",
			d.keyFile, d.keyFile, d.keyFile, d.keyFile, d.keyFile, err)
	}
	if err := os.Rename(d.keyFile+".next", d.keyFile); err != nil {
		return fmt.Errorf("key rotate: the data is sealed under %s.next now; move it to %s by hand: %w", d.keyFile, d.keyFile, err)
	}
	fmt.Fprintf(e.stdout, "key rotated: %d participants, %d heirs, %d agents, %d wadah, %d claims, %d claim documents sealed again; the old key is %s.previous (printed cards still verify)\n",
		n.Participants, n.Heirs, n.Agents, n.Wadah, n.Claims, n.Documents, d.keyFile)
	return nil
}
