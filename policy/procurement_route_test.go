package policy

import (
	"errors"
	"signoff/i18n"
	"slices"
	"strings"
	"testing"
)

func TestProcurementRouteCountersign(t *testing.T) {
	d := Demo()
	r, err := d.Route(Facts{Kind: KindProcurement, Category: "equipment", Amount: 1_200_000, Submitter: "huang.lei"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"review", "approval.department_head", "approval.finance_director", "countersign"}
	if got := stepKeys(r); !slices.Equal(got, want) {
		t.Fatalf("steps = %v, want %v", got, want)
	}
	cs := findStep(t, r, "countersign")
	// Legal, finance, audit and the requesting department (engineering), each by its head.
	if want := []string{"chen.gang", "lin.feng", "ma.lan", "qian.li"}; !slices.Equal(cs.Assignees, want) {
		t.Errorf("countersigners = %v, want %v", cs.Assignees, want)
	}
	if cs.Mode != ModeAllOf || !cs.RejectReturns || cs.Role != RoleCountersigner {
		t.Errorf("countersign step = %+v, want all_of, reject_returns, countersigner", cs)
	}
	for _, name := range []string{"法务部负责人林峰", "审计部负责人马兰", "研发部负责人陈刚", "须全部同意"} {
		if !strings.Contains(cs.Explain(i18n.ZH), name) {
			t.Errorf("reason %q does not mention %q", cs.Explain(i18n.ZH), name)
		}
	}
}

// A department head's own request: they may not countersign it for their department, so their
// superior does.
func TestProcurementCountersignHeadReplacedBySuperior(t *testing.T) {
	d := Demo()
	r, err := d.Route(Facts{Kind: KindProcurement, Category: "equipment", Amount: 300_000, Submitter: "chen.gang"})
	if err != nil {
		t.Fatal(err)
	}
	cs := findStep(t, r, "countersign")
	if slices.Contains(cs.Assignees, "chen.gang") || !slices.Contains(cs.Assignees, "zhao.qiang") {
		t.Errorf("countersigners = %v, want zhao.qiang instead of the requester chen.gang", cs.Assignees)
	}
	if !strings.Contains(cs.Explain(i18n.ZH), "改由其上级赵强") {
		t.Errorf("reason %q does not say who replaced the head", cs.Explain(i18n.ZH))
	}
}

func TestReceiptRouteSegregatesTheRequester(t *testing.T) {
	d := Demo()
	r, err := d.Route(Facts{Kind: KindReceipt, Category: "equipment", Amount: 500_000, Submitter: "huang.lei"})
	if err != nil {
		t.Fatal(err)
	}
	if got := findStep(t, r, "keeper").Assignees; !slices.Equal(got, []string{"he.ping"}) {
		t.Errorf("keeper = %v, want he.ping", got)
	}
	if got := findStep(t, r, "accountant").Assignees; !slices.Equal(got, []string{"sun.min", "zhou.jie"}) {
		t.Errorf("accountant = %v", got)
	}
	// An accountant's own purchase: the other accountant seals it.
	r, err = d.Route(Facts{Kind: KindReceipt, Category: "office", Amount: 10_000, Submitter: "sun.min"})
	if err != nil {
		t.Fatal(err)
	}
	if got := findStep(t, r, "accountant").Assignees; !slices.Equal(got, []string{"zhou.jie"}) {
		t.Errorf("accountant on sun.min's own receipt = %v, want zhou.jie", got)
	}
	// The only keeper's own purchase cannot be received: nobody may hold the keeper's seal.
	_, err = d.Route(Facts{Kind: KindReceipt, Category: "office", Amount: 10_000, Submitter: "he.ping"})
	if !errors.Is(err, ErrNoAssignee) {
		t.Errorf("keeper's own receipt: error = %v, want ErrNoAssignee", err)
	}
}

func TestSettlementExceptionStepOnlyOnMismatch(t *testing.T) {
	d := Demo()
	f := Facts{Kind: KindSettlement, Category: "equipment", Amount: 500_000, Submitter: "huang.lei"}
	r, err := d.Route(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := stepKeys(r); !slices.Equal(got, []string{"payment"}) {
		t.Errorf("matched settlement steps = %v, want [payment]", got)
	}
	f.Conditions = []string{"match_exception"}
	if r, err = d.Route(f); err != nil {
		t.Fatal(err)
	}
	if got := stepKeys(r); !slices.Equal(got, []string{"exception", "payment"}) {
		t.Errorf("mismatched settlement steps = %v, want [exception payment]", got)
	}
}

func TestValidateCountersignAndProcurement(t *testing.T) {
	d := Demo()
	cs := &d.Chains[KindProcurement].Steps[2]
	cs.Departments = []string{"legal", "nowhere", "legal"}
	cs.Mode = ModeAnyOf
	cs.When = "Bad-Name"
	d.Procurement.PlanCheck = "vibes"
	d.Procurement.RequiredCertificates = []string{"diploma"}
	d.Procurement.Tolerance.AmountBP = 20000
	err := d.Validate()
	for _, want := range []string{
		`department "nowhere" is not a department`,
		`department "legal" is named twice`,
		`signed all_of, not any_of`,
		`when "Bad-Name" is not a condition name`,
		`plan_check "vibes"`,
		`required certificate "diploma"`,
		`tolerance must be between 0 and 10000 basis points`,
	} {
		assertProblem(t, err, want)
	}
	d = Demo()
	delete(d.Chains, KindReceipt)
	assertProblem(t, d.Validate(), "a procurement chain needs a receipt chain too")
}

func TestToleranceBounds(t *testing.T) {
	tol := Tolerance{Amount: 5_000, AmountBP: 50, QuantityBP: 200}
	if got := tol.AmountFor(100_000); got != 5_000 {
		t.Errorf("amount tolerance of 1,000.00 = %s, want the absolute 50.00", got)
	}
	if got := tol.AmountFor(10_000_000); got != 50_000 {
		t.Errorf("amount tolerance of 100,000.00 = %s, want 0.5%% = 500.00", got)
	}
	if got := tol.QuantityFor(49); got != 0 {
		t.Errorf("quantity tolerance of 49 at 2%% = %d, want 0 (rounded down)", got)
	}
	if got := tol.QuantityFor(50); got != 1 {
		t.Errorf("quantity tolerance of 50 at 2%% = %d, want 1", got)
	}
}
