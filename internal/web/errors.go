package web

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/caselink/caselink/internal/access"
	"github.com/caselink/caselink/internal/pole"
)

// requestError is a request the API could not read, answered before
// anything reaches the review desk: a body that is not JSON, too large, of
// the wrong type or with a field the route does not take; a query
// parameter that does not parse; a route or method that does not exist.
type requestError struct {
	status int
	code   string
	field  string
	msg    string
}

func (e *requestError) Error() string {
	if e.field != "" {
		return e.field + ": " + e.msg
	}
	return e.msg
}

// badRequest is a 400 naming the field at fault ("" when none can be
// named).
func badRequest(field, format string, args ...any) error {
	return &requestError{status: http.StatusBadRequest, code: "bad_request", field: field, msg: fmt.Sprintf(format, args...)}
}

// errorBody is every error's answer. HeldBy is set on a refusal because
// another force holds the record: which force, and whom there to contact.
type errorBody struct {
	Error  errorJSON `json:"error"`
	HeldBy *heldJSON `json:"held_by,omitempty"`
}

type errorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// writeError is the one place an error becomes an HTTP answer: a request
// error as it says, anything else by pole.HTTPStatus. An internal error
// (and any error caselink does not know) is logged with its detail and a
// reference, and the client is given only the reference.
func (a *api) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var te *throttledError
	if errors.As(err, &te) {
		writeThrottled(w, te, a.now())
		return
	}
	var re *requestError
	if errors.As(err, &re) {
		writeJSON(w, re.status, errorBody{Error: errorJSON{Code: re.code, Message: re.msg, Field: re.field}})
		return
	}
	status := pole.HTTPStatus(err)
	if status >= http.StatusInternalServerError {
		ref := a.logInternal(r, err)
		writeJSON(w, http.StatusInternalServerError, errorBody{Error: errorJSON{Code: pole.EINTERNAL,
			Message: "internal error; the server's log has the detail under reference " + ref}})
		return
	}
	body := errorBody{Error: errorJSON{Code: pole.ErrorCode(err), Message: messageOf(err), Field: pole.ErrorField(err)}}
	if body.Error.Message == "" {
		body.Error.Message = http.StatusText(status)
	}
	var held *access.HeldError
	if errors.As(err, &held) {
		body.HeldBy = toHeld(held.Held)
	}
	if status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="caselink"`)
	}
	writeJSON(w, status, body)
}

// logInternal logs an internal error with its detail under a new
// reference, which is all the client is shown.
func (a *api) logInternal(r *http.Request, err error) string {
	ref := rand.Text()[:12]
	level, msg := slog.LevelError, "internal error"
	if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
		level, msg = slog.LevelInfo, "the client went away before the answer"
	}
	a.log.LogAttrs(r.Context(), level, msg, slog.String("reference", ref), slog.String("method", r.Method),
		slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	return ref
}

// writeJSON answers v with status. v is encoded before anything is sent,
// so that a value that cannot be encoded is still answered (500) rather
// than cut short.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error: the answer could not be encoded"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// messageOf is the message of the first *pole.Error in err's chain,
// without its operation or field: what a person can act on.
func messageOf(err error) string {
	var pe *pole.Error
	if errors.As(err, &pe) {
		return pe.Message
	}
	return ""
}
