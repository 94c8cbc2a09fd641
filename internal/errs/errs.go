// Package errs holds the kinds of failure the domain reports. Packages wrap one of these with
// %w and a message for people; the web layer maps each kind to an HTTP status in one table.
package errs

import (
	"errors"
	"fmt"
)

var (
	ErrInvalid      = errors.New("invalid input")
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrUnauthorized = errors.New("not authenticated")
	ErrForbidden    = errors.New("forbidden")
	ErrRateLimited  = errors.New("too many attempts")
)

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
