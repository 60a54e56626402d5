package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/procure"
)

// ContractTerms are the key terms of a purchase contract, shown to its countersigners.
type ContractTerms struct {
	PaymentTerms  string `json:"payment_terms"`  // 付款条件
	DeliveryTerms string `json:"delivery_terms"` // 交货条款
	Warranty      string `json:"warranty"`       // 质保条款
}

// Purchase is the procurement part of a purchase request (PR-…): what is bought, from whom,
// against which plan, and its contract. The case row holds its amount, category and budget line.
type Purchase struct {
	SupplierID           string         `json:"supplier_id"`
	PlanID               string         `json:"plan_id"`
	DeliveryDate         time.Time      `json:"delivery_date"` // a day
	RequestedOn          time.Time      `json:"requested_on"`  // the day the checks were made for
	ContractNo           string         `json:"contract_no"`
	ContractTerms        ContractTerms  `json:"contract_terms"`
	ContractAttachmentID string         `json:"contract_attachment_id,omitempty"`
	Items                []procure.Item `json:"items"`
}

// PlanCheck judges a request's items against its plan lines as they stand inside the
// transaction that writes it (procure.CheckRequest with the loaded lines); an error aborts it.
type PlanCheck func(lines map[string]procure.PlanLine) error

// planLock serialises requests against one plan: each checks the plan's remaining quantities and
// writes its own under the lock, so two requests cannot both take the last of a plan line.
const planLock = `SELECT id FROM purchase_plans WHERE id = $1 FOR UPDATE`

// querier is a connection or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// loadPlanLines reads a plan's lines for some materials, with what other live requests have
// committed against them (requests not rejected or withdrawn, except the case named by exclude)
// and the stock on hand.
func loadPlanLines(ctx context.Context, q querier, planID string, materials []string, exclude string) (map[string]procure.PlanLine, error) {
	const sql = `SELECT l.plan_id, l.material_id, l.quantity,
			coalesce((SELECT sum(i.quantity) FROM purchase_items i
				JOIN purchase_requests r ON r.case_id = i.case_id
				JOIN cases c ON c.id = i.case_id
				WHERE r.plan_id = l.plan_id AND i.material_id = l.material_id
					AND c.status NOT IN ('rejected', 'withdrawn') AND c.id <> $3), 0)::bigint,
			coalesce((SELECT on_hand FROM stock s WHERE s.material_id = l.material_id), 0)
		FROM plan_lines l WHERE l.plan_id = $1 AND l.material_id = ANY($2)`
	rows, err := q.Query(ctx, sql, planID, materials, exclude)
	if err != nil {
		return nil, fmt.Errorf("plan %s lines: %w", planID, err)
	}
	out := map[string]procure.PlanLine{}
	var l procure.PlanLine
	_, err = pgx.ForEachRow(rows, []any{&l.PlanID, &l.MaterialID, &l.Planned, &l.Committed, &l.Stock}, func() error {
		out[l.MaterialID] = l
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan %s lines: %w", planID, err)
	}
	return out, nil
}

// checkPlan locks the plan and runs the check against its lines as they stand.
func checkPlan(ctx context.Context, tx pgx.Tx, p *Purchase, exclude string, check PlanCheck) error {
	var id string
	if err := tx.QueryRow(ctx, planLock, p.PlanID).Scan(&id); err != nil {
		return fmt.Errorf("plan %s: %w", p.PlanID, notFound(err))
	}
	if check == nil {
		return nil
	}
	materials := make([]string, 0, len(p.Items))
	for _, it := range p.Items {
		materials = append(materials, it.MaterialID)
	}
	lines, err := loadPlanLines(ctx, tx, p.PlanID, materials, exclude)
	if err != nil {
		return err
	}
	return check(lines)
}

// queuePurchase writes (or rewrites) a request's procurement part and its items.
func queuePurchase(b *pgx.Batch, caseID string, p *Purchase) error {
	terms, err := json.Marshal(p.ContractTerms)
	if err != nil {
		return fmt.Errorf("encode contract terms: %w", err)
	}
	var attachment *string
	if p.ContractAttachmentID != "" {
		attachment = &p.ContractAttachmentID
	}
	const req = `INSERT INTO purchase_requests (case_id, supplier_id, plan_id, delivery_date, requested_on,
			contract_no, contract_terms, contract_attachment_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (case_id) DO UPDATE SET supplier_id = excluded.supplier_id, plan_id = excluded.plan_id,
			delivery_date = excluded.delivery_date, requested_on = excluded.requested_on,
			contract_no = excluded.contract_no, contract_terms = excluded.contract_terms,
			contract_attachment_id = coalesce(excluded.contract_attachment_id, purchase_requests.contract_attachment_id)`
	b.Queue(req, caseID, p.SupplierID, p.PlanID, p.DeliveryDate, p.RequestedOn, p.ContractNo, terms, attachment)
	b.Queue(`DELETE FROM purchase_items WHERE case_id = $1`, caseID)
	const item = `INSERT INTO purchase_items (case_id, line_no, material_id, spec, quantity, unit, unit_price, manufacturer)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	for i, it := range p.Items {
		b.Queue(item, caseID, i+1, it.MaterialID, it.Spec, it.Quantity, it.Unit, int64(it.UnitPrice), it.Manufacturer)
	}
	return nil
}

// Purchase reads the procurement part of a purchase request.
func (s *Store) Purchase(ctx context.Context, caseID string) (Purchase, error) {
	var p Purchase
	var terms []byte
	var attachment *string
	const q = `SELECT supplier_id, plan_id, delivery_date, requested_on, contract_no, contract_terms,
		contract_attachment_id FROM purchase_requests WHERE case_id = $1`
	err := s.pool.QueryRow(ctx, q, caseID).Scan(&p.SupplierID, &p.PlanID, &p.DeliveryDate, &p.RequestedOn,
		&p.ContractNo, &terms, &attachment)
	if err != nil {
		return Purchase{}, fmt.Errorf("purchase %s: %w", caseID, notFound(err))
	}
	if err := json.Unmarshal(terms, &p.ContractTerms); err != nil {
		return Purchase{}, fmt.Errorf("purchase %s: contract terms: %w", caseID, err)
	}
	if attachment != nil {
		p.ContractAttachmentID = *attachment
	}
	const items = `SELECT material_id, spec, quantity, unit, unit_price, manufacturer FROM purchase_items
		WHERE case_id = $1 ORDER BY line_no`
	rows, err := s.pool.Query(ctx, items, caseID)
	if err != nil {
		return Purchase{}, fmt.Errorf("purchase %s items: %w", caseID, err)
	}
	var it procure.Item
	_, err = pgx.ForEachRow(rows, []any{&it.MaterialID, &it.Spec, &it.Quantity, &it.Unit, &it.UnitPrice, &it.Manufacturer}, func() error {
		p.Items = append(p.Items, it)
		return nil
	})
	if err != nil {
		return Purchase{}, fmt.Errorf("purchase %s items: %w", caseID, err)
	}
	return p, nil
}
