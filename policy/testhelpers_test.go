package policy

import (
	"errors"
	"strings"
	"testing"
)

// assertProblem fails unless err is a *ValidationError with a problem containing want.
func assertProblem(t *testing.T, err error, want string) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v, want a *ValidationError mentioning %q", err, want)
	}
	for _, p := range ve.Problems {
		if strings.Contains(p, want) {
			return
		}
	}
	t.Errorf("no problem mentions %q; problems:\n  %s", want, strings.Join(ve.Problems, "\n  "))
}
