package access

import (
	"strings"
	"time"

	"github.com/perisai/perisai/internal/errs"
	"github.com/perisai/perisai/internal/name"
)

// User is an account that can log in or hold API tokens.
type User struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Scope     Scope     `json:"scope"`
	Locale    string    `json:"locale"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// NewUser is what it takes to create a user.
type NewUser struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Scope    Scope  `json:"scope"`
	Locale   string `json:"locale"`
	Password string `json:"password"`
}

// Validate checks the fields that need no database.
func (n *NewUser) Validate() error {
	n.Username = strings.ToLower(strings.TrimSpace(n.Username))
	n.Name = strings.TrimSpace(n.Name)
	if len(n.Username) < 3 || len(n.Username) > 40 || strings.Trim(n.Username, "abcdefghijklmnopqrstuvwxyz0123456789._-") != "" {
		return errs.Invalid("username", "3–40 characters: lowercase letters, digits, dot, dash, underscore")
	}
	n.Name = name.Clean(n.Name)
	if err := name.Check(n.Name, 1, 100); err != nil {
		return errs.Invalid("name", "%v", err)
	}
	if _, err := ParseRole(string(n.Role)); err != nil {
		return err
	}
	if n.Locale == "" {
		n.Locale = "id"
	}
	if n.Locale != "id" && n.Locale != "en" {
		return errs.Invalid("locale", "must be id or en")
	}
	if len(n.Password) < MinPasswordLength {
		return errs.Invalid("password", "must be at least %d characters", MinPasswordLength)
	}
	return CheckScope(n.Role, n.Scope)
}
