// Package errs holds the kinds of failure the domain reports. Packages wrap one of these with
// %w and a message for people; the web layer maps each kind to an HTTP status in one table.
package errs

import (
	"errors"
	"fmt"
	"strings"

	"github.com/perisai/perisai/internal/i18n"
)

var (
	ErrInvalid      = errors.New("invalid input")
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrUnauthorized = errors.New("not authenticated")
	ErrForbidden    = errors.New("forbidden")
	ErrRateLimited  = errors.New("too many attempts")
	ErrTooLarge     = errors.New("too large")
)

// TooLarge says what was larger than accepted; it wraps ErrTooLarge and names the field.
func TooLarge(field, format string, args ...any) error {
	return fmt.Errorf("%w: %w", &FieldError{Field: field, Msg: fmt.Sprintf(format, args...), Format: format, Args: args}, ErrTooLarge)
}

// Invalid wraps ErrInvalid with a message for people, naming the field when there is one.
func Invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// FieldError is an invalid input tied to one field of a request. Msg is the English message;
// Format and Args are what made it, so that a page can say it in the reader's language (the
// English format is the key of its translation: i18n.Problem).
type FieldError struct {
	Field  string
	Msg    string
	Format string
	Args   []any
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

func (e *FieldError) Unwrap() error { return ErrInvalid }

// Problem describes the error for a page in the reader's language (i18n.Error).
func (e *FieldError) Problem() i18n.FieldProblem {
	if e.Format == "" {
		return i18n.FieldProblem{Field: e.Field, Format: e.Msg}
	}
	return i18n.FieldProblem{Field: e.Field, Format: e.Format, Args: e.Args}
}

// NotFound says which thing was not found.
func NotFound(what string) error { return fmt.Errorf("%s: %w", what, ErrNotFound) }

// Conflict says what is in the way.
func Conflict(format string, args ...any) error { return &refusal{ErrConflict, format, args} }

// Forbidden says what may not be done.
func Forbidden(format string, args ...any) error { return &refusal{ErrForbidden, format, args} }

// refusal is a conflict or a forbidden act, keeping what made its message so that a page can
// say it in the reader's language.
type refusal struct {
	kind   error
	format string
	args   []any
}

func (r *refusal) Error() string { return fmt.Sprintf(r.format, r.args...) + ": " + r.kind.Error() }
func (r *refusal) Unwrap() error { return r.kind }

// Problem describes the refusal for a page in the reader's language (i18n.Error).
func (r *refusal) Problem() i18n.FieldProblem {
	return i18n.FieldProblem{Format: r.format, Args: r.args}
}

// FieldErrors is every problem found in one input, so that a form or an import row can show
// them all at once.
type FieldErrors []*FieldError

func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

func (es FieldErrors) Unwrap() error { return ErrInvalid }

// Problems describes every error of the list for a page in the reader's language.
func (es FieldErrors) Problems() []i18n.FieldProblem {
	out := make([]i18n.FieldProblem, len(es))
	for i, e := range es {
		out[i] = e.Problem()
	}
	return out
}

// Add records a problem with a field.
func (es *FieldErrors) Add(field, format string, args ...any) {
	*es = append(*es, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...), Format: format, Args: args})
}

// Err is nil when nothing was added.
func (es FieldErrors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
