package service

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"signoff/policy"
	"signoff/procure"
	"signoff/store"
)

// Supplier master data (供应商). Everyone signed in may read it; changing it (create, change,
// admit or suspend, record a certificate) is the policy's capability suppliers.edit. Every
// change names the revision it was made from, so that a buyer working from an old page is told
// instead of overwriting someone else's change. How certificates stand on a day and which change
// of status needs a reason are procure's rules; the form of what was typed is checked here.

// Limits of supplier master data as typed by a person.
const (
	maxSupplierName  = 100
	maxSupplierText  = 200 // contact, search text
	maxStatusReason  = 500
	maxCertificateNo = 64
)

var supplierIDPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,31}$`)

// SupplierInput is a new supplier as a client sends it.
type SupplierInput struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Grade     string `json:"grade"`
	Strategic bool   `json:"strategic"`
	Contact   string `json:"contact"`
}

// SupplierPatch changes some of a supplier's fields, made from the revision the client read; a
// nil field is left as it is.
type SupplierPatch struct {
	Revision  *int    `json:"revision"`
	Name      *string `json:"name"`
	Kind      *string `json:"kind"`
	Grade     *string `json:"grade"`
	Strategic *bool   `json:"strategic"`
	Contact   *string `json:"contact"`
}

// SupplierStatusInput admits or suspends a supplier.
type SupplierStatusInput struct {
	Status   string `json:"status"`
	Reason   string `json:"reason"`
	Revision *int   `json:"revision"`
}

// CertificateInput is a certificate as a client sends it; the scan is an upload of the caller's
// (POST /attachments).
type CertificateInput struct {
	Kind         string `json:"kind"`
	Number       string `json:"number"`
	ValidFrom    string `json:"valid_from"` // YYYY-MM-DD
	ValidTo      string `json:"valid_to"`   // YYYY-MM-DD, inclusive
	AttachmentID string `json:"attachment_id"`
}

// SupplierRef names a supplier where something else is shown (an order, a request).
type SupplierRef struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Grade     string `json:"grade"`
	Strategic bool   `json:"strategic"`
	Status    string `json:"status"`
}

func supplierRefOf(p procure.Supplier) SupplierRef {
	return SupplierRef{ID: p.ID, Name: p.Name, Grade: p.Grade, Strategic: p.Strategic, Status: p.Status}
}

// SupplierView is a supplier as clients see it, its certificates judged today.
type SupplierView struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Kind             string            `json:"kind"`
	Status           string            `json:"status"`
	StatusReason     string            `json:"status_reason"`
	Grade            string            `json:"grade"`
	Strategic        bool              `json:"strategic"`
	Contact          string            `json:"contact"`
	Revision         int               `json:"revision"`
	UpdatedAt        time.Time         `json:"updated_at"`
	CertificateState string            `json:"certificate_state"`
	Certificates     []CertificateView `json:"certificates"`
}

// CertificateView is a certificate as clients see it, judged today.
type CertificateView struct {
	ID           int64   `json:"id"`
	Kind         string  `json:"kind"`
	Number       string  `json:"number"`
	ValidFrom    string  `json:"valid_from"`
	ValidTo      string  `json:"valid_to"`
	State        string  `json:"state"`
	AttachmentID *string `json:"attachment_id"`
}

// SupplierDetail is a supplier with its audit trail, latest change first.
type SupplierDetail struct {
	SupplierView
	Audit []AuditView `json:"audit"`
}

// AuditView is one change of a supplier.
type AuditView struct {
	Actor  UserRef        `json:"actor"`
	Action string         `json:"action"`
	Detail map[string]any `json:"detail"`
	At     time.Time      `json:"at"`
}

// SupplierList is the suppliers a query lets through, by ID.
type SupplierList struct {
	Items []SupplierView `json:"items"`
}

// CertificateClock judges certificates: today in the policy's timezone and the kinds the policy
// requires.
type CertificateClock struct {
	today    time.Time // midnight UTC of the day
	required []string
}

// CertificateClock reads today and the required kinds from the latest policy. Without a policy
// it judges in UTC with nothing required, so that a list still shows.
func (s *Service) CertificateClock(ctx context.Context) CertificateClock {
	loc := time.UTC
	var required []string
	if _, doc, err := s.policies.Latest(ctx); err == nil {
		required = doc.Procurement.RequiredCertificates
		if l, err := LoadLocation(doc.Calendar.Timezone); err == nil {
			loc = l
		}
	}
	y, m, d := s.now().In(loc).Date()
	return CertificateClock{today: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), required: required}
}

// View is a supplier as clients see it.
func (c CertificateClock) View(p procure.Supplier) SupplierView {
	v := SupplierView{ID: p.ID, Name: p.Name, Kind: p.Kind, Status: p.Status, StatusReason: p.StatusReason,
		Grade: p.Grade, Strategic: p.Strategic, Contact: p.Contact, Revision: p.Revision, UpdatedAt: p.UpdatedAt.UTC(),
		CertificateState: procure.CertificatesState(c.required, p.Certificates, c.today), Certificates: []CertificateView{}}
	for _, cert := range p.Certificates {
		v.Certificates = append(v.Certificates, c.CertificateView(cert))
	}
	return v
}

// CertificateView is a certificate as clients see it.
func (c CertificateClock) CertificateView(cert procure.Certificate) CertificateView {
	v := CertificateView{ID: cert.ID, Kind: cert.Kind, Number: cert.Number, ValidFrom: cert.ValidFrom.Format(time.DateOnly),
		ValidTo: cert.ValidTo.Format(time.DateOnly), State: cert.StateOn(c.today)}
	if cert.AttachmentID != "" {
		v.AttachmentID = &cert.AttachmentID
	}
	return v
}

// Suppliers lists the suppliers a query lets through: status, q (part of the ID or the name)
// and strategic ("true" or "false").
func (s *Service) Suppliers(ctx context.Context, q url.Values) (SupplierList, error) {
	bad := FieldErrors{}
	f := store.SupplierFilter{Status: q.Get("status")}
	if f.Status != "" && !slices.Contains(procure.SupplierStatuses, f.Status) {
		bad.Add("status", "one_of", procure.SupplierStatuses)
	}
	f.Query = checkText(bad, "q", q.Get("q"), maxSupplierText, false)
	switch v := q.Get("strategic"); v {
	case "":
	case "true", "false":
		strategic := v == "true"
		f.Strategic = &strategic
	default:
		bad.Add("strategic", "bool")
	}
	if err := bad.Err(); err != nil {
		return SupplierList{}, err
	}
	list, err := s.store.Suppliers(ctx, f)
	if err != nil {
		return SupplierList{}, fmt.Errorf("list suppliers: %w", err)
	}
	clock := s.CertificateClock(ctx)
	out := SupplierList{Items: make([]SupplierView, 0, len(list))}
	for _, p := range list {
		out.Items = append(out.Items, clock.View(p))
	}
	return out, nil
}

// Supplier reads a supplier with its audit trail and the names of its actors.
func (s *Service) Supplier(ctx context.Context, id string) (SupplierDetail, error) {
	p, err := s.store.Supplier(ctx, id)
	if err != nil {
		return SupplierDetail{}, fmt.Errorf("supplier: %w", err)
	}
	trail, err := s.store.SupplierAudit(ctx, id)
	if err != nil {
		return SupplierDetail{}, fmt.Errorf("supplier: %w", err)
	}
	actors := make([]string, 0, len(trail))
	for _, e := range trail {
		actors = append(actors, e.ActorID)
	}
	names, err := s.names(ctx, actors)
	if err != nil {
		return SupplierDetail{}, err
	}
	d := SupplierDetail{SupplierView: s.CertificateClock(ctx).View(p), Audit: []AuditView{}}
	for _, e := range trail {
		d.Audit = append(d.Audit, AuditView{Actor: names.ref(e.ActorID), Action: e.Action, Detail: e.Detail, At: e.At.UTC()})
	}
	return d, nil
}

// readBack reads a supplier just changed, as GET /suppliers/{id} shows it.
func (s *Service) readBack(ctx context.Context, id string) (SupplierDetail, error) {
	d, err := s.Supplier(ctx, id)
	if err != nil {
		return SupplierDetail{}, Internal(fmt.Errorf("read back supplier %s: %w", id, err))
	}
	return d, nil
}

// CreateSupplier records a new, admitted supplier for u.
func (s *Service) CreateSupplier(ctx context.Context, u store.User, in SupplierInput) (SupplierDetail, error) {
	if err := s.Require(ctx, u, policy.CapSuppliersEdit); err != nil {
		return SupplierDetail{}, err
	}
	n, bad := checkNewSupplier(in)
	if err := bad.Err(); err != nil {
		return SupplierDetail{}, err
	}
	p, err := s.store.CreateSupplier(ctx, u.ID, n)
	if err != nil {
		return SupplierDetail{}, fmt.Errorf("create supplier: %w", supplierRefusal(err))
	}
	return s.readBack(ctx, p.ID)
}

// ChangeSupplier applies u's changes to a supplier.
func (s *Service) ChangeSupplier(ctx context.Context, u store.User, id string, in SupplierPatch) (SupplierDetail, error) {
	if err := s.Require(ctx, u, policy.CapSuppliersEdit); err != nil {
		return SupplierDetail{}, err
	}
	c, bad := checkSupplierPatch(in)
	if err := bad.Err(); err != nil {
		return SupplierDetail{}, err
	}
	p, err := s.store.UpdateSupplier(ctx, u.ID, id, *in.Revision, c)
	if err != nil {
		return SupplierDetail{}, fmt.Errorf("update supplier: %w", supplierRefusal(err))
	}
	return s.readBack(ctx, p.ID)
}

// SetSupplierStatus admits or suspends a supplier for u.
func (s *Service) SetSupplierStatus(ctx context.Context, u store.User, id string, in SupplierStatusInput) (SupplierDetail, error) {
	if err := s.Require(ctx, u, policy.CapSuppliersEdit); err != nil {
		return SupplierDetail{}, err
	}
	reason, bad := checkSupplierStatus(in)
	if err := bad.Err(); err != nil {
		return SupplierDetail{}, err
	}
	p, err := s.store.SetSupplierStatus(ctx, u.ID, id, *in.Revision, in.Status, reason)
	if err != nil {
		return SupplierDetail{}, fmt.Errorf("supplier status: %w", supplierRefusal(err))
	}
	return s.readBack(ctx, p.ID)
}

// AddCertificate records u's certificate of a supplier. Problems already found (the web page's
// upload) come in bad, so that every problem is reported at once and none writes.
func (s *Service) AddCertificate(ctx context.Context, u store.User, id string, in CertificateInput, bad FieldErrors) (CertificateView, error) {
	if err := s.Require(ctx, u, policy.CapSuppliersEdit); err != nil {
		return CertificateView{}, err
	}
	n := checkCertificate(in, bad)
	if err := bad.Err(); err != nil {
		return CertificateView{}, err
	}
	c, err := s.store.AddCertificate(ctx, u.ID, id, n)
	if err != nil {
		return CertificateView{}, fmt.Errorf("add certificate: %w", supplierRefusal(err))
	}
	return s.CertificateClock(ctx).CertificateView(c), nil
}

// CertificateScan is the scan a certificate form carries for u: a new file, stored now as u's
// upload (its problems in bad, under attachment_id), or else the upload kept from an earlier,
// refused post of the form; nil when there is none. A file is stored even when the rest of the
// form is refused, so that the form sent back keeps it.
func (s *Service) CertificateScan(ctx context.Context, u store.User, kept string, file *Upload, limit int64, bad FieldErrors) (*store.Attachment, error) {
	if err := s.Require(ctx, u, policy.CapSuppliersEdit); err != nil {
		return nil, err
	}
	var scan *store.Attachment
	if kept != "" {
		list, err := s.store.UnlinkedAttachments(ctx, u.ID, []string{kept})
		if err != nil {
			return nil, fmt.Errorf("certificate scan: %w", err)
		}
		if len(list) == 1 {
			scan = &list[0]
		}
	}
	if file == nil {
		return scan, nil
	}
	na, ok := checkUpload(bad, "attachment_id", *file, limit)
	if !ok {
		return scan, nil
	}
	na.UploaderID = u.ID
	a, err := s.store.SaveAttachment(ctx, na)
	if err != nil {
		return nil, fmt.Errorf("certificate scan: %w", err)
	}
	return &a, nil
}

// SupplierNames names every supplier by ID, for lists that show other things (orders).
func (s *Service) SupplierNames(ctx context.Context) (map[string]string, error) {
	list, err := s.store.Suppliers(ctx, store.SupplierFilter{})
	if err != nil {
		return nil, fmt.Errorf("supplier names: %w", err)
	}
	names := make(map[string]string, len(list))
	for _, p := range list {
		names[p.ID] = p.Name
	}
	return names, nil
}

// checkNewSupplier checks a new supplier's form.
func checkNewSupplier(in SupplierInput) (store.NewSupplier, FieldErrors) {
	bad := FieldErrors{}
	n := store.NewSupplier{ID: strings.TrimSpace(in.ID), Strategic: in.Strategic, Kind: in.Kind, Grade: in.Grade}
	switch {
	case n.ID == "":
		bad.Add("id", "required")
	case !supplierIDPattern.MatchString(n.ID):
		bad.Add("id", "supplier_id")
	}
	n.Name = checkText(bad, "name", in.Name, maxSupplierName, true)
	checkChoice(bad, "kind", n.Kind, procure.SupplierKinds)
	checkChoice(bad, "grade", n.Grade, procure.Grades)
	n.Contact = checkText(bad, "contact", in.Contact, maxSupplierText, false)
	return n, bad
}

// checkSupplierPatch checks a change's form: its revision, and the fields it sets.
func checkSupplierPatch(in SupplierPatch) (store.SupplierChanges, FieldErrors) {
	bad := FieldErrors{}
	if in.Revision == nil {
		bad.Add("revision", "required")
	}
	var c store.SupplierChanges
	if in.Name != nil {
		v := checkText(bad, "name", *in.Name, maxSupplierName, true)
		c.Name = &v
	}
	if in.Kind != nil {
		checkChoice(bad, "kind", *in.Kind, procure.SupplierKinds)
		c.Kind = in.Kind
	}
	if in.Grade != nil {
		checkChoice(bad, "grade", *in.Grade, procure.Grades)
		c.Grade = in.Grade
	}
	if in.Contact != nil {
		v := checkText(bad, "contact", *in.Contact, maxSupplierText, false)
		c.Contact = &v
	}
	c.Strategic = in.Strategic
	if c == (store.SupplierChanges{}) {
		bad.Add("body", "no_changes")
	}
	return c, bad
}

// checkSupplierStatus checks a change of status and returns its reason, trimmed.
func checkSupplierStatus(in SupplierStatusInput) (string, FieldErrors) {
	bad := FieldErrors{}
	checkChoice(bad, "status", in.Status, procure.SupplierStatuses)
	reason := checkText(bad, "reason", in.Reason, maxStatusReason, false)
	if reason == "" && procure.ReasonRequired(in.Status) {
		bad.Add("reason", "suspend_reason")
	}
	if in.Revision == nil {
		bad.Add("revision", "required")
	}
	return reason, bad
}

// checkCertificate checks a certificate's form, adding its problems to bad.
func checkCertificate(in CertificateInput, bad FieldErrors) store.NewCertificate {
	checkChoice(bad, "kind", in.Kind, policy.CertificateKinds)
	n := store.NewCertificate{Kind: in.Kind, AttachmentID: strings.TrimSpace(in.AttachmentID)}
	n.Number = checkText(bad, "number", in.Number, maxCertificateNo, true)
	var fromOK, toOK bool
	n.ValidFrom, fromOK = checkDay(bad, "valid_from", in.ValidFrom)
	n.ValidTo, toOK = checkDay(bad, "valid_to", in.ValidTo)
	if fromOK && toOK && n.ValidTo.Before(n.ValidFrom) {
		bad.Add("valid_to", "valid_to_before_from")
	}
	return n
}

// SupplierDemands are the fields of a new supplier its check demands: what the create form
// marks required.
var SupplierDemands = sync.OnceValue(func() Demands {
	return demandsOf([]string{"id", "name", "kind", "grade", "contact"}, func(field string) FieldErrors {
		in := SupplierInput{ID: "SUP-1", Name: "name", Kind: procure.KindManufacturer, Grade: procure.Grades[0], Contact: "contact"}
		for name, dst := range map[string]*string{"id": &in.ID, "name": &in.Name, "kind": &in.Kind, "grade": &in.Grade, "contact": &in.Contact} {
			if name == field {
				*dst = ""
			}
		}
		_, bad := checkNewSupplier(in)
		return bad
	})
})

// SupplierChangeDemands are the fields a change that sets every field demands: what the edit
// form, which sends them all, marks required.
var SupplierChangeDemands = sync.OnceValue(func() Demands {
	return demandsOf([]string{"name", "kind", "grade", "contact"}, func(field string) FieldErrors {
		rev, name, kind, grade, contact, strategic := 1, "name", procure.KindManufacturer, procure.Grades[0], "contact", false
		in := SupplierPatch{Revision: &rev, Name: &name, Kind: &kind, Grade: &grade, Contact: &contact, Strategic: &strategic}
		for n, dst := range map[string]*string{"name": &name, "kind": &kind, "grade": &grade, "contact": &contact} {
			if n == field {
				*dst = ""
			}
		}
		_, bad := checkSupplierPatch(in)
		return bad
	})
})

// SupplierStatusDemands are the fields a change of a supplier to status demands: what the
// status form marks required (a suspension's reason).
func SupplierStatusDemands(status string) Demands {
	return demandsOf([]string{"reason"}, func(string) FieldErrors {
		rev := 1
		_, bad := checkSupplierStatus(SupplierStatusInput{Status: status, Revision: &rev})
		return bad
	})
}

// CertificateDemands are the fields of a certificate its check demands: what the certificate
// form marks required.
var CertificateDemands = sync.OnceValue(func() Demands {
	return demandsOf([]string{"kind", "number", "valid_from", "valid_to", "attachment_id"}, func(field string) FieldErrors {
		in := CertificateInput{Kind: policy.CertificateKinds[0], Number: "N-1", ValidFrom: "2026-01-01", ValidTo: "2026-12-31",
			AttachmentID: "att_1"}
		for name, dst := range map[string]*string{"kind": &in.Kind, "number": &in.Number, "valid_from": &in.ValidFrom,
			"valid_to": &in.ValidTo, "attachment_id": &in.AttachmentID} {
			if name == field {
				*dst = ""
			}
		}
		bad := FieldErrors{}
		checkCertificate(in, bad)
		return bad
	})
})

// StaleSupplierError refuses a change made from a revision the supplier has moved on from.
type StaleSupplierError struct {
	Revision int // the change's
	Current  int // the supplier's
}

func (e *StaleSupplierError) Error() string {
	return fmt.Sprintf("The supplier changed since revision %d; it is now at revision %d. Read it again and retry.",
		e.Revision, e.Current)
}

// As lets the doors see the refusal as the conflict it is (stale_revision, details.revision
// the current one).
func (e *StaleSupplierError) As(target any) bool {
	t, ok := target.(**Error)
	if !ok {
		return false
	}
	*t = &Error{Kind: KindConflict, Code: "stale_revision", Message: e.Error(), Details: map[string]any{"revision": e.Current}}
	return true
}

// DuplicateError refuses a supplier or certificate whose Field (id, name, number) is taken.
type DuplicateError struct{ Field string }

func (e *DuplicateError) Error() string { return fmt.Sprintf("The %s is already taken.", e.Field) }

// As lets the doors see the refusal as the conflict it is (duplicate, details.field).
func (e *DuplicateError) As(target any) bool {
	t, ok := target.(**Error)
	if !ok {
		return false
	}
	*t = &Error{Kind: KindConflict, Code: "duplicate", Message: e.Error(), Details: map[string]any{"field": e.Field}}
	return true
}

// supplierRefusal says the store's refusals of a supplier change in the service's terms.
func supplierRefusal(err error) error {
	var (
		stale  *store.StaleRevisionError
		dup    *store.DuplicateError
		attach *store.AttachmentError
	)
	switch {
	case errors.As(err, &stale):
		return &StaleSupplierError{Revision: stale.Revision, Current: stale.Current}
	case errors.As(err, &dup):
		return &DuplicateError{Field: dup.Field}
	case errors.As(err, &attach):
		return FieldErrors{"attachment_id": {Key: "attachment_unavailable", Args: []any{strings.Join(attach.IDs, ", ")}}}.Err()
	case errors.Is(err, store.ErrReasonRequired):
		return FieldErrors{"reason": {Key: "suspend_reason"}}.Err()
	}
	return err
}
