package demo

import (
	"context"
	"fmt"
	"time"

	"signoff/procure"
	"signoff/store"
)

// system is the actor of the demo's supplier audit rows: nobody typed them in.
const system = "system"

// SeedProcurement writes the demo's procurement master data: suppliers with their
// certificates (one suspended, one whose licence has run out), materials in the demo policy's
// equipment and office categories, the 2026 plans of engineering and warehouse, and some
// stock. A supplier, material or plan already there, and stock already recorded, are left as
// they are.
func SeedProcurement(ctx context.Context, s *store.Store) error {
	for _, sup := range suppliers {
		if _, err := s.ImportSupplier(ctx, system, sup); err != nil {
			return fmt.Errorf("seed procurement demo: %w", err)
		}
	}
	have, err := s.Materials(ctx)
	if err != nil {
		return fmt.Errorf("seed procurement demo: %w", err)
	}
	known := map[string]bool{}
	for _, m := range have {
		known[m.ID] = true
	}
	for _, m := range materials {
		if known[m.ID] {
			continue
		}
		if err := s.UpsertMaterial(ctx, m); err != nil {
			return fmt.Errorf("seed procurement demo: %w", err)
		}
	}
	plansHad, err := s.Plans(ctx, "")
	if err != nil {
		return fmt.Errorf("seed procurement demo: %w", err)
	}
	known = map[string]bool{}
	for _, p := range plansHad {
		known[p.ID] = true
	}
	for _, p := range plans {
		if known[p.ID] {
			continue
		}
		if err := s.UpsertPlan(ctx, p); err != nil {
			return fmt.Errorf("seed procurement demo: %w", err)
		}
	}
	for _, st := range stock {
		if _, err := s.OpenStock(ctx, st.material, st.onHand); err != nil {
			return fmt.Errorf("seed procurement demo: %w", err)
		}
	}
	return nil
}

// day is a certificate's day, midnight UTC as the store keeps days.
func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func supplier(id, name, kind, grade string, strategic bool, contact string, certs ...store.NewCertificate) store.ImportedSupplier {
	return store.ImportedSupplier{
		NewSupplier: store.NewSupplier{ID: id, Name: name, Kind: kind, Grade: grade, Strategic: strategic, Contact: contact},
		Status:      procure.SupplierAdmitted, Certificates: certs,
	}
}

func certificate(kind, number, from, to string) store.NewCertificate {
	return store.NewCertificate{Kind: kind, Number: number, ValidFrom: day(from), ValidTo: day(to)}
}

func suspended(s store.ImportedSupplier, reason string) store.ImportedSupplier {
	s.Status, s.StatusReason = procure.SupplierSuspended, reason
	return s
}

var suppliers = []store.ImportedSupplier{
	supplier("SUP-HUAXIN", "华信电子", procure.KindManufacturer, "A", true, "王立新 010-6234 5678",
		certificate("business_license", "91110108MA01HX0001", "2024-01-01", "2028-12-31"),
		certificate("production_license", "XK06-014-00123", "2024-03-01", "2029-02-28"),
		certificate("quality_certificate", "CQC-2025-004561", "2025-06-01", "2027-05-31")),
	supplier("SUP-DEYI", "得一办公", procure.KindDistributor, "B", false, "刘芳 021-5566 7788",
		certificate("business_license", "91310115MA1DY00002", "2024-01-01", "2028-12-31")),
	supplier("SUP-JINGGONG", "精工机电", procure.KindManufacturer, "B", false, "赵工 0512-6688 1234",
		certificate("business_license", "91320505MA1JG00003", "2024-01-01", "2028-12-31"),
		certificate("production_license", "XK06-015-00789", "2023-07-01", "2027-06-30")),
	suspended(supplier("SUP-YUANDA", "远大贸易", procure.KindDistributor, "C", false, "陈远 020-8765 4321",
		certificate("business_license", "91440101MA5YD00004", "2024-01-01", "2028-12-31")),
		"2026年抽检硒鼓不合格，暂停合作"),
	// Its business licence ran out on 2026-10-31: a request to buy from it after that is refused.
	supplier("SUP-CHENGXIN", "诚信商贸", procure.KindDistributor, "B", false, "孙诚 010-8899 0011",
		certificate("business_license", "91110105MA0CX00005", "2021-11-01", "2026-10-31")),
}

var materials = []procure.Material{
	{ID: "MAT-LAPTOP", Name: "笔记本电脑", Spec: "14英寸 i7/32G/1T", Unit: "台", Category: "equipment"},
	{ID: "MAT-SERVO", Name: "伺服电机", Spec: "400W 220V 带编码器", Unit: "台", Category: "equipment", Strategic: true, Key: true},
	{ID: "MAT-MONITOR", Name: "显示器", Spec: "27英寸 4K IPS", Unit: "台", Category: "equipment"},
	{ID: "MAT-PAPER", Name: "A4复印纸", Spec: "70g 500张/包", Unit: "包", Category: "office"},
	{ID: "MAT-TONER", Name: "打印机硒鼓", Spec: "HP 88A 原装", Unit: "个", Category: "office", ExpiryTracked: true},
}

func planned(material string, quantity int64) procure.PlanLine {
	return procure.PlanLine{MaterialID: material, Planned: quantity}
}

var plans = []store.Plan{
	{ID: "PLAN-2026-ENG", Name: "研发部2026年度采购计划", DepartmentID: "engineering", Year: 2026, Lines: []procure.PlanLine{
		planned("MAT-LAPTOP", 20), planned("MAT-SERVO", 10), planned("MAT-MONITOR", 30), planned("MAT-PAPER", 200), planned("MAT-TONER", 40)}},
	{ID: "PLAN-2026-WH", Name: "采购仓储部2026年度采购计划", DepartmentID: "warehouse", Year: 2026, Lines: []procure.PlanLine{
		planned("MAT-LAPTOP", 5), planned("MAT-PAPER", 500), planned("MAT-TONER", 60)}},
}

var stock = []struct {
	material string
	onHand   int64
}{{"MAT-LAPTOP", 2}, {"MAT-PAPER", 50}, {"MAT-TONER", 5}}
