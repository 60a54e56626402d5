package policy

// Procurement holds the rules of purchasing that are not chains: how a request is checked
// against its plan and its supplier, which goods a keeper refuses, and how far an invoice may
// differ from its order and receipts.
type Procurement struct {
	// PlanCheck is "plan" (a request may use what the plan line has left) or "plan_minus_stock"
	// (what it has left less the stock on hand).
	PlanCheck string `json:"plan_check" yaml:"plan_check"`
	// RequiredCertificates are certificate kinds every supplier must hold, valid on the day of
	// the request (营业执照, ...). Certificates a supplier holds beyond these must be valid too.
	RequiredCertificates []string `json:"required_certificates" yaml:"required_certificates"`
	// ExpiryWindowDays: delivered goods that expire within this many days of the receiving day
	// are refused (近效期).
	ExpiryWindowDays int `json:"expiry_window_days" yaml:"expiry_window_days"`
	// Tolerance bounds the three-way match.
	Tolerance Tolerance `json:"tolerance" yaml:"tolerance"`
}

// Plan checks.
const (
	PlanCheckPlan           = "plan"
	PlanCheckPlanMinusStock = "plan_minus_stock"
)

// Certificate kinds a supplier may hold.
var CertificateKinds = []string{"business_license", "production_license", "quality_certificate"}

// Tolerance is how far the invoice may differ from the order and the receipts and still match.
// Amounts: the larger of Amount and AmountBP basis points (1/100 of a percent) of the order's
// total. Quantities: per line, QuantityBP basis points of the ordered quantity, rounded down.
// Exactly at the tolerance matches; one unit beyond does not.
type Tolerance struct {
	Amount     Money `json:"amount" yaml:"amount"`
	AmountBP   int64 `json:"amount_bp" yaml:"amount_bp"`
	QuantityBP int64 `json:"quantity_bp" yaml:"quantity_bp"`
}

// AmountFor is the amount tolerance of an order of the given total.
func (t Tolerance) AmountFor(total Money) Money {
	return max(t.Amount, Money(int64(total)*t.AmountBP/10000))
}

// QuantityFor is the quantity tolerance of a line ordering n units.
func (t Tolerance) QuantityFor(n int64) int64 {
	return n * t.QuantityBP / 10000
}
