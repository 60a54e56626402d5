package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"signoff/service"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"signoff/policy"
	"signoff/procure"
	"signoff/store"
)

// Supplier master data (供应商), materials and purchase plans. Everyone signed in may read them;
// only a buyer (采购员) changes suppliers. Every change names the revision it was made from, so a
// buyer working from an old page is told instead of overwriting someone else's change. The API
// and the web pages change suppliers through the same operations below.

// procurementMasterAPI mounts the API of the master data.
func (s *server) procurementMasterAPI(r chi.Router) {
	r.Get("/suppliers", s.listSuppliers)
	r.Post("/suppliers", s.createSupplier)
	r.Get("/suppliers/{id}", s.getSupplier)
	r.Patch("/suppliers/{id}", s.patchSupplier)
	r.Post("/suppliers/{id}/status", s.postSupplierStatus)
	r.Post("/suppliers/{id}/certificates", s.postSupplierCertificate)
	r.Get("/materials", s.listMaterials)
	r.Get("/plans", s.listPlans)
}

// roleBuyer is the org role that keeps the supplier master data.
const roleBuyer = "buyer"

func isBuyer(u store.User) bool { return slices.Contains(u.Roles, roleBuyer) }

var errNotBuyer = &apiError{Status: http.StatusForbidden, Code: "not_buyer",
	Message: "Only a buyer (采购员) may change supplier master data."}

// Limits of supplier master data as typed by a person.
const (
	maxSupplierName   = 100
	maxSupplierText   = 200 // contact, search text
	maxStatusReason   = 500
	maxCertificateNo  = 64
	certificateWarnIn = 30 // days before its end a certificate is shown as expiring
)

var (
	supplierIDPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,31}$`)
	supplierKinds     = []string{procure.KindManufacturer, procure.KindDistributor}
	supplierStatuses  = []string{procure.SupplierAdmitted, procure.SupplierSuspended}
)

// Certificate states, against today in the policy calendar's timezone. A supplier's state is
// the worst of its certificate kinds' (each kind judged by its certificates), or missing when it
// lacks a kind the policy requires.
const (
	certValid    = "valid"
	certExpiring = "expiring" // valid, but ends within certificateWarnIn days
	certPending  = "pending"  // not valid yet
	certExpired  = "expired"
	certMissing  = "missing"
)

// certStateRank orders the states from best to worst.
var certStateRank = map[string]int{certValid: 0, certExpiring: 1, certPending: 2, certExpired: 3, certMissing: 4}

// supplierInput is a new supplier as a client sends it.
type supplierInput struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Grade     string `json:"grade"`
	Strategic bool   `json:"strategic"`
	Contact   string `json:"contact"`
}

// supplierPatch changes some of a supplier's fields, made from the revision the client read.
type supplierPatch struct {
	Revision  *int    `json:"revision"`
	Name      *string `json:"name"`
	Kind      *string `json:"kind"`
	Grade     *string `json:"grade"`
	Strategic *bool   `json:"strategic"`
	Contact   *string `json:"contact"`
}

// statusInput admits or suspends a supplier.
type statusInput struct {
	Status   string `json:"status"`
	Reason   string `json:"reason"`
	Revision *int   `json:"revision"`
}

// certificateInput is a certificate as a client sends it; the scan is an upload of the caller's
// (POST /attachments).
type certificateInput struct {
	Kind         string `json:"kind"`
	Number       string `json:"number"`
	ValidFrom    string `json:"valid_from"` // YYYY-MM-DD
	ValidTo      string `json:"valid_to"`   // YYYY-MM-DD, inclusive
	AttachmentID string `json:"attachment_id"`
}

// supplierView is a supplier as the API shows it.
type supplierView struct {
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
	Certificates     []certificateView `json:"certificates"`
}

type certificateView struct {
	ID           int64   `json:"id"`
	Kind         string  `json:"kind"`
	Number       string  `json:"number"`
	ValidFrom    string  `json:"valid_from"`
	ValidTo      string  `json:"valid_to"`
	State        string  `json:"state"`
	AttachmentID *string `json:"attachment_id"`
}

// supplierDetail is a supplier with its audit trail, latest change first.
type supplierDetail struct {
	supplierView
	Audit []auditView `json:"audit"`
}

type auditView struct {
	Actor  userRef        `json:"actor"`
	Action string         `json:"action"`
	Detail map[string]any `json:"detail"`
	At     time.Time      `json:"at"`
}

type supplierList struct {
	Items []supplierView `json:"items"`
}

type materialList struct {
	Items []procure.Material `json:"items"`
}

type planList struct {
	Items []store.Plan `json:"items"`
}

// certificateClock judges certificates: today's date in the policy timezone and the kinds the
// policy requires.
type certificateClock struct {
	today    time.Time // midnight UTC of the day
	required []string
}

func (s *server) certificateClock(ctx context.Context) certificateClock {
	loc := time.UTC
	var required []string
	if _, doc, err := s.policies.Latest(ctx); err == nil {
		required = doc.Procurement.RequiredCertificates
		if l, err := loadLocation(doc.Calendar.Timezone); err == nil {
			loc = l
		}
	}
	y, m, d := s.now().In(loc).Date()
	return certificateClock{today: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), required: required}
}

// state judges one certificate.
func (c certificateClock) state(cert procure.Certificate) string {
	switch {
	case cert.ValidTo.Before(c.today):
		return certExpired
	case cert.ValidFrom.After(c.today):
		return certPending
	case cert.ValidTo.Before(c.today.AddDate(0, 0, certificateWarnIn)):
		return certExpiring
	}
	return certValid
}

// supplierState judges a supplier's certificates: each kind it holds by its best certificate,
// and the kinds the policy requires that it lacks as missing; the worst of these.
func (c certificateClock) supplierState(certs []procure.Certificate) string {
	best := map[string]string{}
	for _, cert := range certs {
		st := c.state(cert)
		if cur, ok := best[cert.Kind]; !ok || certStateRank[st] < certStateRank[cur] {
			best[cert.Kind] = st
		}
	}
	worst := certValid
	for _, kind := range c.required {
		if _, ok := best[kind]; !ok {
			return certMissing
		}
	}
	for _, st := range best {
		if certStateRank[st] > certStateRank[worst] {
			worst = st
		}
	}
	return worst
}

func (c certificateClock) view(p procure.Supplier) supplierView {
	v := supplierView{ID: p.ID, Name: p.Name, Kind: p.Kind, Status: p.Status, StatusReason: p.StatusReason,
		Grade: p.Grade, Strategic: p.Strategic, Contact: p.Contact, Revision: p.Revision, UpdatedAt: p.UpdatedAt.UTC(),
		CertificateState: c.supplierState(p.Certificates), Certificates: []certificateView{}}
	for _, cert := range p.Certificates {
		v.Certificates = append(v.Certificates, c.certificateView(cert))
	}
	return v
}

func (c certificateClock) certificateView(cert procure.Certificate) certificateView {
	v := certificateView{ID: cert.ID, Kind: cert.Kind, Number: cert.Number, ValidFrom: cert.ValidFrom.Format(time.DateOnly),
		ValidTo: cert.ValidTo.Format(time.DateOnly), State: c.state(cert)}
	if cert.AttachmentID != "" {
		v.AttachmentID = &cert.AttachmentID
	}
	return v
}

// supplierFailure turns the store's refusals of a supplier change into what the client is told.
func supplierFailure(err error) error {
	var (
		stale  *store.StaleRevisionError
		dup    *store.DuplicateError
		attach *store.AttachmentError
	)
	switch {
	case errors.As(err, &stale):
		return &apiError{Status: http.StatusConflict, Code: "stale_revision",
			Message: fmt.Sprintf("The supplier changed since revision %d; it is now at revision %d. Read it again and retry.",
				stale.Revision, stale.Current),
			Details: map[string]any{"revision": stale.Current}}
	case errors.As(err, &dup):
		return &apiError{Status: http.StatusConflict, Code: "duplicate",
			Message: fmt.Sprintf("The %s is already taken.", dup.Field), Details: map[string]any{"field": dup.Field}}
	case errors.As(err, &attach):
		return service.FieldErrors{"attachment_id": {Key: "attachment_unavailable", Args: []any{strings.Join(attach.IDs, ", ")}}}.Err()
	case errors.Is(err, store.ErrReasonRequired):
		return service.FieldErrors{"reason": {Key: "suspend_reason"}}.Err()
	}
	return err
}

// checkText trims a text field and checks its length; required fields must not be empty.
func checkText(bad service.FieldErrors, field, v string, max int, required bool) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		bad.Add(field, "required")
	case utf8.RuneCountInString(v) > max:
		bad.Add(field, "too_long", max)
	}
	return v
}

// checkChoice checks a value is one of the allowed ones.
func checkChoice(bad service.FieldErrors, field, v string, allowed []string) {
	switch {
	case v == "":
		bad.Add(field, "required")
	case !slices.Contains(allowed, v):
		bad.Add(field, "one_of", allowed)
	}
}

// newSupplier creates a supplier for a buyer; the API and the web page create through it.
func (s *server) newSupplier(ctx context.Context, u store.User, in supplierInput) (procure.Supplier, error) {
	if !isBuyer(u) {
		return procure.Supplier{}, errNotBuyer
	}
	bad := service.FieldErrors{}
	n := store.NewSupplier{ID: strings.TrimSpace(in.ID), Strategic: in.Strategic, Kind: in.Kind, Grade: in.Grade}
	switch {
	case n.ID == "":
		bad.Add("id", "required")
	case !supplierIDPattern.MatchString(n.ID):
		bad.Add("id", "supplier_id")
	}
	n.Name = checkText(bad, "name", in.Name, maxSupplierName, true)
	checkChoice(bad, "kind", n.Kind, supplierKinds)
	checkChoice(bad, "grade", n.Grade, procure.Grades)
	n.Contact = checkText(bad, "contact", in.Contact, maxSupplierText, false)
	if err := bad.Err(); err != nil {
		return procure.Supplier{}, err
	}
	p, err := s.store.CreateSupplier(ctx, u.ID, n)
	if err != nil {
		return procure.Supplier{}, fmt.Errorf("create supplier: %w", err)
	}
	return p, nil
}

// changeSupplier applies a buyer's changes to a supplier.
func (s *server) changeSupplier(ctx context.Context, u store.User, id string, in supplierPatch) (procure.Supplier, error) {
	if !isBuyer(u) {
		return procure.Supplier{}, errNotBuyer
	}
	bad := service.FieldErrors{}
	if in.Revision == nil {
		bad.Add("revision", "required")
	}
	var c store.SupplierChanges
	if in.Name != nil {
		v := checkText(bad, "name", *in.Name, maxSupplierName, true)
		c.Name = &v
	}
	if in.Kind != nil {
		checkChoice(bad, "kind", *in.Kind, supplierKinds)
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
	if err := bad.Err(); err != nil {
		return procure.Supplier{}, err
	}
	p, err := s.store.UpdateSupplier(ctx, u.ID, id, *in.Revision, c)
	if err != nil {
		return procure.Supplier{}, fmt.Errorf("update supplier: %w", err)
	}
	return p, nil
}

// setSupplierStatus admits or suspends a supplier for a buyer; a suspension needs a reason.
func (s *server) setSupplierStatus(ctx context.Context, u store.User, id string, in statusInput) (procure.Supplier, error) {
	if !isBuyer(u) {
		return procure.Supplier{}, errNotBuyer
	}
	bad := service.FieldErrors{}
	checkChoice(bad, "status", in.Status, supplierStatuses)
	reason := checkText(bad, "reason", in.Reason, maxStatusReason, false)
	if reason == "" && in.Status == procure.SupplierSuspended {
		bad.Add("reason", "suspend_reason")
	}
	if in.Revision == nil {
		bad.Add("revision", "required")
	}
	if err := bad.Err(); err != nil {
		return procure.Supplier{}, err
	}
	p, err := s.store.SetSupplierStatus(ctx, u.ID, id, *in.Revision, in.Status, reason)
	if err != nil {
		return procure.Supplier{}, fmt.Errorf("supplier status: %w", err)
	}
	return p, nil
}

// addCertificate records a buyer's certificate of a supplier. Problems already found (the web
// page's upload) come in bad, so that every problem is reported at once and none writes.
func (s *server) addCertificate(ctx context.Context, u store.User, id string, in certificateInput, bad service.FieldErrors) (procure.Certificate, error) {
	if !isBuyer(u) {
		return procure.Certificate{}, errNotBuyer
	}
	checkChoice(bad, "kind", in.Kind, policy.CertificateKinds)
	n := store.NewCertificate{Kind: in.Kind, AttachmentID: strings.TrimSpace(in.AttachmentID)}
	n.Number = checkText(bad, "number", in.Number, maxCertificateNo, true)
	var fromOK, toOK bool
	n.ValidFrom, fromOK = checkDay(bad, "valid_from", in.ValidFrom)
	n.ValidTo, toOK = checkDay(bad, "valid_to", in.ValidTo)
	if fromOK && toOK && n.ValidTo.Before(n.ValidFrom) {
		bad.Add("valid_to", "valid_to_before_from")
	}
	if err := bad.Err(); err != nil {
		return procure.Certificate{}, err
	}
	c, err := s.store.AddCertificate(ctx, u.ID, id, n)
	if err != nil {
		return procure.Certificate{}, fmt.Errorf("add certificate: %w", err)
	}
	return c, nil
}

// checkDay reads a required YYYY-MM-DD day as midnight UTC.
func checkDay(bad service.FieldErrors, field, v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		bad.Add(field, "required")
		return time.Time{}, false
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		bad.Add(field, "date")
		return time.Time{}, false
	}
	return d, true
}

// supplierFilter reads the list's query parameters.
func supplierFilter(r *http.Request) (store.SupplierFilter, error) {
	q := r.URL.Query()
	bad := service.FieldErrors{}
	f := store.SupplierFilter{Status: q.Get("status")}
	if f.Status != "" && !slices.Contains(supplierStatuses, f.Status) {
		bad.Add("status", "one_of", supplierStatuses)
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
	return f, bad.Err()
}

// supplierDetailOf reads a supplier with its audit trail and the names of its actors.
func (s *server) supplierDetailOf(ctx context.Context, id string) (supplierDetail, error) {
	p, err := s.store.Supplier(ctx, id)
	if err != nil {
		return supplierDetail{}, err
	}
	trail, err := s.store.SupplierAudit(ctx, id)
	if err != nil {
		return supplierDetail{}, err
	}
	actors := make([]string, 0, len(trail))
	for _, e := range trail {
		actors = append(actors, e.ActorID)
	}
	names, err := s.names(ctx, actors)
	if err != nil {
		return supplierDetail{}, err
	}
	d := supplierDetail{supplierView: s.certificateClock(ctx).view(p), Audit: []auditView{}}
	for _, e := range trail {
		d.Audit = append(d.Audit, auditView{Actor: names.ref(e.ActorID), Action: e.Action, Detail: e.Detail, At: e.At.UTC()})
	}
	return d, nil
}

// listSuppliers answers the suppliers the query lets through, by ID.
func (s *server) listSuppliers(w http.ResponseWriter, r *http.Request) {
	f, err := supplierFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := s.store.Suppliers(ctx, f)
	if err != nil {
		s.fail(w, r, fmt.Errorf("list suppliers: %w", err))
		return
	}
	clock := s.certificateClock(ctx)
	out := supplierList{Items: make([]supplierView, 0, len(list))}
	for _, p := range list {
		out.Items = append(out.Items, clock.view(p))
	}
	writeJSON(w, http.StatusOK, out)
}

// getSupplier answers one supplier with its certificates and audit trail.
func (s *server) getSupplier(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d, err := s.supplierDetailOf(ctx, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, fmt.Errorf("get supplier: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// createSupplier records a new, admitted supplier.
func (s *server) createSupplier(w http.ResponseWriter, r *http.Request) {
	var in supplierInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p, err := s.newSupplier(ctx, userFrom(r.Context()), in)
	if err != nil {
		s.fail(w, r, supplierFailure(err))
		return
	}
	s.answerSupplier(ctx, w, r, http.StatusCreated, p.ID)
}

// patchSupplier changes a supplier's fields.
func (s *server) patchSupplier(w http.ResponseWriter, r *http.Request) {
	var in supplierPatch
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p, err := s.changeSupplier(ctx, userFrom(r.Context()), chi.URLParam(r, "id"), in)
	if err != nil {
		s.fail(w, r, supplierFailure(err))
		return
	}
	s.answerSupplier(ctx, w, r, http.StatusOK, p.ID)
}

// postSupplierStatus admits or suspends a supplier.
func (s *server) postSupplierStatus(w http.ResponseWriter, r *http.Request) {
	var in statusInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p, err := s.setSupplierStatus(ctx, userFrom(r.Context()), chi.URLParam(r, "id"), in)
	if err != nil {
		s.fail(w, r, supplierFailure(err))
		return
	}
	s.answerSupplier(ctx, w, r, http.StatusOK, p.ID)
}

// answerSupplier writes a changed supplier as GET /suppliers/{id} shows it.
func (s *server) answerSupplier(ctx context.Context, w http.ResponseWriter, r *http.Request, status int, id string) {
	d, err := s.supplierDetailOf(ctx, id)
	if err != nil {
		s.fail(w, r, service.Internal(fmt.Errorf("read back supplier %s: %w", id, err)))
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/suppliers/"+id)
	}
	writeJSON(w, status, d)
}

// postSupplierCertificate records a certificate with its scan.
func (s *server) postSupplierCertificate(w http.ResponseWriter, r *http.Request) {
	var in certificateInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	c, err := s.addCertificate(ctx, userFrom(r.Context()), chi.URLParam(r, "id"), in, service.FieldErrors{})
	if err != nil {
		s.fail(w, r, supplierFailure(err))
		return
	}
	writeJSON(w, http.StatusCreated, s.certificateClock(ctx).certificateView(c))
}

// listMaterials answers every material.
func (s *server) listMaterials(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := s.store.Materials(ctx)
	if err != nil {
		s.fail(w, r, fmt.Errorf("list materials: %w", err))
		return
	}
	if list == nil {
		list = []procure.Material{}
	}
	writeJSON(w, http.StatusOK, materialList{Items: list})
}

// listPlans answers the purchase plans of a department, or of every department.
func (s *server) listPlans(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	department := r.URL.Query().Get("department")
	if department != "" {
		_, doc, err := s.policies.Latest(ctx)
		if err != nil {
			s.fail(w, r, service.Internal(fmt.Errorf("list plans: %w", err)))
			return
		}
		if _, ok := doc.Department(department); !ok {
			s.fail(w, r, service.FieldErrors{"department": {Key: "unknown_department", Args: []any{department}}}.Err())
			return
		}
	}
	list, err := s.store.Plans(ctx, department)
	if err != nil {
		s.fail(w, r, fmt.Errorf("list plans: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, planList{Items: list})
}
