package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"signoff/policy"
	"signoff/procure"
	"signoff/store"
)

// PurchaseView is a purchase request's procurement part as the case page shows it: its
// supplier and plan, the contract, the items with their materials named, and the purchase order
// once the countersign completed.
type PurchaseView struct {
	Supplier     SupplierRef  `json:"supplier"`
	PlanID       string       `json:"plan_id"`
	DeliveryDate string       `json:"delivery_date"` // YYYY-MM-DD
	RequestedOn  string       `json:"requested_on"`  // the day supplier and plan were checked for
	Contract     ContractView `json:"contract"`
	Items        []ItemView   `json:"items"`
	Total        policy.Money `json:"total"`
	OrderID      string       `json:"order_id"` // the purchase order, once the countersign completed
}

// ContractView is a request's contract.
type ContractView struct {
	No            string `json:"no"`
	PaymentTerms  string `json:"payment_terms"`
	DeliveryTerms string `json:"delivery_terms"`
	Warranty      string `json:"warranty"`
	AttachmentID  string `json:"attachment_id"`
}

// ItemView is one item line of a request.
type ItemView struct {
	LineNo       int          `json:"line_no"`
	MaterialID   string       `json:"material_id"`
	MaterialName string       `json:"material_name"`
	Spec         string       `json:"spec"`
	Quantity     int64        `json:"quantity"`
	Unit         string       `json:"unit"`
	UnitPrice    policy.Money `json:"unit_price"`
	Amount       policy.Money `json:"amount"`
	Manufacturer string       `json:"manufacturer"`
}

// PurchaseView reads a purchase request's procurement part, naming its supplier and materials.
func (s *Service) PurchaseView(ctx context.Context, caseID string) (PurchaseView, error) {
	p, err := s.store.Purchase(ctx, caseID)
	if err != nil {
		return PurchaseView{}, fmt.Errorf("purchase view: %w", err)
	}
	v := PurchaseView{PlanID: p.PlanID, DeliveryDate: p.DeliveryDate.Format(time.DateOnly),
		RequestedOn: p.RequestedOn.Format(time.DateOnly), Items: make([]ItemView, 0, len(p.Items)),
		Contract: ContractView{No: p.ContractNo, PaymentTerms: p.ContractTerms.PaymentTerms,
			DeliveryTerms: p.ContractTerms.DeliveryTerms, Warranty: p.ContractTerms.Warranty,
			AttachmentID: p.ContractAttachmentID}}
	sup, err := s.store.Supplier(ctx, p.SupplierID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		v.Supplier = SupplierRef{ID: p.SupplierID, Name: p.SupplierID}
	case err != nil:
		return PurchaseView{}, fmt.Errorf("purchase view: %w", err)
	default:
		v.Supplier = supplierRefOf(sup)
	}
	switch o, err := s.store.OrderOfCase(ctx, caseID); {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return PurchaseView{}, fmt.Errorf("purchase view: %w", err)
	default:
		v.OrderID = o.ID
	}
	materials, err := s.MaterialCatalogue(ctx)
	if err != nil {
		return PurchaseView{}, fmt.Errorf("purchase view: %w", err)
	}
	for i, it := range p.Items {
		name := it.MaterialID
		if m, ok := materials[it.MaterialID]; ok {
			name = m.Name
		}
		v.Items = append(v.Items, ItemView{LineNo: i + 1, MaterialID: it.MaterialID, MaterialName: name,
			Spec: it.Spec, Quantity: it.Quantity, Unit: it.Unit, UnitPrice: it.UnitPrice, Amount: it.Amount(),
			Manufacturer: it.Manufacturer})
		v.Total += it.Amount()
	}
	return v, nil
}

// PurchaseChoices is what the purchase form offers u to choose from: every supplier with how its
// certificates stand today, the plans of u's department and the materials.
type PurchaseChoices struct {
	Suppliers []SupplierView
	Plans     []store.Plan
	Materials []procure.Material
}

// PurchaseChoicesFor reads the choices of u's purchase form.
func (s *Service) PurchaseChoicesFor(ctx context.Context, u store.User) (PurchaseChoices, error) {
	suppliers, err := s.store.Suppliers(ctx, store.SupplierFilter{})
	if err != nil {
		return PurchaseChoices{}, fmt.Errorf("purchase choices: %w", err)
	}
	var out PurchaseChoices
	clock := s.CertificateClock(ctx)
	for _, sp := range suppliers {
		out.Suppliers = append(out.Suppliers, clock.View(sp))
	}
	if out.Plans, err = s.store.Plans(ctx, u.DepartmentID); err != nil {
		return PurchaseChoices{}, fmt.Errorf("purchase choices: %w", err)
	}
	if out.Materials, err = s.store.Materials(ctx); err != nil {
		return PurchaseChoices{}, fmt.Errorf("purchase choices: %w", err)
	}
	return out, nil
}
