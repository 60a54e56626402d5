package service

import (
	"errors"
	"fmt"
	"testing"

	"signoff/store"
)

// TestSupplierChecks: the form of the supplier operations.
func TestSupplierChecks(t *testing.T) {
	if _, bad := checkNewSupplier(SupplierInput{ID: "sup x", Name: " ", Kind: "middleman", Grade: "E"}); bad["id"].Key != "supplier_id" ||
		bad["name"].Key != "required" || bad["kind"].Key != "one_of" || bad["grade"].Key != "one_of" {
		t.Errorf("a bad supplier: %v", bad)
	}
	if n, bad := checkNewSupplier(SupplierInput{ID: "SUP-X", Name: " 新 ", Kind: "distributor", Grade: "B"}); len(bad) > 0 || n.Name != "新" {
		t.Errorf("a good supplier: %+v %v", n, bad)
	}
	if _, bad := checkSupplierPatch(SupplierPatch{}); bad["revision"].Key != "required" || bad["body"].Key != "no_changes" {
		t.Errorf("an empty change: %v", bad)
	}
	rev := 2
	if _, bad := checkSupplierStatus(SupplierStatusInput{Status: "suspended", Reason: " ", Revision: &rev}); bad["reason"].Key != "suspend_reason" {
		t.Errorf("a suspension without a reason: %v", bad)
	}
	if _, bad := checkSupplierStatus(SupplierStatusInput{Status: "admitted", Revision: &rev}); len(bad) > 0 {
		t.Errorf("an admission without a reason: %v", bad)
	}
	bad := FieldErrors{}
	checkCertificate(CertificateInput{Kind: "business_license", Number: "N", ValidFrom: "2026-02-01", ValidTo: "2026-01-31"}, bad)
	if len(bad) != 1 || bad["valid_to"].Key != "valid_to_before_from" {
		t.Errorf("a certificate ending before it starts: %v", bad)
	}
}

// TestSupplierRefusals: the store's refusals become the conflicts and field problems both doors
// show.
func TestSupplierRefusals(t *testing.T) {
	var e *Error
	stale := fmt.Errorf("update supplier: %w", supplierRefusal(fmt.Errorf("x: %w", &store.StaleRevisionError{SupplierID: "S", Revision: 1, Current: 3})))
	if !errors.As(stale, &e) || e.Kind != KindConflict || e.Code != "stale_revision" || e.Details["revision"] != 3 {
		t.Errorf("stale = %+v", e)
	}
	var st *StaleSupplierError
	if !errors.As(stale, &st) || st.Current != 3 {
		t.Errorf("the page cannot tell a stale change: %v", stale)
	}
	dup := supplierRefusal(&store.DuplicateError{Field: "name"})
	if !errors.As(dup, &e) || e.Code != "duplicate" || e.Details["field"] != "name" {
		t.Errorf("duplicate = %+v", e)
	}
	if f := FieldsOf(supplierRefusal(store.ErrReasonRequired)); f["reason"].Key != "suspend_reason" {
		t.Errorf("reason required = %v", f)
	}
	other := errors.New("boom")
	if supplierRefusal(other) != other {
		t.Error("an unknown error is not passed on as it is")
	}
}
