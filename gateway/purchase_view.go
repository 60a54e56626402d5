package gateway

import (
	"context"
	"errors"
	"fmt"
	"time"

	"signoff/policy"
	"signoff/store"
)

// purchaseView is a purchase request's procurement part as clients see it.
type purchaseView struct {
	Supplier     supplierRef  `json:"supplier"`
	PlanID       string       `json:"plan_id"`
	DeliveryDate string       `json:"delivery_date"` // YYYY-MM-DD
	RequestedOn  string       `json:"requested_on"`  // the day supplier and plan were checked for
	Contract     contractView `json:"contract"`
	Items        []itemView   `json:"items"`
	Total        policy.Money `json:"total"`
	OrderID      string       `json:"order_id"` // the purchase order, once the countersign completed
}

type supplierRef struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Grade     string `json:"grade"`
	Strategic bool   `json:"strategic"`
	Status    string `json:"status"`
}

type contractView struct {
	No            string `json:"no"`
	PaymentTerms  string `json:"payment_terms"`
	DeliveryTerms string `json:"delivery_terms"`
	Warranty      string `json:"warranty"`
	AttachmentID  string `json:"attachment_id"`
}

type itemView struct {
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

// purchaseView reads a purchase request's procurement part, naming its supplier and materials.
func (s *server) purchaseView(ctx context.Context, caseID string) (purchaseView, error) {
	p, err := s.store.Purchase(ctx, caseID)
	if err != nil {
		return purchaseView{}, fmt.Errorf("purchase view: %w", err)
	}
	v := purchaseView{PlanID: p.PlanID, DeliveryDate: p.DeliveryDate.Format(time.DateOnly),
		RequestedOn: p.RequestedOn.Format(time.DateOnly), Items: make([]itemView, 0, len(p.Items)),
		Contract: contractView{No: p.ContractNo, PaymentTerms: p.ContractTerms.PaymentTerms,
			DeliveryTerms: p.ContractTerms.DeliveryTerms, Warranty: p.ContractTerms.Warranty,
			AttachmentID: p.ContractAttachmentID}}
	sup, err := s.store.Supplier(ctx, p.SupplierID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		v.Supplier = supplierRef{ID: p.SupplierID, Name: p.SupplierID}
	case err != nil:
		return purchaseView{}, fmt.Errorf("purchase view: %w", err)
	default:
		v.Supplier = supplierRef{ID: sup.ID, Name: sup.Name, Grade: sup.Grade, Strategic: sup.Strategic, Status: sup.Status}
	}
	switch o, err := s.store.OrderOfCase(ctx, caseID); {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return purchaseView{}, fmt.Errorf("purchase view: %w", err)
	default:
		v.OrderID = o.ID
	}
	facts, err := s.purchaseFacts(ctx, "")
	if err != nil {
		return purchaseView{}, err
	}
	for i, it := range p.Items {
		name := it.MaterialID
		if m, ok := facts.materials[it.MaterialID]; ok {
			name = m.Name
		}
		v.Items = append(v.Items, itemView{LineNo: i + 1, MaterialID: it.MaterialID, MaterialName: name,
			Spec: it.Spec, Quantity: it.Quantity, Unit: it.Unit, UnitPrice: it.UnitPrice, Amount: it.Amount(),
			Manufacturer: it.Manufacturer})
		v.Total += it.Amount()
	}
	return v, nil
}
