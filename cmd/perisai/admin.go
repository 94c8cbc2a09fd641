package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/perisai/perisai/internal/access"
	"github.com/perisai/perisai/internal/demo"
	"github.com/perisai/perisai/internal/store"
)

func cmdMigrate(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dbFlags
	d.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := store.Open(ctx, d.url())
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "applied %d migration(s); schema version %d on %s\n", len(applied), v, db.Redacted())
	return nil
}

func cmdDemo(ctx context.Context, args []string, e env) error {
	return withDB(ctx, e, "demo", args, nil, func(db *store.DB) error {
		logins, err := demo.Load(ctx, db, demo.Full)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "demo data loaded; %d logins, password %q\n", len(logins), demo.Password)
		return nil
	})
}

func cmdUser(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return fmt.Errorf("user: give add, list or passwd")
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, args[1:], e)
	case "list":
		return userList(ctx, args[1:], e)
	case "passwd":
		return userPasswd(ctx, args[1:], e)
	}
	return fmt.Errorf("user: unknown subcommand %q (add, list, passwd)", args[0])
}

// readPassword takes the first line of standard input, or makes a random password and says so.
func readPassword(fromStdin bool, e env) (string, bool, error) {
	if !fromStdin {
		return access.NewSecret("", 12), true, nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", false, fmt.Errorf("read password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}

func userAdd(ctx context.Context, args []string, e env) error {
	var username, name, role, branch, regionCode, locale *string
	var wadah, agent *int64
	var pwStdin *bool
	flags := func(fs *flag.FlagSet) {
		username = fs.String("username", "", "login name (required)")
		name = fs.String("name", "", "full name (required)")
		role = fs.String("role", "", "admin, branch_officer, wadah_manager, agent or government (required)")
		branch = fs.String("branch", "", "branch code, for a branch officer (e.g. KC-DPS)")
		wadah = fs.Int64("wadah", 0, "wadah id, for a wadah manager")
		agent = fs.Int64("agent", 0, "agent id, for an agent")
		regionCode = fs.String("region", "", "province or regency code, for a government viewer")
		locale = fs.String("locale", "id", "id or en")
		pwStdin = fs.Bool("password-stdin", false, "read the password from standard input (otherwise one is generated and printed)")
	}
	return withDB(ctx, e, "user add", args, flags, func(db *store.DB) error {
		r, err := access.ParseRole(*role)
		if err != nil {
			return err
		}
		n := access.NewUser{Username: *username, Name: *name, Role: r, Locale: *locale,
			Scope: access.Scope{WadahID: *wadah, AgentID: *agent, Region: *regionCode}}
		if *branch != "" {
			b, err := db.BranchByCode(ctx, *branch)
			if err != nil {
				return err
			}
			n.Scope.BranchID = b.ID
		}
		pw, generated, err := readPassword(*pwStdin, e)
		if err != nil {
			return err
		}
		n.Password = pw
		u, err := db.CreateUser(ctx, cliActor(), n)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created user %s (id %d, role %s)\n", u.Username, u.ID, u.Role)
		if generated {
			fmt.Fprintf(e.stdout, "password: %s\n", pw)
		}
		return nil
	})
}

func userList(ctx context.Context, args []string, e env) error {
	return withDB(ctx, e, "user list", args, nil, func(db *store.DB) error {
		us, err := db.Users(ctx, store.UserFilter{})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSERNAME\tROLE\tNAME")
		for _, u := range us {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", u.ID, u.Username, u.Role, u.Name)
		}
		return tw.Flush()
	})
}

func userPasswd(ctx context.Context, args []string, e env) error {
	var username *string
	var pwStdin *bool
	flags := func(fs *flag.FlagSet) {
		username = fs.String("username", "", "login name (required)")
		pwStdin = fs.Bool("password-stdin", false, "read the password from standard input (otherwise one is generated and printed)")
	}
	return withDB(ctx, e, "user passwd", args, flags, func(db *store.DB) error {
		u, _, err := db.UserByUsername(ctx, *username)
		if err != nil {
			return err
		}
		pw, generated, err := readPassword(*pwStdin, e)
		if err != nil {
			return err
		}
		if err := db.SetPassword(ctx, cliActor(), u.ID, pw); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "password of %s changed; their sessions are ended\n", u.Username)
		if generated {
			fmt.Fprintf(e.stdout, "password: %s\n", pw)
		}
		return nil
	})
}

func cmdToken(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("token: give add")
	}
	var username, name *string
	flags := func(fs *flag.FlagSet) {
		username = fs.String("user", "", "the user the token acts as (required)")
		name = fs.String("name", "cli", "a label to recognise the token by")
	}
	return withDB(ctx, e, "token add", args[1:], flags, func(db *store.DB) error {
		u, _, err := db.UserByUsername(ctx, strings.ToLower(*username))
		if err != nil {
			return err
		}
		secret, tk, err := db.CreateToken(ctx, cliActor(), u.ID, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "token %d for %s (%s); it is shown once:\n", tk.ID, u.Username, tk.Name)
		fmt.Fprintln(e.stdout, secret)
		return nil
	})
}
