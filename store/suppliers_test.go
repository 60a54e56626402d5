package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"signoff/procure"
	"signoff/store"
	"signoff/testkit"
)

// buyer is the demo's buyer (采购员), who keeps the supplier master data.
const buyer = "guo.hua"

func ymd(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func addr[T any](v T) *T { return &v }

func mustSupplier(t *testing.T, db *testkit.DB, n store.NewSupplier) procure.Supplier {
	t.Helper()
	p, err := db.Store.CreateSupplier(testCtx(t), buyer, n)
	if err != nil {
		t.Fatalf("create supplier %s: %v", n.ID, err)
	}
	return p
}

func getSupplier(t *testing.T, db *testkit.DB, id string) procure.Supplier {
	t.Helper()
	p, err := db.Store.Supplier(testCtx(t), id)
	if err != nil {
		t.Fatalf("supplier %s: %v", id, err)
	}
	return p
}

func auditActions(t *testing.T, db *testkit.DB, id string) []string {
	t.Helper()
	list, err := db.Store.SupplierAudit(testCtx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range list {
		out = append(out, e.Action)
	}
	return out
}

func supplierIDs(list []procure.Supplier) []string {
	out := []string{}
	for _, p := range list {
		out = append(out, p.ID)
	}
	return out
}

var (
	acme  = store.NewSupplier{ID: "SUP-ACME", Name: "Acme 电子", Kind: procure.KindManufacturer, Grade: "A", Strategic: true, Contact: "王 010-1"}
	mingd = store.NewSupplier{ID: "SUP-MINGDA", Name: "明达贸易", Kind: procure.KindDistributor, Grade: "C"}
)

// TestCreateAndListSuppliers: a new supplier is admitted at revision 1 with a "created" audit
// row; the list narrows by status, text and strategic; a taken ID or name is a DuplicateError.
func TestCreateAndListSuppliers(t *testing.T) {
	db := testkit.NewDB(t)
	before := time.Now().Add(-time.Minute)
	a := mustSupplier(t, db, acme)
	if a.Status != procure.SupplierAdmitted || a.Revision != 1 || a.Name != "Acme 电子" || !a.Strategic ||
		a.Contact != "王 010-1" || a.UpdatedAt.Before(before) || a.Certificates == nil || len(a.Certificates) != 0 {
		t.Errorf("created = %+v", a)
	}
	mustSupplier(t, db, mingd)
	if _, err := db.Store.SetSupplierStatus(testCtx(t), buyer, mingd.ID, 1, procure.SupplierSuspended, "质量问题"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		f    store.SupplierFilter
		want []string
	}{
		{"all", store.SupplierFilter{}, []string{"SUP-ACME", "SUP-MINGDA"}},
		{"admitted", store.SupplierFilter{Status: procure.SupplierAdmitted}, []string{"SUP-ACME"}},
		{"suspended", store.SupplierFilter{Status: procure.SupplierSuspended}, []string{"SUP-MINGDA"}},
		{"name part, any case", store.SupplierFilter{Query: "acME"}, []string{"SUP-ACME"}},
		{"chinese name part", store.SupplierFilter{Query: " 明达 "}, []string{"SUP-MINGDA"}},
		{"ID part in lower case", store.SupplierFilter{Query: "mingda"}, []string{"SUP-MINGDA"}},
		{"strategic", store.SupplierFilter{Strategic: addr(true)}, []string{"SUP-ACME"}},
		{"not strategic", store.SupplierFilter{Strategic: addr(false)}, []string{"SUP-MINGDA"}},
		{"nothing", store.SupplierFilter{Query: "%"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := db.Store.Suppliers(testCtx(t), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := supplierIDs(list); !slices.Equal(got, tt.want) {
				t.Errorf("suppliers = %v, want %v", got, tt.want)
			}
		})
	}

	dups := []struct {
		name  string
		n     store.NewSupplier
		field string
	}{
		{"same ID", store.NewSupplier{ID: "SUP-ACME", Name: "另一家", Kind: "distributor", Grade: "B"}, "id"},
		{"same name in another case", store.NewSupplier{ID: "SUP-ACME2", Name: "ACME 电子", Kind: "distributor", Grade: "B"}, "name"},
	}
	for _, tt := range dups {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Store.CreateSupplier(testCtx(t), buyer, tt.n)
			var dup *store.DuplicateError
			if !errors.As(err, &dup) || dup.Field != tt.field || !errors.Is(err, store.ErrConflict) {
				t.Fatalf("err = %v, want a duplicate %s (ErrConflict)", err, tt.field)
			}
		})
	}
	if n := count(t, db, `SELECT count(*) FROM suppliers`); n != 2 {
		t.Errorf("%d suppliers, want 2", n)
	}
	list, err := db.Store.SupplierAudit(testCtx(t), acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Action != store.SupplierCreated || list[0].ActorID != buyer ||
		list[0].Detail["name"] != "Acme 电子" || list[0].Detail["strategic"] != true {
		t.Errorf("audit of a new supplier = %+v", list)
	}
	if _, err := db.Store.Supplier(testCtx(t), "SUP-NONE"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown supplier: err = %v, want ErrNotFound", err)
	}
}

// TestUpdateSupplier: a change from the current revision moves it on and is audited field by
// field; one from an older revision is refused with *StaleRevisionError and writes nothing.
func TestUpdateSupplier(t *testing.T) {
	db := testkit.NewDB(t)
	mustSupplier(t, db, acme)
	mustSupplier(t, db, mingd)

	p, err := db.Store.UpdateSupplier(testCtx(t), buyer, acme.ID, 1, store.SupplierChanges{
		Name: addr("Acme 精密电子"), Grade: addr("B"), Strategic: addr(false), Kind: addr(acme.Kind)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Revision != 2 || p.Name != "Acme 精密电子" || p.Grade != "B" || p.Strategic || p.Kind != acme.Kind || p.Contact != acme.Contact {
		t.Errorf("updated = %+v", p)
	}
	list, err := db.Store.SupplierAudit(testCtx(t), acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Action != store.SupplierUpdated {
		t.Fatalf("audit = %+v, want the update first", list)
	}
	d := list[0].Detail
	if name, _ := d["name"].(map[string]any); name["from"] != "Acme 电子" || name["to"] != "Acme 精密电子" {
		t.Errorf("audited name change = %v", d["name"])
	}
	if s, _ := d["strategic"].(map[string]any); s["from"] != true || s["to"] != false {
		t.Errorf("audited strategic change = %v", d["strategic"])
	}
	if _, ok := d["kind"]; ok {
		t.Errorf("an unchanged field was audited: %v", d)
	}

	// The same change again from the old revision is stale.
	_, err = db.Store.UpdateSupplier(testCtx(t), buyer, acme.ID, 1, store.SupplierChanges{Contact: addr("x")})
	var stale *store.StaleRevisionError
	if !errors.As(err, &stale) || stale.Current != 2 || stale.Revision != 1 {
		t.Fatalf("err = %v, want *StaleRevisionError at 2", err)
	}
	if got := getSupplier(t, db, acme.ID); got.Contact != acme.Contact || got.Revision != 2 {
		t.Errorf("a stale change wrote: %+v", got)
	}
	// Nothing to change: nothing written.
	if p, err := db.Store.UpdateSupplier(testCtx(t), buyer, acme.ID, 2, store.SupplierChanges{Grade: addr("B")}); err != nil || p.Revision != 2 {
		t.Errorf("no-op change = rev %d, %v", p.Revision, err)
	}
	// Another supplier's name is taken.
	_, err = db.Store.UpdateSupplier(testCtx(t), buyer, acme.ID, 2, store.SupplierChanges{Name: addr("明达贸易")})
	var dup *store.DuplicateError
	if !errors.As(err, &dup) || dup.Field != "name" {
		t.Errorf("rename to a taken name: err = %v", err)
	}
	if _, err := db.Store.UpdateSupplier(testCtx(t), buyer, "SUP-NONE", 1, store.SupplierChanges{Grade: addr("A")}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown supplier: err = %v", err)
	}
	if got := auditActions(t, db, acme.ID); !slices.Equal(got, []string{"updated", "created"}) {
		t.Errorf("audit = %v, want only the one update", got)
	}
}

// TestSetSupplierStatus: a suspension needs a reason; suspending and admitting move the
// revision on, keep the reason and are audited.
func TestSetSupplierStatus(t *testing.T) {
	db := testkit.NewDB(t)
	mustSupplier(t, db, acme)
	if _, err := db.Store.SetSupplierStatus(testCtx(t), buyer, acme.ID, 1, procure.SupplierSuspended, "  "); !errors.Is(err, store.ErrReasonRequired) {
		t.Fatalf("suspend without a reason: err = %v", err)
	}
	p, err := db.Store.SetSupplierStatus(testCtx(t), buyer, acme.ID, 1, procure.SupplierSuspended, " 交货严重延误 ")
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != procure.SupplierSuspended || p.StatusReason != "交货严重延误" || p.Revision != 2 {
		t.Errorf("suspended = %+v", p)
	}
	var stale *store.StaleRevisionError
	if _, err := db.Store.SetSupplierStatus(testCtx(t), buyer, acme.ID, 1, procure.SupplierAdmitted, ""); !errors.As(err, &stale) {
		t.Errorf("admit from a stale revision: err = %v", err)
	}
	p, err = db.Store.SetSupplierStatus(testCtx(t), "zhao.qiang", acme.ID, 2, procure.SupplierAdmitted, "整改完成")
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != procure.SupplierAdmitted || p.StatusReason != "整改完成" || p.Revision != 3 {
		t.Errorf("admitted = %+v", p)
	}
	list, err := db.Store.SupplierAudit(testCtx(t), acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].Action != "admitted" || list[0].ActorID != "zhao.qiang" || list[1].Action != "suspended" ||
		list[1].Detail["reason"] != "交货严重延误" || list[1].Detail["from"] != "admitted" || list[1].Detail["to"] != "suspended" {
		t.Errorf("audit = %+v", list)
	}
}

// TestAddCertificate: a certificate takes the adder's own free upload and marks it linked;
// someone else's upload, one on a case or one another certificate took is refused with
// *AttachmentError and nothing is written. Certificates come newest valid_to first.
func TestAddCertificate(t *testing.T) {
	db := testkit.NewDB(t)
	mustSupplier(t, db, acme)
	scan := upload(t, db, buyer, "营业执照.pdf")
	c, err := db.Store.AddCertificate(testCtx(t), buyer, acme.ID, store.NewCertificate{Kind: "business_license",
		Number: "91110108MA01", ValidFrom: ymd("2024-01-01"), ValidTo: ymd("2028-12-31"), AttachmentID: scan.ID})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.AttachmentID != scan.ID {
		t.Errorf("certificate = %+v", c)
	}
	if n := count(t, db, `SELECT count(*) FROM attachments WHERE id = $1 AND linked_at IS NOT NULL AND case_id IS NULL`, scan.ID); n != 1 {
		t.Error("the scan is not marked linked")
	}
	if ok, err := db.Store.IsSharedAttachment(testCtx(t), scan.ID); err != nil || !ok {
		t.Errorf("IsSharedAttachment = %v, %v", ok, err)
	}
	if _, err := db.Store.AddCertificate(testCtx(t), buyer, acme.ID, store.NewCertificate{Kind: "quality_certificate",
		Number: "CQC-1", ValidFrom: ymd("2025-01-01"), ValidTo: ymd("2030-06-30")}); err != nil {
		t.Fatalf("a certificate without a scan: %v", err)
	}

	theirs := upload(t, db, "zhang.wei", "theirs.pdf")
	onCase := upload(t, db, buyer, "on-case.pdf")
	exec(t, db, `UPDATE attachments SET case_id = $2, linked_at = now() WHERE id = $1`, onCase.ID,
		mustCreate(t, db, salesClaim(db, 100)).ID)
	if ok, err := db.Store.IsSharedAttachment(testCtx(t), theirs.ID); err != nil || ok {
		t.Errorf("IsSharedAttachment of a plain upload = %v, %v", ok, err)
	}
	for name, id := range map[string]string{"someone else's": theirs.ID, "on a case": onCase.ID,
		"another certificate's": scan.ID, "unknown": "att_000000000000000000000000"} {
		t.Run(name, func(t *testing.T) {
			_, err := db.Store.AddCertificate(testCtx(t), buyer, acme.ID, store.NewCertificate{Kind: "production_license",
				Number: "XK-" + name, ValidFrom: ymd("2024-01-01"), ValidTo: ymd("2026-01-01"), AttachmentID: id})
			var ae *store.AttachmentError
			if !errors.As(err, &ae) || !slices.Equal(ae.IDs, []string{id}) {
				t.Fatalf("err = %v, want *AttachmentError naming %s", err, id)
			}
		})
	}
	if n := count(t, db, `SELECT count(*) FROM attachments WHERE id = $1 AND linked_at IS NULL`, theirs.ID); n != 1 {
		t.Error("someone else's upload was marked linked")
	}
	_, err = db.Store.AddCertificate(testCtx(t), buyer, acme.ID, store.NewCertificate{Kind: "business_license",
		Number: "91110108MA01", ValidFrom: ymd("2029-01-01"), ValidTo: ymd("2033-12-31")})
	var dup *store.DuplicateError
	if !errors.As(err, &dup) || dup.Field != "number" {
		t.Errorf("the same number again: err = %v", err)
	}
	if _, err := db.Store.AddCertificate(testCtx(t), buyer, "SUP-NONE", store.NewCertificate{Kind: "business_license",
		Number: "1", ValidFrom: ymd("2024-01-01"), ValidTo: ymd("2025-01-01")}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown supplier: err = %v", err)
	}

	p := getSupplier(t, db, acme.ID)
	var got []string
	for _, c := range p.Certificates {
		got = append(got, c.Number+" "+c.ValidTo.Format(time.DateOnly))
	}
	if want := []string{"CQC-1 2030-06-30", "91110108MA01 2028-12-31"}; !slices.Equal(got, want) {
		t.Errorf("certificates = %v, want %v", got, want)
	}
	if c := p.Certificates[1]; !c.ValidFrom.Equal(ymd("2024-01-01")) || c.Kind != "business_license" || c.AttachmentID != scan.ID {
		t.Errorf("certificate read back = %+v", c)
	}
	if p.Revision != 1 {
		t.Errorf("revision %d: a certificate does not change the supplier's fields", p.Revision)
	}
	if got := auditActions(t, db, acme.ID); !slices.Equal(got, []string{"certificate_added", "certificate_added", "created"}) {
		t.Errorf("audit = %v", got)
	}
}

// TestImportSupplier: a supplier taken over from an earlier register keeps its status and
// certificates at revision 1 with one "created" audit row; one whose ID or name is taken is
// left alone; a suspension without a reason, or a scan, is refused with nothing written.
func TestImportSupplier(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	in := store.ImportedSupplier{
		NewSupplier: store.NewSupplier{ID: "SUP-OLD", Name: "旧册供应商", Kind: procure.KindDistributor, Grade: "C", Contact: "王五"},
		Status:      procure.SupplierSuspended, StatusReason: " 抽检不合格 ",
		Certificates: []store.NewCertificate{{Kind: "business_license", Number: "9111-OLD", ValidFrom: ymd("2024-01-01"), ValidTo: ymd("2028-12-31")}},
	}
	if created, err := db.Store.ImportSupplier(ctx, "system", in); err != nil || !created {
		t.Fatalf("import = %v, %v", created, err)
	}
	p := getSupplier(t, db, "SUP-OLD")
	if p.Status != procure.SupplierSuspended || p.StatusReason != "抽检不合格" || p.Revision != 1 || p.Grade != "C" ||
		len(p.Certificates) != 1 || p.Certificates[0].Number != "9111-OLD" {
		t.Errorf("imported = %+v", p)
	}
	if got := auditActions(t, db, "SUP-OLD"); !slices.Equal(got, []string{"created"}) {
		t.Errorf("audit = %v", got)
	}

	again := in
	again.Grade = "A"
	again.Certificates = append(slices.Clone(in.Certificates), store.NewCertificate{Kind: "quality_certificate", Number: "Q-1",
		ValidFrom: ymd("2024-01-01"), ValidTo: ymd("2028-12-31")})
	sameName := again
	sameName.ID = "SUP-OTHER"
	for _, n := range []store.ImportedSupplier{again, sameName} {
		if created, err := db.Store.ImportSupplier(ctx, "system", n); err != nil || created {
			t.Errorf("import of a known supplier %s = %v, %v; want nothing done", n.ID, created, err)
		}
	}
	if p := getSupplier(t, db, "SUP-OLD"); p.Grade != "C" || len(p.Certificates) != 1 {
		t.Errorf("a second import changed the supplier: %+v", p)
	}

	noReason := in
	noReason.ID, noReason.Name, noReason.StatusReason = "SUP-X", "无理由", "  "
	if _, err := db.Store.ImportSupplier(ctx, "system", noReason); !errors.Is(err, store.ErrReasonRequired) {
		t.Errorf("suspended without a reason: err = %v", err)
	}
	scan := in
	scan.ID, scan.Name, scan.Status = "SUP-Y", "带扫描件", procure.SupplierAdmitted
	scan.Certificates = []store.NewCertificate{{Kind: "business_license", Number: "9111-Y", ValidFrom: ymd("2024-01-01"),
		ValidTo: ymd("2028-12-31"), AttachmentID: "att-1"}}
	if _, err := db.Store.ImportSupplier(ctx, "system", scan); err == nil {
		t.Error("a certificate scan was imported")
	}
	if n := count(t, db, `SELECT count(*) FROM suppliers WHERE id IN ('SUP-X', 'SUP-Y', 'SUP-OTHER')`); n != 0 {
		t.Errorf("%d refused or known suppliers written", n)
	}
}
