package pole

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestErrorKeepsCodeFieldAndTrace(t *testing.T) {
	err := E("store.CreateCase", Invalid("outcome_type", "unknown Home Office outcome type %d", 23))
	if got := ErrorCode(err); got != EINVALID {
		t.Fatalf("code: got %q, want %q", got, EINVALID)
	}
	if got := ErrorField(err); got != "outcome_type" {
		t.Fatalf("field: got %q, want outcome_type", got)
	}
	if got, want := err.Error(), "store.CreateCase: outcome_type: unknown Home Office outcome type 23"; got != want {
		t.Fatalf("message: got %q, want %q", got, want)
	}
	wrapped := E("ingest", err)
	if got, want := wrapped.Error(), "ingest: store.CreateCase: outcome_type: unknown Home Office outcome type 23"; got != want {
		t.Fatalf("nested: got %q, want %q", got, want)
	}
}

func TestInternalErrorsAreNotShownToUsers(t *testing.T) {
	err := E("store.FindCases", fmt.Errorf("pq: relation cases does not exist"))
	if ErrorCode(err) != EINTERNAL {
		t.Fatalf("code: got %q, want internal", ErrorCode(err))
	}
	if got := ErrorMessage(err); got != "internal error" {
		t.Fatalf("user message: got %q, want internal error", got)
	}
	if E("op", nil) != nil {
		t.Fatal("E of nil must be nil")
	}
}

func TestErrorCodesMapToExitCodesAndHTTPStatuses(t *testing.T) {
	for _, tc := range []struct {
		err    error
		exit   int
		status int
	}{
		{nil, 0, http.StatusOK},
		{Errorf(EINVALID, "x"), 65, http.StatusUnprocessableEntity},
		{Errorf(ENOTFOUND, "x"), 66, http.StatusNotFound},
		{Errorf(ECONFLICT, "x"), 75, http.StatusConflict},
		{Errorf(EUNAUTHORIZED, "x"), 77, http.StatusUnauthorized},
		{Errorf(EFORBIDDEN, "x"), 77, http.StatusForbidden},
		{Errorf(EINTERNAL, "x"), 1, http.StatusInternalServerError},
		{errors.New("plain"), 1, http.StatusInternalServerError},
	} {
		if got := ExitCode(tc.err); got != tc.exit {
			t.Errorf("ExitCode(%v): got %d, want %d", tc.err, got, tc.exit)
		}
		if got := HTTPStatus(tc.err); got != tc.status {
			t.Errorf("HTTPStatus(%v): got %d, want %d", tc.err, got, tc.status)
		}
	}
}
