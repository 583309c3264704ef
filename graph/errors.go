// Package graph is the kernel of Halo's domain: the one error vocabulary every layer speaks,
// paging and cursors, ids and field validation, principals and roles, the audit recorder, and
// how money and BV are written. Nothing in it is about one feature: each subdomain is a package
// below it (graph/identity, graph/genealogy, graph/platform, graph/sales, graph/payouts,
// graph/field, graph/dashboards) that owns its types, services and storage interfaces. No
// driver and no web framework is imported here or below; store, cache and api depend on the
// domain, never the other way round.
package graph

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error; the API maps each kind to one HTTP status in one place.
type Kind string

const (
	KindBadRequest   Kind = "bad_request"  // unparsable input
	KindInvalid      Kind = "invalid"      // parsable but breaks a rule
	KindNotFound     Kind = "not_found"    // absent, or not visible to the caller
	KindConflict     Kind = "conflict"     // clashes with the current state
	KindUnauthorized Kind = "unauthorized" // no or bad credentials
	KindForbidden    Kind = "forbidden"    // authenticated but not allowed
	KindRateLimited  Kind = "rate_limited" // too many attempts
	KindTooLarge     Kind = "too_large"    // a request body beyond its limit
	KindUnavailable  Kind = "unavailable"  // a backing service is down
	KindInternal     Kind = "internal"     // a bug; the message never leaks details
)

// Detail is one entry of an error's details (a field, a line of an import, an event).
type Detail struct {
	Field   string `json:"field,omitempty"`
	Line    int    `json:"line,omitempty"`
	ID      string `json:"id,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
}

// Error is Halo's error. Message is safe to show to the caller; Err (the cause, e.g. a driver
// error) is logged, never shown.
type Error struct {
	Kind    Kind
	Message string
	Details []Detail
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

func newErr(k Kind, format string, a ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, a...)}
}

// Constructors, one per kind.
func BadRequest(format string, a ...any) *Error   { return newErr(KindBadRequest, format, a...) }
func Invalid(format string, a ...any) *Error      { return newErr(KindInvalid, format, a...) }
func NotFound(format string, a ...any) *Error     { return newErr(KindNotFound, format, a...) }
func Conflict(format string, a ...any) *Error     { return newErr(KindConflict, format, a...) }
func Unauthorized(format string, a ...any) *Error { return newErr(KindUnauthorized, format, a...) }
func Forbidden(format string, a ...any) *Error    { return newErr(KindForbidden, format, a...) }
func RateLimited(format string, a ...any) *Error  { return newErr(KindRateLimited, format, a...) }
func TooLarge(format string, a ...any) *Error     { return newErr(KindTooLarge, format, a...) }

// Unavailable wraps the failure of a backing service; service names the part that is down.
func Unavailable(service string, cause error) *Error {
	return &Error{Kind: KindUnavailable, Message: service + " is unavailable", Err: cause}
}

// Internal wraps an unexpected failure.
func Internal(cause error) *Error {
	return &Error{Kind: KindInternal, Message: "internal error", Err: cause}
}

// InvalidField is a 422 naming the field and the rule it breaks.
func InvalidField(field, format string, a ...any) *Error {
	msg := fmt.Sprintf(format, a...)
	return &Error{Kind: KindInvalid, Message: field + ": " + msg, Details: []Detail{{Field: field, Message: msg}}}
}

// Wrap keeps cause for the log (and for errors.As), never for the caller.
func (e *Error) Wrap(cause error) *Error {
	e.Err = cause
	return e
}

// WithDetails adds details.
func (e *Error) WithDetails(d ...Detail) *Error {
	e.Details = append(e.Details, d...)
	return e
}

// KindOf returns the kind of any error (internal when it is not a *Error).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// AsError returns err as *Error, wrapping foreign errors as internal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

func InvalidDetails(details []Detail) *Error {
	msgs := make([]string, len(details))
	for i, d := range details {
		msgs[i] = d.Field + ": " + d.Message
	}
	return &Error{Kind: KindInvalid, Message: strings.Join(msgs, "; "), Details: details}
}
