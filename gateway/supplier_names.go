package gateway

import (
	"context"

	"signoff/procure"
	"signoff/service"
)

// Transitional names for the purchase form (web_purchase.go), which lists the suppliers with
// how their certificates stand: the service's supplier views (service/suppliers.go). They go once
// the purchase form asks the service for its choices.

type supplierView = service.SupplierView

// certificateClock judges suppliers' certificates today, as the service does.
type certificateClock struct{ clock service.CertificateClock }

func (s *server) certificateClock(ctx context.Context) certificateClock {
	return certificateClock{clock: s.svc.CertificateClock(ctx)}
}

func (c certificateClock) view(p procure.Supplier) supplierView { return c.clock.View(p) }
