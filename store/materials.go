package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"signoff/procure"
)

// Materials (物料), the purchase plans (采购计划) that allow buying them and the stock on hand.
// The Upsert and Set methods write master data as given, for the demo seed and tests; running
// them again changes nothing.

// Plan is a department's purchase plan for a year with its lines: what it allows of each
// material, what live requests have committed against it and the stock on hand.
type Plan struct {
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	DepartmentID string             `json:"department_id"`
	Year         int                `json:"year"`
	Lines        []procure.PlanLine `json:"lines"`
}

const materialColumns = `id, name, spec, unit, category, strategic, key_material, expiry_tracked`

func scanMaterial(r pgx.CollectableRow) (procure.Material, error) {
	var m procure.Material
	err := r.Scan(&m.ID, &m.Name, &m.Spec, &m.Unit, &m.Category, &m.Strategic, &m.Key, &m.ExpiryTracked)
	return m, err
}

// Materials lists every material by ID.
func (s *Store) Materials(ctx context.Context) ([]procure.Material, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+materialColumns+` FROM materials ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("materials: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanMaterial)
	if err != nil {
		return nil, fmt.Errorf("materials: %w", err)
	}
	return list, nil
}

// Material returns a material, or ErrNotFound.
func (s *Store) Material(ctx context.Context, id string) (procure.Material, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+materialColumns+` FROM materials WHERE id = $1`, id)
	if err != nil {
		return procure.Material{}, fmt.Errorf("material %s: %w", id, err)
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMaterial)
	if err != nil {
		return procure.Material{}, fmt.Errorf("material %s: %w", id, notFound(err))
	}
	return m, nil
}

// PlanLines returns a plan's lines for the named materials, keyed by material: planned, what
// requests not rejected or withdrawn have committed against the plan, and the stock on hand
// (0 when none is recorded). Materials the plan does not name are left out. A request being
// revised names itself as exceptCase, so its own earlier quantities do not count against it.
func (s *Store) PlanLines(ctx context.Context, planID string, materialIDs []string, exceptCase string) (map[string]procure.PlanLine, error) {
	return loadPlanLines(ctx, s.pool, planID, distinct(materialIDs), exceptCase)
}

// Plans lists the purchase plans of a department ("" for every department), newest year first,
// each with all its lines by material.
func (s *Store) Plans(ctx context.Context, departmentID string) ([]Plan, error) {
	const q = `SELECT p.id, p.name, p.department_id, p.year,
			coalesce(array_agg(l.material_id ORDER BY l.material_id) FILTER (WHERE l.material_id IS NOT NULL), '{}')
		FROM purchase_plans p LEFT JOIN plan_lines l ON l.plan_id = p.id
		WHERE $1 = '' OR p.department_id = $1
		GROUP BY p.id ORDER BY p.year DESC, p.id`
	rows, err := s.pool.Query(ctx, q, departmentID)
	if err != nil {
		return nil, fmt.Errorf("plans: %w", err)
	}
	type planRow struct {
		Plan
		materials []string
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planRow, error) {
		var p planRow
		err := r.Scan(&p.ID, &p.Name, &p.DepartmentID, &p.Year, &p.materials)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("plans: %w", err)
	}
	out := make([]Plan, 0, len(list))
	for _, p := range list {
		lines, err := loadPlanLines(ctx, s.pool, p.ID, p.materials, "")
		if err != nil {
			return nil, fmt.Errorf("plans: %w", err)
		}
		p.Lines = make([]procure.PlanLine, 0, len(lines))
		for _, id := range p.materials {
			p.Lines = append(p.Lines, lines[id])
		}
		out = append(out, p.Plan)
	}
	return out, nil
}

// UpsertMaterial writes a material as given.
func (s *Store) UpsertMaterial(ctx context.Context, m procure.Material) error {
	const q = `INSERT INTO materials (` + materialColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, spec = excluded.spec, unit = excluded.unit,
			category = excluded.category, strategic = excluded.strategic, key_material = excluded.key_material,
			expiry_tracked = excluded.expiry_tracked`
	if _, err := s.pool.Exec(ctx, q, m.ID, m.Name, m.Spec, m.Unit, m.Category, m.Strategic, m.Key, m.ExpiryTracked); err != nil {
		return fmt.Errorf("upsert material %s: %w", m.ID, mapErr(err))
	}
	return nil
}

// UpsertPlan writes a plan as given: its lines become exactly p.Lines (material and Planned).
func (s *Store) UpsertPlan(ctx context.Context, p Plan) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		const plan = `INSERT INTO purchase_plans (id, name, department_id, year) VALUES ($1, $2, $3, $4)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, department_id = excluded.department_id, year = excluded.year`
		if _, err := tx.Exec(ctx, plan, p.ID, p.Name, p.DepartmentID, p.Year); err != nil {
			return mapErr(err)
		}
		materials := make([]string, 0, len(p.Lines))
		for _, l := range p.Lines {
			materials = append(materials, l.MaterialID)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM plan_lines WHERE plan_id = $1 AND NOT material_id = ANY($2)`, p.ID, materials); err != nil {
			return err
		}
		const line = `INSERT INTO plan_lines (plan_id, material_id, quantity) VALUES ($1, $2, $3)
			ON CONFLICT (plan_id, material_id) DO UPDATE SET quantity = excluded.quantity`
		b := &pgx.Batch{}
		for _, l := range p.Lines {
			b.Queue(line, p.ID, l.MaterialID, l.Planned)
		}
		return mapErr(tx.SendBatch(ctx, b).Close())
	})
	if err != nil {
		return fmt.Errorf("upsert plan %s: %w", p.ID, err)
	}
	return nil
}

// SetStock records the stock on hand of a material.
func (s *Store) SetStock(ctx context.Context, materialID string, onHand int64) error {
	const q = `INSERT INTO stock (material_id, on_hand) VALUES ($1, $2)
		ON CONFLICT (material_id) DO UPDATE SET on_hand = excluded.on_hand, updated_at = now()`
	if _, err := s.pool.Exec(ctx, q, materialID, onHand); err != nil {
		return fmt.Errorf("set stock of %s: %w", materialID, mapErr(err))
	}
	return nil
}

// OpenStock records a material's opening stock unless stock is already recorded for it, and
// reports whether it did: receipts move the stock after it opens, and an opening balance
// written again must not undo them.
func (s *Store) OpenStock(ctx context.Context, materialID string, onHand int64) (bool, error) {
	const q = `INSERT INTO stock (material_id, on_hand) VALUES ($1, $2) ON CONFLICT (material_id) DO NOTHING`
	tag, err := s.pool.Exec(ctx, q, materialID, onHand)
	if err != nil {
		return false, fmt.Errorf("open stock of %s: %w", materialID, mapErr(err))
	}
	return tag.RowsAffected() == 1, nil
}
