package service

import (
	"testing"
	"time"

	"signoff/policy"
	"signoff/text"
)

// TestTextRuleAtEveryField: the service's checks of typed text refuse what the text rule
// refuses, at the field, before any other problem with it.
func TestTextRuleAtEveryField(t *testing.T) {
	for _, bad := range []string{"a\x00b", "a\x1b", "\xff", "\xed\xa0\x80"} {
		want := text.Check(bad)
		fe := FieldErrors{}
		checkText(fe, "title", bad, 200, true)
		if fe["title"].Key != want {
			t.Errorf("checkText(%q) = %v, want %s", bad, fe, want)
		}
		if _, problems := validateLine(LineInput{Description: bad, InvoiceNo: bad, Amount: TypedAmount("1.00")}, 1, policy.Expense{}, time.Now()); problems["description"].Key != want || problems["invoice_no"].Key != want {
			t.Errorf("validateLine with %q: %v", bad, problems)
		}
		if _, fe := checkResolution(ReturnResolution{Resolution: ReturnResolutions[0], Comment: bad}); fe["comment"].Key != want {
			t.Errorf("checkResolution with %q: %v", bad, fe)
		}
		if _, fe := checkInvoice(InvoiceInput{InvoiceNo: bad}, "zhang.wei"); fe["invoice_no"].Key != want {
			t.Errorf("checkInvoice with %q: %v", bad, fe)
		}
	}
	fe := FieldErrors{}
	checkText(fe, "minutes", "第一行\r\n\t第二行", 200, true)
	if len(fe) != 0 {
		t.Errorf("tabs and line breaks refused: %v", fe)
	}
}
