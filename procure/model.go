package procure

import (
	"time"

	"signoff/policy"
)

// Supplier statuses, kinds and grades.
const (
	SupplierAdmitted  = "admitted"  // 准入: may be ordered from
	SupplierSuspended = "suspended" // 暂停: may not

	KindManufacturer = "manufacturer" // 生产厂家
	KindDistributor  = "distributor"  // 经销商 (a middleman)
)

// Grades a supplier may have, best first.
var Grades = []string{"A", "B", "C", "D"}

// Supplier is one entry of the supplier master data (供应商).
type Supplier struct {
	ID           string        `json:"id"`
	Name         string        `json:"name"`
	Kind         string        `json:"kind"`
	Status       string        `json:"status"`
	StatusReason string        `json:"status_reason"`
	Grade        string        `json:"grade"`
	Strategic    bool          `json:"strategic"` // a designated strategic supplier (战略供应商)
	Contact      string        `json:"contact"`
	Revision     int           `json:"revision"`
	Certificates []Certificate `json:"certificates"`
	UpdatedAt    time.Time     `json:"updated_at"`
}

// Certificate is a supplier's licence or certificate (营业执照, 生产许可证, 合格证). It is valid
// from ValidFrom through ValidTo, both days included.
type Certificate struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	Number       string    `json:"number"`
	ValidFrom    time.Time `json:"valid_from"` // a day: midnight UTC
	ValidTo      time.Time `json:"valid_to"`
	AttachmentID string    `json:"attachment_id,omitempty"`
}

// ValidOn reports whether the certificate is in force on a day (midnight UTC).
func (c Certificate) ValidOn(day time.Time) bool {
	return !day.Before(c.ValidFrom) && !day.After(c.ValidTo)
}

// Material is an item that can be bought (物料).
type Material struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Spec          string `json:"spec"`
	Unit          string `json:"unit"`
	Category      string `json:"category"`       // a policy category
	Strategic     bool   `json:"strategic"`      // only from strategic suppliers
	Key           bool   `json:"key"`            // a key material: no middlemen, manufacturers only
	ExpiryTracked bool   `json:"expiry_tracked"` // deliveries must state an expiry date
}

// PlanLine is what a purchase plan (采购计划) allows of one material, with what other requests
// against the plan have already committed and the stock on hand.
type PlanLine struct {
	PlanID     string `json:"plan_id"`
	MaterialID string `json:"material_id"`
	Planned    int64  `json:"planned"`
	Committed  int64  `json:"committed"` // on other requests not rejected or withdrawn
	Stock      int64  `json:"stock"`
}

// Item is one line of a purchase request: a whole number of units at an estimated unit price.
type Item struct {
	MaterialID   string       `json:"material_id"`
	Spec         string       `json:"spec"`
	Quantity     int64        `json:"quantity"`
	Unit         string       `json:"unit"`
	UnitPrice    policy.Money `json:"unit_price"`
	Manufacturer string       `json:"manufacturer,omitempty"` // required maker, if the contract names one
}

// Amount is the line's value.
func (it Item) Amount() policy.Money { return policy.Money(it.Quantity * int64(it.UnitPrice)) }

// Problem is one reason a request, a delivery line or a match is refused: a message key of the
// i18n catalogue ("problem.<Key>") with its arguments, under the field it is about.
type Problem struct {
	Field string `json:"field"`
	Key   string `json:"key"`
	Args  []any  `json:"args,omitempty"`
}

// OrderLine is one line of a purchase order, with what has been accepted against it so far.
type OrderLine struct {
	LineNo       int          `json:"line_no"`
	MaterialID   string       `json:"material_id"`
	Spec         string       `json:"spec"`
	Unit         string       `json:"unit"`
	Quantity     int64        `json:"quantity"`
	UnitPrice    policy.Money `json:"unit_price"`
	Manufacturer string       `json:"manufacturer,omitempty"`
	Accepted     int64        `json:"accepted"` // accepted on receipts so far
	Pending      int64        `json:"pending"`  // on receipts still awaiting their seals
}

// Remaining is how much of the line may still be delivered.
func (l OrderLine) Remaining() int64 { return l.Quantity - l.Accepted - l.Pending }

// DeliveryLine is what the keeper found for one order line of a delivery: the goods counted,
// and what the delivery note and invoice say.
type DeliveryLine struct {
	LineNo       int          `json:"line_no"`       // the order line
	Quantity     int64        `json:"quantity"`      // counted
	NoteQuantity int64        `json:"note_quantity"` // on the delivery note / invoice
	Spec         string       `json:"spec"`
	UnitPrice    policy.Money `json:"unit_price"` // on the invoice
	SupplierID   string       `json:"supplier_id"`
	Manufacturer string       `json:"manufacturer"`
	Batch        string       `json:"batch"`
	Expiry       *time.Time   `json:"expiry,omitempty"` // a day
}

// InvoiceLine is one line of the supplier's invoice for an order.
type InvoiceLine struct {
	LineNo   int          `json:"line_no"`
	Quantity int64        `json:"quantity"`
	Amount   policy.Money `json:"amount"`
}

// InspectedLine is a delivered line with the keeper's verdict on it, as a delivery keeps it.
type InspectedLine struct {
	DeliveryLine
	Verdict Verdict `json:"verdict"`
}
