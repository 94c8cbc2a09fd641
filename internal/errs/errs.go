// Package errs holds the kinds of failure the domain reports. Packages wrap one of these with
// %w and a message for people; the web layer maps each kind to an HTTP status in one table.
package errs

import (
	"errors"
	"fmt"
	"strings"
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
	return fmt.Errorf("%w: %w", &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}, ErrTooLarge)
}

// Invalid wraps ErrInvalid with a message for people, naming the field when there is one.
func Invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// FieldError is an invalid input tied to one field of a request.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

func (e *FieldError) Unwrap() error { return ErrInvalid }

// NotFound says which thing was not found.
func NotFound(what string) error { return fmt.Errorf("%s: %w", what, ErrNotFound) }

// Conflict says what is in the way.
func Conflict(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrConflict)
}

// Forbidden says what may not be done.
func Forbidden(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrForbidden)
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

// Add records a problem with a field.
func (es *FieldErrors) Add(field, format string, args ...any) {
	*es = append(*es, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Err is nil when nothing was added.
func (es FieldErrors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
