package ledger

import (
	"slices"
	"testing"
)

func purchaseSample() Content {
	c := sample()
	c.Kind, c.Lines = "procurement", nil
	c.Purchase = &Purchase{SupplierID: "s1", PlanID: "p1", DeliveryDate: "2026-05-01", ContractNo: "HT-1",
		ContractTerms: `{"pay":"30d"}`, ContractAttachmentID: "a",
		Items: []Item{{No: 2, MaterialID: "m2", Quantity: 3, Unit: "台", UnitPrice: 100}, {No: 1, MaterialID: "m1", Spec: "x\ny", Quantity: 1, Unit: "个", UnitPrice: 5, Manufacturer: "甲"}}}
	return c
}

// TestParseContentReadsBackWhatWasWritten: the kept bytes of an attested content give the
// content again, with the same digest.
func TestParseContentReadsBackWhatWasWritten(t *testing.T) {
	for _, c := range []Content{sample(), purchaseSample(), {}} {
		got, err := ParseContent(c.Canonical())
		if err != nil {
			t.Fatalf("parse %s: %v", c.CaseID, err)
		}
		if got.Digest() != c.Digest() {
			t.Errorf("digest after reading back %s differs", c.CaseID)
		}
		if c.Purchase != nil && (got.Purchase == nil || len(got.Purchase.Items) != 2 || got.Purchase.Items[0].Spec != "x\ny") {
			t.Errorf("purchase read back as %+v", got.Purchase)
		}
	}
}

// TestParseContentRefusesWhatIsNotCanonical: every one-byte change, a truncation, a trailing
// byte and lines out of order are refused, never read as some other content.
func TestParseContentRefusesWhatIsNotCanonical(t *testing.T) {
	b := sample().Canonical()
	for i := range b {
		changed := slices.Clone(b)
		changed[i] ^= 0x01
		if c, err := ParseContent(changed); err == nil && c.Digest() == sample().Digest() {
			t.Fatalf("byte %d changed, yet read as the same content", i)
		}
	}
	for _, bad := range [][]byte{b[:len(b)-1], append(slices.Clone(b), '\n'), []byte("signoff-content/2\n"), nil} {
		if _, err := ParseContent(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	// Lines written out of order are the canonical form of no content.
	out := []byte("signoff-content/1\ncase 0:\nkind 0:\ntitle 0:\npurpose 0:\ncategory 0:\ndepartment 0:\nbudget_line 0:\n" +
		"amount 1:0\ncurrency 0:\nlines 1:2\n" +
		"line.no 1:2\nline.spent_on 0:\nline.description 0:\nline.amount 1:0\nline.invoice_no 0:\n" +
		"line.no 1:1\nline.spent_on 0:\nline.description 0:\nline.amount 1:0\nline.invoice_no 0:\n" +
		"attachments 1:0\npurchase 1:0\n")
	if _, err := ParseContent(out); err == nil {
		t.Error("accepted lines out of order")
	}
}

// TestChangedGroups names exactly the groups an edit touches.
func TestChangedGroups(t *testing.T) {
	a := sample()
	if got := ChangedGroups(a, sample()); len(got) != 0 {
		t.Errorf("no change, yet %v", got)
	}
	b := sample()
	b.Purpose = "另一个目的"
	if got := ChangedGroups(a, b); !slices.Equal(got, []Group{GroupFacts}) {
		t.Errorf("purpose changed: %v", got)
	}
	b = sample()
	b.Amount, b.Lines[0].Amount = 1100, 500
	if got := ChangedGroups(a, b); !slices.Equal(got, []Group{GroupAmount, GroupLines}) {
		t.Errorf("amount and a line changed: %v", got)
	}
	b = sample()
	b.Attachments[0].SHA256 = b.Attachments[1].SHA256
	if got := ChangedGroups(a, b); !slices.Equal(got, []Group{GroupAttachments}) {
		t.Errorf("an attachment swapped: %v", got)
	}
	p, q := purchaseSample(), purchaseSample()
	q.Purchase.Items[1].UnitPrice++
	if got := ChangedGroups(p, q); !slices.Equal(got, []Group{GroupPurchase}) {
		t.Errorf("a unit price changed: %v", got)
	}
}

// FuzzParseContent: whatever the bytes, reading them never panics, and what is read writes
// back to exactly those bytes.
func FuzzParseContent(f *testing.F) {
	f.Add(sample().Canonical())
	f.Add(purchaseSample().Canonical())
	f.Add([]byte("signoff-content/1\ncase 3:abc\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseContent(b)
		if err != nil {
			return
		}
		if got := c.Canonical(); string(got) != string(b) {
			t.Fatalf("read %q, writes back %q", b, got)
		}
	})
}
