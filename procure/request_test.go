package procure

import (
	"reflect"
	"testing"
	"time"

	"signoff/policy"
)

// day parses "2006-01-02" into midnight UTC.
func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// requestRules is the policy of the request tests: a business licence is required and the
// plan is checked without stock.
func requestRules() policy.Procurement {
	return policy.Procurement{PlanCheck: policy.PlanCheckPlan, RequiredCertificates: []string{"business_license"}}
}

// requestFacts is a request that passes every check: 10 of M1, of which the plan has
// 100 − 30 = 70 left (50 less the stock of 20).
func requestFacts() RequestFacts {
	return RequestFacts{
		Day: day("2026-03-10"),
		Supplier: Supplier{
			ID: "S1", Name: "Acme", Kind: KindManufacturer, Status: SupplierAdmitted,
			Certificates: []Certificate{
				{Kind: "business_license", Number: "BL-1", ValidFrom: day("2025-01-01"), ValidTo: day("2026-12-31")},
			},
		},
		Category: "medical",
		PlanID:   "P-2026",
		Plan: map[string]PlanLine{
			"M1": {PlanID: "P-2026", MaterialID: "M1", Planned: 100, Committed: 30, Stock: 20},
			"M2": {PlanID: "P-2026", MaterialID: "M2", Planned: 100},
			"M3": {PlanID: "P-2026", MaterialID: "M3", Planned: 100},
		},
		Materials: map[string]Material{
			"M1": {ID: "M1", Name: "Syringe", Category: "medical"},
			"M2": {ID: "M2", Name: "Stent", Category: "medical", Strategic: true},
			"M3": {ID: "M3", Name: "Catheter", Category: "medical", Key: true},
			"M4": {ID: "M4", Name: "Paper", Category: "office"},
			"M5": {ID: "M5", Name: "Gauze", Category: "medical"},
		},
		Items: []Item{{MaterialID: "M1", Quantity: 10, UnitPrice: 250}},
	}
}

func TestCheckRequest(t *testing.T) {
	tests := []struct {
		name string
		edit func(*policy.Procurement, *RequestFacts)
		want []Problem
	}{
		{"passes", func(*policy.Procurement, *RequestFacts) {}, nil},
		{"suspended supplier", func(_ *policy.Procurement, f *RequestFacts) {
			f.Supplier.Status, f.Supplier.StatusReason = SupplierSuspended, "late deliveries"
		}, []Problem{{"supplier_id", "supplier_suspended", []any{"Acme", "late deliveries"}}}},

		// Certificates.
		{"certificate valid to the day", func(_ *policy.Procurement, f *RequestFacts) {
			f.Supplier.Certificates[0].ValidTo = day("2026-03-10")
		}, nil},
		{"certificate valid from the day", func(_ *policy.Procurement, f *RequestFacts) {
			f.Supplier.Certificates[0].ValidFrom = day("2026-03-10")
		}, nil},
		{"certificate expired the day before", func(_ *policy.Procurement, f *RequestFacts) {
			f.Supplier.Certificates[0].ValidTo = day("2026-03-09")
		}, []Problem{{"supplier_id", "certificate_expired", []any{"business_license", "BL-1", "2026-03-09"}}}},
		{"expired names the latest-ending", func(_ *policy.Procurement, f *RequestFacts) {
			f.Supplier.Certificates = []Certificate{
				{Kind: "business_license", Number: "BL-0", ValidFrom: day("2020-01-01"), ValidTo: day("2024-12-31")},
				{Kind: "business_license", Number: "BL-1", ValidFrom: day("2025-01-01"), ValidTo: day("2026-03-01")},
				{Kind: "business_license", Number: "BL-9", ValidFrom: day("2019-01-01"), ValidTo: day("2019-12-31")},
			}
		}, []Problem{{"supplier_id", "certificate_expired", []any{"business_license", "BL-1", "2026-03-01"}}}},
		{"certificate not yet valid", func(_ *policy.Procurement, f *RequestFacts) {
			f.Supplier.Certificates[0].ValidFrom = day("2026-03-11")
		}, []Problem{{"supplier_id", "certificate_not_yet_valid", []any{"business_license", "BL-1", "2026-03-11"}}}},
		{"renewal not yet valid after an expiry", func(_ *policy.Procurement, f *RequestFacts) {
			f.Supplier.Certificates = []Certificate{
				{Kind: "business_license", Number: "BL-1", ValidFrom: day("2025-01-01"), ValidTo: day("2026-03-09")},
				{Kind: "business_license", Number: "BL-3", ValidFrom: day("2026-05-01"), ValidTo: day("2028-12-31")},
				{Kind: "business_license", Number: "BL-2", ValidFrom: day("2026-04-01"), ValidTo: day("2027-12-31")},
			}
		}, []Problem{{"supplier_id", "certificate_not_yet_valid", []any{"business_license", "BL-2", "2026-04-01"}}}},
		{"a valid one among lapsed ones passes", func(_ *policy.Procurement, f *RequestFacts) {
			f.Supplier.Certificates = append(f.Supplier.Certificates,
				Certificate{Kind: "business_license", Number: "BL-0", ValidFrom: day("2020-01-01"), ValidTo: day("2024-12-31")})
		}, nil},
		{"required kind missing", func(r *policy.Procurement, f *RequestFacts) {
			r.RequiredCertificates = []string{"production_license", "business_license", "quality_certificate"}
		}, []Problem{
			{"supplier_id", "certificate_missing", []any{"production_license"}},
			{"supplier_id", "certificate_missing", []any{"quality_certificate"}},
		}},
		{"held kind beyond the required must be valid", func(_ *policy.Procurement, f *RequestFacts) {
			f.Supplier.Certificates = append(f.Supplier.Certificates,
				Certificate{Kind: "quality_certificate", Number: "QC-1", ValidFrom: day("2025-01-01"), ValidTo: day("2026-01-31")},
				Certificate{Kind: "production_license", Number: "PL-1", ValidFrom: day("2025-01-01"), ValidTo: day("2025-12-31")})
		}, []Problem{
			{"supplier_id", "certificate_expired", []any{"production_license", "PL-1", "2025-12-31"}},
			{"supplier_id", "certificate_expired", []any{"quality_certificate", "QC-1", "2026-01-31"}},
		}},
		{"no certificates required, none held", func(r *policy.Procurement, f *RequestFacts) {
			r.RequiredCertificates = nil
			f.Supplier.Certificates = nil
		}, nil},

		// Materials.
		{"unknown material", func(_ *policy.Procurement, f *RequestFacts) {
			f.Items[0].MaterialID = "M404"
		}, []Problem{{"items[0].material_id", "unknown_material", []any{"M404"}}}},
		{"material of another category", func(_ *policy.Procurement, f *RequestFacts) {
			f.Items[0].MaterialID = "M4"
			f.Plan["M4"] = PlanLine{Planned: 100}
		}, []Problem{{"items[0].material_id", "material_category", []any{"Paper", "office"}}}},
		{"strategic material from a non-strategic supplier", func(_ *policy.Procurement, f *RequestFacts) {
			f.Items[0].MaterialID = "M2"
		}, []Problem{{"items[0].material_id", "strategic_supplier_required", []any{"Stent", "Acme"}}}},
		{"strategic material from a strategic supplier", func(_ *policy.Procurement, f *RequestFacts) {
			f.Items[0].MaterialID = "M2"
			f.Supplier.Strategic = true
		}, nil},
		{"key material from a distributor", func(_ *policy.Procurement, f *RequestFacts) {
			f.Items[0].MaterialID = "M3"
			f.Supplier.Kind = KindDistributor
		}, []Problem{{"items[0].material_id", "manufacturer_required", []any{"Catheter", "Acme"}}}},
		{"key material from a manufacturer", func(_ *policy.Procurement, f *RequestFacts) {
			f.Items[0].MaterialID = "M3"
		}, nil},
		{"ordinary material from a distributor", func(_ *policy.Procurement, f *RequestFacts) {
			f.Supplier.Kind = KindDistributor
		}, nil},
		{"quantity not positive", func(_ *policy.Procurement, f *RequestFacts) {
			f.Items[0].Quantity = 0
		}, []Problem{{"items[0].quantity", "quantity_positive", nil}}},

		// Plan.
		{"exactly what the plan has left", func(_ *policy.Procurement, f *RequestFacts) {
			f.Items[0].Quantity = 70
		}, nil},
		{"one more than the plan has left", func(_ *policy.Procurement, f *RequestFacts) {
			f.Items[0].Quantity = 71
		}, []Problem{{"items[0].quantity", "plan_exceeded", []any{"Syringe", int64(71), int64(70), int64(100), int64(30), int64(20)}}}},
		{"plan minus stock: exactly what is left", func(r *policy.Procurement, f *RequestFacts) {
			r.PlanCheck = policy.PlanCheckPlanMinusStock
			f.Items[0].Quantity = 50
		}, nil},
		{"plan minus stock: one more", func(r *policy.Procurement, f *RequestFacts) {
			r.PlanCheck = policy.PlanCheckPlanMinusStock
			f.Items[0].Quantity = 51
		}, []Problem{{"items[0].quantity", "plan_exceeded", []any{"Syringe", int64(51), int64(50), int64(100), int64(30), int64(20)}}}},
		{"plan minus stock never leaves less than nothing", func(r *policy.Procurement, f *RequestFacts) {
			r.PlanCheck = policy.PlanCheckPlanMinusStock
			f.Plan["M1"] = PlanLine{Planned: 100, Committed: 90, Stock: 40}
			f.Items[0].Quantity = 1
		}, []Problem{{"items[0].quantity", "plan_exceeded", []any{"Syringe", int64(1), int64(0), int64(100), int64(90), int64(40)}}}},
		{"same material on two lines, summed, within", func(_ *policy.Procurement, f *RequestFacts) {
			f.Items = []Item{{MaterialID: "M1", Quantity: 40}, {MaterialID: "M5", Quantity: 1}, {MaterialID: "M1", Quantity: 30}}
			f.Plan["M5"] = PlanLine{Planned: 1}
		}, nil},
		{"same material on two lines, summed, over", func(_ *policy.Procurement, f *RequestFacts) {
			f.Items = []Item{{MaterialID: "M5", Quantity: 1}, {MaterialID: "M1", Quantity: 40}, {MaterialID: "M1", Quantity: 31}}
			f.Plan["M5"] = PlanLine{Planned: 1}
		}, []Problem{{"items[1].quantity", "plan_exceeded", []any{"Syringe", int64(71), int64(70), int64(100), int64(30), int64(20)}}}},
		{"not in plan, on the first line of the material", func(_ *policy.Procurement, f *RequestFacts) {
			f.Items = []Item{{MaterialID: "M1", Quantity: 1}, {MaterialID: "M5", Quantity: 1}, {MaterialID: "M5", Quantity: 1}}
		}, []Problem{{"items[1].material_id", "not_in_plan", []any{"Gauze", "P-2026"}}}},

		// Order.
		{"supplier first, then items by index", func(r *policy.Procurement, f *RequestFacts) {
			r.RequiredCertificates = []string{"business_license", "production_license"}
			f.Supplier.Status = SupplierSuspended
			f.Supplier.Kind = KindDistributor
			f.Items = []Item{
				{MaterialID: "M1", Quantity: 71},
				{MaterialID: "M404", Quantity: 1},
				{MaterialID: "M3", Quantity: 1},
				{MaterialID: "M5", Quantity: 1},
			}
		}, []Problem{
			{"supplier_id", "supplier_suspended", []any{"Acme", ""}},
			{"supplier_id", "certificate_missing", []any{"production_license"}},
			{"items[0].quantity", "plan_exceeded", []any{"Syringe", int64(71), int64(70), int64(100), int64(30), int64(20)}},
			{"items[1].material_id", "unknown_material", []any{"M404"}},
			{"items[2].material_id", "manufacturer_required", []any{"Catheter", "Acme"}},
			{"items[3].material_id", "not_in_plan", []any{"Gauze", "P-2026"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, f := requestRules(), requestFacts()
			tt.edit(&rules, &f)
			got := CheckRequest(rules, f)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CheckRequest =\n  %v\nwant\n  %v", got, tt.want)
			}
		})
	}
}
