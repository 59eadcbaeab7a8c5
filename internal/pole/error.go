package pole

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes: stable, machine-readable kinds of failure. Callers branch on the
// code, never on the message.
const (
	ENOTFOUND     = "not_found"
	EINVALID      = "invalid"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorised"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
)

// Error is caselink's one error type. Op says what was being done, Field which
// input was at fault (for EINVALID), Message what a person can act on, and Err
// the cause, so that a log line reads as a trace.
type Error struct {
	Code    string
	Op      string
	Field   string
	Message string
	Err     error
}

func (e *Error) Error() string {
	s := ""
	if e.Op != "" {
		s = e.Op + ": "
	}
	if e.Field != "" {
		s += e.Field + ": "
	}
	switch {
	case e.Message != "" && e.Err != nil:
		s += e.Message + ": " + e.Err.Error()
	case e.Message != "":
		s += e.Message
	case e.Err != nil:
		s += e.Err.Error()
	default:
		s += e.Code
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports bad input in the named field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// E wraps err with the operation that failed. An *Error keeps its code and
// gains the operation as a prefix; anything else becomes EINTERNAL.
func E(op string, err error) error {
	if err == nil {
		return nil
	}
	var pe *Error
	if errors.As(err, &pe) {
		cp := *pe
		if cp.Op == "" {
			cp.Op = op
		} else {
			cp.Op = op + ": " + cp.Op
		}
		return &cp
	}
	return &Error{Code: EINTERNAL, Op: op, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return EINTERNAL
}

// ErrorField returns the field named by the first *Error in err's chain.
func ErrorField(err error) string {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Field
	}
	return ""
}

// ErrorMessage is what may be shown to a user: the message of a known error,
// and nothing of an internal one, which is logged instead.
func ErrorMessage(err error) string {
	var pe *Error
	if errors.As(err, &pe) && pe.Code != EINTERNAL {
		if pe.Field != "" {
			return pe.Field + ": " + pe.Message
		}
		return pe.Message
	}
	return "internal error"
}

// ExitCode is the one place error codes become process exit statuses.
// 1 stays the generic failure; the others follow sysexits(3) where one fits.
func ExitCode(err error) int {
	switch ErrorCode(err) {
	case "":
		return 0
	case EINVALID:
		return 65 // EX_DATAERR
	case ENOTFOUND:
		return 66 // EX_NOINPUT
	case ECONFLICT:
		return 75 // EX_TEMPFAIL: retry after re-reading
	case EUNAUTHORIZED, EFORBIDDEN:
		return 77 // EX_NOPERM
	default:
		return 1
	}
}

// HTTPStatus is the one place error codes become HTTP statuses.
func HTTPStatus(err error) int {
	switch ErrorCode(err) {
	case "":
		return http.StatusOK
	case EINVALID:
		return http.StatusUnprocessableEntity
	case ENOTFOUND:
		return http.StatusNotFound
	case ECONFLICT:
		return http.StatusConflict
	case EUNAUTHORIZED:
		return http.StatusUnauthorized
	case EFORBIDDEN:
		return http.StatusForbidden
	default:
		return http.StatusInternalServerError
	}
}
