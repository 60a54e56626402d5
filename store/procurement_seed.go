package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// SeedProcurementDemo writes the demo's procurement master data: suppliers with their
// certificates, materials in the demo policy's equipment and office categories, the 2026 plans
// of engineering and warehouse, and some stock. It only adds what is missing, so it may run on
// every start without undoing changes people made since.
func (s *Store) SeedProcurementDemo(ctx context.Context) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, q := range procurementSeed {
			b.Queue(q)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("seed procurement demo: %w", err)
	}
	return nil
}

// procurementSeed runs in order; a new supplier gets a "created" audit row by "system".
var procurementSeed = []string{
	`WITH added AS (
		INSERT INTO suppliers (id, name, kind, status, status_reason, grade, strategic, contact) VALUES
			('SUP-HUAXIN', '华信电子', 'manufacturer', 'admitted', '', 'A', true, '王立新 010-6234 5678'),
			('SUP-DEYI', '得一办公', 'distributor', 'admitted', '', 'B', false, '刘芳 021-5566 7788'),
			('SUP-JINGGONG', '精工机电', 'manufacturer', 'admitted', '', 'B', false, '赵工 0512-6688 1234'),
			('SUP-YUANDA', '远大贸易', 'distributor', 'suspended', '2026年抽检硒鼓不合格，暂停合作', 'C', false, '陈远 020-8765 4321'),
			('SUP-CHENGXIN', '诚信商贸', 'distributor', 'admitted', '', 'B', false, '孙诚 010-8899 0011')
		ON CONFLICT DO NOTHING RETURNING id)
	INSERT INTO supplier_audit (supplier_id, actor_id, action, detail)
	SELECT id, 'system', 'created', '{"seed": true}' FROM added`,

	`INSERT INTO supplier_certificates (supplier_id, kind, number, valid_from, valid_to) VALUES
		('SUP-HUAXIN', 'business_license', '91110108MA01HX0001', '2024-01-01', '2028-12-31'),
		('SUP-HUAXIN', 'production_license', 'XK06-014-00123', '2024-03-01', '2029-02-28'),
		('SUP-HUAXIN', 'quality_certificate', 'CQC-2025-004561', '2025-06-01', '2027-05-31'),
		('SUP-DEYI', 'business_license', '91310115MA1DY00002', '2024-01-01', '2028-12-31'),
		('SUP-JINGGONG', 'business_license', '91320505MA1JG00003', '2024-01-01', '2028-12-31'),
		('SUP-JINGGONG', 'production_license', 'XK06-015-00789', '2023-07-01', '2027-06-30'),
		('SUP-YUANDA', 'business_license', '91440101MA5YD00004', '2024-01-01', '2028-12-31'),
		('SUP-CHENGXIN', 'business_license', '91110105MA0CX00005', '2021-11-01', '2026-10-31')
	ON CONFLICT DO NOTHING`,

	`INSERT INTO materials (id, name, spec, unit, category, strategic, key_material, expiry_tracked) VALUES
		('MAT-LAPTOP', '笔记本电脑', '14英寸 i7/32G/1T', '台', 'equipment', false, false, false),
		('MAT-SERVO', '伺服电机', '400W 220V 带编码器', '台', 'equipment', true, true, false),
		('MAT-MONITOR', '显示器', '27英寸 4K IPS', '台', 'equipment', false, false, false),
		('MAT-PAPER', 'A4复印纸', '70g 500张/包', '包', 'office', false, false, false),
		('MAT-TONER', '打印机硒鼓', 'HP 88A 原装', '个', 'office', false, false, true)
	ON CONFLICT DO NOTHING`,

	`INSERT INTO purchase_plans (id, name, department_id, year) VALUES
		('PLAN-2026-ENG', '研发部2026年度采购计划', 'engineering', 2026),
		('PLAN-2026-WH', '采购仓储部2026年度采购计划', 'warehouse', 2026)
	ON CONFLICT DO NOTHING`,

	`INSERT INTO plan_lines (plan_id, material_id, quantity) VALUES
		('PLAN-2026-ENG', 'MAT-LAPTOP', 20),
		('PLAN-2026-ENG', 'MAT-SERVO', 10),
		('PLAN-2026-ENG', 'MAT-MONITOR', 30),
		('PLAN-2026-ENG', 'MAT-PAPER', 200),
		('PLAN-2026-ENG', 'MAT-TONER', 40),
		('PLAN-2026-WH', 'MAT-LAPTOP', 5),
		('PLAN-2026-WH', 'MAT-PAPER', 500),
		('PLAN-2026-WH', 'MAT-TONER', 60)
	ON CONFLICT DO NOTHING`,

	`INSERT INTO stock (material_id, on_hand) VALUES
		('MAT-LAPTOP', 2),
		('MAT-PAPER', 50),
		('MAT-TONER', 5)
	ON CONFLICT DO NOTHING`,
}
