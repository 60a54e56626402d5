package service

import (
	"strings"
	"testing"

	"signoff/chain"
)

// TestCheckResolution: a return is settled one of the known ways, its comment kept with it.
func TestCheckResolution(t *testing.T) {
	if text, bad := checkResolution(ReturnResolution{Resolution: " exchanged ", Comment: " 供应商换货 "}); len(bad) > 0 || text != "exchanged: 供应商换货" {
		t.Errorf("exchanged = %q %v", text, bad)
	}
	if text, bad := checkResolution(ReturnResolution{Resolution: "credited"}); len(bad) > 0 || text != "credited" {
		t.Errorf("credited = %q %v", text, bad)
	}
	_, bad := checkResolution(ReturnResolution{Resolution: "lost", Comment: strings.Repeat("x", chain.MaxCommentLen+1)})
	if bad["resolution"].Key != "one_of" || bad["comment"].Key != "too_long" {
		t.Errorf("problems = %v, want both at once", bad)
	}
}
