package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"signoff/procure"
)

// Supplier master data (供应商): suppliers, their certificates and an audit row for every
// change, written in the transaction of the change. A supplier carries a revision; a change
// names the revision it was made from and is refused with *StaleRevisionError when the supplier
// has changed since.

// Actions of the supplier audit trail.
const (
	SupplierCreated   = "created"
	SupplierUpdated   = "updated"
	SupplierSuspended = "suspended"
	SupplierAdmitted  = "admitted"
	CertificateAdded  = "certificate_added"
)

// ErrReasonRequired says a supplier cannot be suspended without a reason.
var ErrReasonRequired = errors.New("a reason is required")

// StaleRevisionError says a supplier changed since the revision a change was made from.
type StaleRevisionError struct {
	SupplierID string
	Revision   int // the change's
	Current    int // the supplier's
}

func (e *StaleRevisionError) Error() string {
	return fmt.Sprintf("supplier %s is at revision %d, not %d", e.SupplierID, e.Current, e.Revision)
}

// DuplicateError says a row with the same key exists: Field is the key that is taken (a
// supplier's "id" or "name", a certificate's "number"). It is an ErrConflict.
type DuplicateError struct {
	Field string
}

func (e *DuplicateError) Error() string { return "conflict: duplicate " + e.Field }

// Is makes a DuplicateError match ErrConflict.
func (e *DuplicateError) Is(target error) bool { return target == ErrConflict }

// duplicate maps a unique violation of one of the named constraints to *DuplicateError, and
// anything else as mapErr does.
func duplicate(err error, fields map[string]string) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		if f, ok := fields[pg.ConstraintName]; ok {
			return &DuplicateError{Field: f}
		}
	}
	return mapErr(err)
}

var (
	supplierKeys    = map[string]string{"suppliers_pkey": "id", "suppliers_name": "name"}
	certificateKeys = map[string]string{"supplier_certificates_supplier_id_kind_number_key": "number"}
)

// SupplierFilter narrows the supplier list. Zero values mean no narrowing.
type SupplierFilter struct {
	Status    string
	Query     string // part of the ID or the name, any case
	Strategic *bool
}

// NewSupplier is a supplier being created; it starts admitted at revision 1.
type NewSupplier struct {
	ID        string
	Name      string
	Kind      string
	Grade     string
	Strategic bool
	Contact   string
}

// SupplierChanges are the fields a change sets; nil leaves a field as it is.
type SupplierChanges struct {
	Name      *string
	Kind      *string
	Grade     *string
	Strategic *bool
	Contact   *string
}

// NewCertificate is a certificate being added. ValidFrom and ValidTo are days (midnight UTC);
// AttachmentID, if set, is the adder's own upload that no case or certificate has taken.
type NewCertificate struct {
	Kind         string
	Number       string
	ValidFrom    time.Time
	ValidTo      time.Time
	AttachmentID string
}

// SupplierAuditEntry is one change of a supplier: who, what and when.
type SupplierAuditEntry struct {
	ID      int64          `json:"id"`
	ActorID string         `json:"actor_id"`
	Action  string         `json:"action"`
	Detail  map[string]any `json:"detail"`
	At      time.Time      `json:"at"`
}

const supplierColumns = `id, name, kind, status, status_reason, grade, strategic, contact, revision, updated_at`

func scanSupplier(r pgx.CollectableRow) (procure.Supplier, error) {
	var p procure.Supplier
	err := r.Scan(&p.ID, &p.Name, &p.Kind, &p.Status, &p.StatusReason, &p.Grade, &p.Strategic, &p.Contact,
		&p.Revision, &p.UpdatedAt)
	p.Certificates = []procure.Certificate{}
	return p, err
}

// Suppliers lists the suppliers the filter lets through, by ID, each with its certificates.
func (s *Store) Suppliers(ctx context.Context, f SupplierFilter) ([]procure.Supplier, error) {
	const q = `SELECT ` + supplierColumns + ` FROM suppliers
		WHERE ($1 = '' OR status = $1)
		  AND ($2 = '' OR strpos(lower(name), lower($2)) > 0 OR strpos(id, upper($2)) > 0)
		  AND ($3::boolean IS NULL OR strategic = $3)
		ORDER BY id`
	rows, err := s.pool.Query(ctx, q, f.Status, strings.TrimSpace(f.Query), f.Strategic)
	if err != nil {
		return nil, fmt.Errorf("suppliers: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanSupplier)
	if err != nil {
		return nil, fmt.Errorf("suppliers: %w", err)
	}
	if err := withCertificates(ctx, s.pool, list); err != nil {
		return nil, fmt.Errorf("suppliers: %w", err)
	}
	return list, nil
}

// Supplier returns a supplier with its certificates, the newest valid_to first, or ErrNotFound.
func (s *Store) Supplier(ctx context.Context, id string) (procure.Supplier, error) {
	p, err := supplierIn(ctx, s.pool, id, false)
	if err != nil {
		return procure.Supplier{}, fmt.Errorf("supplier %s: %w", id, err)
	}
	return p, nil
}

// supplierIn reads a supplier and its certificates through q; forUpdate locks its row.
func supplierIn(ctx context.Context, q querier, id string, forUpdate bool) (procure.Supplier, error) {
	sql := `SELECT ` + supplierColumns + ` FROM suppliers WHERE id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	rows, err := q.Query(ctx, sql, id)
	if err != nil {
		return procure.Supplier{}, err
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanSupplier)
	if err != nil {
		return procure.Supplier{}, notFound(err)
	}
	list := []procure.Supplier{p}
	if err := withCertificates(ctx, q, list); err != nil {
		return procure.Supplier{}, err
	}
	return list[0], nil
}

// withCertificates fills in the certificates of the listed suppliers, newest valid_to first.
func withCertificates(ctx context.Context, q querier, list []procure.Supplier) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]string, len(list))
	at := make(map[string]int, len(list))
	for i, p := range list {
		ids[i], at[p.ID] = p.ID, i
	}
	const sql = `SELECT supplier_id, id, kind, number, valid_from, valid_to, coalesce(attachment_id, '')
		FROM supplier_certificates WHERE supplier_id = ANY($1)
		ORDER BY supplier_id, valid_to DESC, id DESC`
	rows, err := q.Query(ctx, sql, ids)
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	var supplier string
	var c procure.Certificate
	_, err = pgx.ForEachRow(rows, []any{&supplier, &c.ID, &c.Kind, &c.Number, &c.ValidFrom, &c.ValidTo, &c.AttachmentID}, func() error {
		i := at[supplier]
		list[i].Certificates = append(list[i].Certificates, c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	return nil
}

// CreateSupplier records a new, admitted supplier. A taken ID or name (any case) fails with
// *DuplicateError.
func (s *Store) CreateSupplier(ctx context.Context, actor string, n NewSupplier) (procure.Supplier, error) {
	var p procure.Supplier
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		const q = `INSERT INTO suppliers (id, name, kind, status, grade, strategic, contact)
			VALUES ($1, $2, $3, 'admitted', $4, $5, $6) RETURNING ` + supplierColumns
		rows, err := tx.Query(ctx, q, n.ID, n.Name, n.Kind, n.Grade, n.Strategic, n.Contact)
		if err != nil {
			return err
		}
		if p, err = pgx.CollectExactlyOneRow(rows, scanSupplier); err != nil {
			return duplicate(err, supplierKeys)
		}
		return audit(ctx, tx, n.ID, actor, SupplierCreated, map[string]any{
			"name": n.Name, "kind": n.Kind, "grade": n.Grade, "strategic": n.Strategic, "contact": n.Contact})
	})
	if err != nil {
		return procure.Supplier{}, fmt.Errorf("create supplier %s: %w", n.ID, err)
	}
	return p, nil
}

// UpdateSupplier applies changes made from the given revision and returns the supplier as it
// now is. A change that sets every field to what it already is writes nothing.
func (s *Store) UpdateSupplier(ctx context.Context, actor, id string, revision int, c SupplierChanges) (procure.Supplier, error) {
	var out procure.Supplier
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := lockRevision(ctx, tx, id, revision)
		if err != nil {
			return err
		}
		next := cur
		changed := map[string]any{}
		set := func(field string, to *string, dst *string) {
			if to != nil && *to != *dst {
				changed[field] = map[string]any{"from": *dst, "to": *to}
				*dst = *to
			}
		}
		set("name", c.Name, &next.Name)
		set("kind", c.Kind, &next.Kind)
		set("grade", c.Grade, &next.Grade)
		set("contact", c.Contact, &next.Contact)
		if c.Strategic != nil && *c.Strategic != next.Strategic {
			changed["strategic"] = map[string]any{"from": next.Strategic, "to": *c.Strategic}
			next.Strategic = *c.Strategic
		}
		if len(changed) == 0 {
			out = cur
			return nil
		}
		const q = `UPDATE suppliers SET name = $2, kind = $3, grade = $4, strategic = $5, contact = $6,
			revision = revision + 1, updated_at = now() WHERE id = $1`
		if _, err := tx.Exec(ctx, q, id, next.Name, next.Kind, next.Grade, next.Strategic, next.Contact); err != nil {
			return duplicate(err, supplierKeys)
		}
		if err := audit(ctx, tx, id, actor, SupplierUpdated, changed); err != nil {
			return err
		}
		out, err = supplierIn(ctx, tx, id, false)
		return err
	})
	if err != nil {
		return procure.Supplier{}, fmt.Errorf("update supplier %s: %w", id, err)
	}
	return out, nil
}

// SetSupplierStatus admits or suspends a supplier, from the given revision, with a reason; a
// suspension needs one (ErrReasonRequired).
func (s *Store) SetSupplierStatus(ctx context.Context, actor, id string, revision int, status, reason string) (procure.Supplier, error) {
	reason = strings.TrimSpace(reason)
	var action string
	switch status {
	case procure.SupplierSuspended:
		action = SupplierSuspended
		if reason == "" {
			return procure.Supplier{}, fmt.Errorf("suspend supplier %s: %w", id, ErrReasonRequired)
		}
	case procure.SupplierAdmitted:
		action = SupplierAdmitted
	default:
		return procure.Supplier{}, fmt.Errorf("supplier %s: unknown status %q", id, status)
	}
	var out procure.Supplier
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := lockRevision(ctx, tx, id, revision)
		if err != nil {
			return err
		}
		const q = `UPDATE suppliers SET status = $2, status_reason = $3, revision = revision + 1, updated_at = now()
			WHERE id = $1`
		if _, err := tx.Exec(ctx, q, id, status, reason); err != nil {
			return mapErr(err)
		}
		if err := audit(ctx, tx, id, actor, action, map[string]any{"from": cur.Status, "to": status, "reason": reason}); err != nil {
			return err
		}
		out, err = supplierIn(ctx, tx, id, false)
		return err
	})
	if err != nil {
		return procure.Supplier{}, fmt.Errorf("%s supplier %s: %w", status, id, err)
	}
	return out, nil
}

// lockRevision locks a supplier for a change made from revision: ErrNotFound when there is no
// such supplier, *StaleRevisionError when it has moved on.
func lockRevision(ctx context.Context, tx pgx.Tx, id string, revision int) (procure.Supplier, error) {
	cur, err := supplierIn(ctx, tx, id, true)
	if err != nil {
		return procure.Supplier{}, err
	}
	if cur.Revision != revision {
		return procure.Supplier{}, &StaleRevisionError{SupplierID: id, Revision: revision, Current: cur.Revision}
	}
	return cur, nil
}

// AddCertificate records a certificate of a supplier. Its scan, if named, must be the actor's
// own upload that no case or certificate has taken (*AttachmentError otherwise); it is marked
// linked so that the stale-upload sweep keeps it. The same kind and number twice fails with
// *DuplicateError.
func (s *Store) AddCertificate(ctx context.Context, actor, supplierID string, n NewCertificate) (procure.Certificate, error) {
	c := procure.Certificate{Kind: n.Kind, Number: n.Number, ValidFrom: n.ValidFrom, ValidTo: n.ValidTo, AttachmentID: n.AttachmentID}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var id string
		if err := tx.QueryRow(ctx, `SELECT id FROM suppliers WHERE id = $1 FOR UPDATE`, supplierID).Scan(&id); err != nil {
			return notFound(err)
		}
		var attachment *string
		if n.AttachmentID != "" {
			const link = `UPDATE attachments SET linked_at = now()
				WHERE id = $1 AND uploader_id = $2 AND case_id IS NULL AND linked_at IS NULL RETURNING id`
			if err := tx.QueryRow(ctx, link, n.AttachmentID, actor).Scan(&id); err != nil {
				if errors.Is(err, pgx.ErrNoRows) {
					return &AttachmentError{IDs: []string{n.AttachmentID}}
				}
				return err
			}
			attachment = &n.AttachmentID
		}
		const q = `INSERT INTO supplier_certificates (supplier_id, kind, number, valid_from, valid_to, attachment_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
		if err := tx.QueryRow(ctx, q, supplierID, n.Kind, n.Number, n.ValidFrom, n.ValidTo, attachment).Scan(&c.ID); err != nil {
			return duplicate(err, certificateKeys)
		}
		if _, err := tx.Exec(ctx, `UPDATE suppliers SET updated_at = now() WHERE id = $1`, supplierID); err != nil {
			return err
		}
		return audit(ctx, tx, supplierID, actor, CertificateAdded, map[string]any{"certificate_id": c.ID,
			"kind": n.Kind, "number": n.Number, "valid_from": n.ValidFrom.Format(time.DateOnly),
			"valid_to": n.ValidTo.Format(time.DateOnly), "attachment_id": n.AttachmentID})
	})
	if err != nil {
		return procure.Certificate{}, fmt.Errorf("add certificate to %s: %w", supplierID, err)
	}
	return c, nil
}

// audit writes one row of a supplier's audit trail.
func audit(ctx context.Context, tx pgx.Tx, supplierID, actor, action string, detail map[string]any) error {
	const q = `INSERT INTO supplier_audit (supplier_id, actor_id, action, detail) VALUES ($1, $2, $3, $4)`
	if _, err := tx.Exec(ctx, q, supplierID, actor, action, detail); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// SupplierAudit returns a supplier's audit trail, the latest change first.
func (s *Store) SupplierAudit(ctx context.Context, id string) ([]SupplierAuditEntry, error) {
	const q = `SELECT id, actor_id, action, detail, at FROM supplier_audit WHERE supplier_id = $1
		ORDER BY at DESC, id DESC LIMIT 500`
	rows, err := s.pool.Query(ctx, q, id)
	if err != nil {
		return nil, fmt.Errorf("audit of %s: %w", id, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SupplierAuditEntry, error) {
		var e SupplierAuditEntry
		err := r.Scan(&e.ID, &e.ActorID, &e.Action, &e.Detail, &e.At)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("audit of %s: %w", id, err)
	}
	return list, nil
}

// IsSharedAttachment reports whether an attachment on no case belongs to something every
// signed-in user may read: the scan of a supplier certificate, or a production problem's photo
// or report (problems are open to the whole plant).
func (s *Store) IsSharedAttachment(ctx context.Context, attachmentID string) (bool, error) {
	var ok bool
	const q = `SELECT EXISTS (SELECT 1 FROM supplier_certificates WHERE attachment_id = $1)
		OR EXISTS (SELECT 1 FROM attachments WHERE id = $1 AND problem_id IS NOT NULL)`
	if err := s.pool.QueryRow(ctx, q, attachmentID).Scan(&ok); err != nil {
		return false, fmt.Errorf("shared attachment %s: %w", attachmentID, err)
	}
	return ok, nil
}

// ImportedSupplier is a supplier taken over as it stands in an earlier register: its status,
// with the reason of a suspension, and its certificates (numbers and periods; scans stay
// behind, so AttachmentID must be empty).
type ImportedSupplier struct {
	NewSupplier
	Status       string // procure.SupplierAdmitted or procure.SupplierSuspended
	StatusReason string
	Certificates []NewCertificate
}

// ImportSupplier writes a supplier taken over from an earlier register with its status and
// certificates, at revision 1, and one "created" audit row marked imported. A supplier whose ID
// or name is already taken is left as it is and reported false, so an import may run again
// without undoing what people changed since.
func (s *Store) ImportSupplier(ctx context.Context, actor string, n ImportedSupplier) (bool, error) {
	n.StatusReason = strings.TrimSpace(n.StatusReason)
	switch {
	case n.Status == procure.SupplierSuspended && n.StatusReason == "":
		return false, fmt.Errorf("import supplier %s: %w", n.ID, ErrReasonRequired)
	case n.Status != procure.SupplierSuspended && n.Status != procure.SupplierAdmitted:
		return false, fmt.Errorf("import supplier %s: unknown status %q", n.ID, n.Status)
	}
	for _, c := range n.Certificates {
		if c.AttachmentID != "" {
			return false, fmt.Errorf("import supplier %s: certificate %s: scans are not imported", n.ID, c.Number)
		}
	}
	created := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// Any taken key (ID or name) means the supplier is already known: leave it alone.
		const q = `INSERT INTO suppliers (id, name, kind, status, status_reason, grade, strategic, contact)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id`
		var id string
		err := tx.QueryRow(ctx, q, n.ID, n.Name, n.Kind, n.Status, n.StatusReason, n.Grade, n.Strategic, n.Contact).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return mapErr(err)
		}
		const cert = `INSERT INTO supplier_certificates (supplier_id, kind, number, valid_from, valid_to)
			VALUES ($1, $2, $3, $4, $5)`
		b := &pgx.Batch{}
		for _, c := range n.Certificates {
			b.Queue(cert, n.ID, c.Kind, c.Number, c.ValidFrom, c.ValidTo)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return duplicate(err, certificateKeys)
		}
		created = true
		return audit(ctx, tx, n.ID, actor, SupplierCreated, map[string]any{"imported": true,
			"name": n.Name, "kind": n.Kind, "grade": n.Grade, "strategic": n.Strategic, "contact": n.Contact,
			"status": n.Status, "status_reason": n.StatusReason, "certificates": len(n.Certificates)})
	})
	if err != nil {
		return false, fmt.Errorf("import supplier %s: %w", n.ID, err)
	}
	return created, nil
}
