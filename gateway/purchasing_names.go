package gateway

import (
	"context"
	"net/http"
	"time"

	"signoff/policy"
	"signoff/procure"
	"signoff/service"
)

// Names the orders and suppliers handlers (orders.go, web_orders.go, suppliers.go) still use
// from the filing code, which moved to service/ (amount.go, purchase.go, purchase_view.go).
// They go when those handlers move to gateway/api and ask the service themselves.

type supplierRef = service.SupplierRef

const (
	maxItems      = service.MaxItems
	maxSpec       = service.MaxSpec
	maxContractNo = service.MaxContractNo
	maxInvoiceNo  = service.MaxInvoiceNo
)

// amountText is service.AmountText with the text orders.go still reads (an invoice line's
// quantity may be a bare "0").
type amountText struct {
	service.AmountText
	text    string
	present bool
}

func (a *amountText) UnmarshalJSON(b []byte) error {
	if err := a.AmountText.UnmarshalJSON(b); err != nil {
		return err
	}
	a.text, a.present = a.AmountText.Text(), a.AmountText.Given()
	return nil
}

func typed(s string) amountText {
	t := service.TypedAmount(s)
	return amountText{AmountText: t, text: t.Text(), present: t.Given()}
}

func parseAmount(a amountText) (policy.Money, service.Problem) {
	return service.ParseAmount(a.AmountText)
}
func parseQuantity(a amountText) (int64, service.Problem) { return service.ParseQuantity(a.AmountText) }

// submitPurchaseRequest and previewPurchaseRoute are the JSON door's purchase request handlers
// (gateway/api/purchases.go) under the names procurementAPI (orders.go) still mounts. server.go
// mounts api.Purchases after it, so the routes are the API's either way; these and the two
// lines of procurementAPI go together.
func (s *server) submitPurchaseRequest(w http.ResponseWriter, r *http.Request) {
	s.api.PostPurchase(w, r)
}

func (s *server) previewPurchaseRoute(w http.ResponseWriter, r *http.Request) {
	s.api.PostPurchasePreview(w, r)
}

// purchaseFacts is the materials catalogue, as the orders handlers read it.
type purchaseFacts struct{ materials map[string]procure.Material }

func (s *server) purchaseFacts(ctx context.Context, _ string) (purchaseFacts, error) {
	m, err := s.svc.MaterialCatalogue(ctx)
	return purchaseFacts{materials: m}, err
}

// today is the current day in the policy's timezone, as midnight UTC of that date.
func (s *server) today(doc *policy.Document) (time.Time, error) { return s.svc.Today(doc) }
