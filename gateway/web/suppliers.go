package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/policy"
	"signoff/procure"
	"signoff/service"
	"signoff/store"
)

// The supplier pages (供应商): a list narrowed by status, text and strategic, each supplier's
// page with its certificates and audit trail, and for whoever the policy lets keep suppliers
// (suppliers.edit) the forms that change them. Every form posts back to the page and redirects
// after success; a refused form comes back with what was typed and each problem next to its
// field. The pages change suppliers through the same operations as the API (service/suppliers.go)
// and mark a field required where the operation's check demands it (service.SupplierDemands…).

// procurementMasterPages mounts the supplier pages.
func (s *server) procurementMasterPages(r chi.Router) {
	r.Get("/suppliers", s.suppliersPage)
	r.Get("/suppliers/new", s.newSupplierPage)
	r.Post("/suppliers/new", s.newSupplierSubmit)
	r.Get("/suppliers/{id}", s.supplierPage)
	r.Post("/suppliers/{id}", s.supplierEditSubmit)
	r.Post("/suppliers/{id}/status", s.supplierStatusSubmit)
	r.Post("/suppliers/{id}/certificates", s.supplierCertificateSubmit)
}

// supplierChoices are the options of the supplier forms.
type supplierChoices struct {
	Kinds     []string
	Grades    []string
	Statuses  []string
	CertKinds []string
}

var supplierOptions = supplierChoices{Kinds: procure.SupplierKinds, Grades: procure.Grades,
	Statuses: procure.SupplierStatuses, CertKinds: policy.CertificateKinds}

// suppliersPageData is what the list shows.
type suppliersPageData struct {
	supplierChoices
	Status, Query, Strategic string // the filter as typed
	Items                    []service.SupplierView
	Errors                   map[string]string
	Searched                 bool
}

// suppliersPage lists the suppliers the query string lets through.
func (s *server) suppliersPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.suppliers.title")
	q := r.URL.Query()
	d := &suppliersPageData{supplierChoices: supplierOptions, Status: q.Get("status"), Query: q.Get("q"),
		Strategic: q.Get("strategic"), Searched: len(q) > 0}
	status := http.StatusOK
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := s.svc.Suppliers(ctx, q)
	switch {
	case service.FieldsOf(err) != nil:
		e := s.explain(r, p.Lang, err)
		d.Errors, status = e.Fields, e.Status
	case err != nil:
		s.errorPage(w, r, fmt.Errorf("suppliers: %w", err))
		return
	default:
		d.Items = list.Items
	}
	p.Data = d
	s.render(w, r, status, "suppliers", p)
}

// supplierForm is the create and edit form as typed.
type supplierForm struct {
	Revision              int
	ID, Name, Kind, Grade string
	Contact               string
	Strategic             bool
	Errors                map[string]string
	Error                 string
	Demands               service.Demands // which fields the form's check demands
}

// Err is the problem with a field, if any.
func (f *supplierForm) Err(field string) string { return f.Errors[field] }

// Required reports whether the form's check demands the field.
func (f *supplierForm) Required(field string) bool { return f.Demands.Required(field) }

func readSupplierForm(r *http.Request, demands service.Demands) *supplierForm {
	f := r.PostForm
	rev, _ := strconv.Atoi(f.Get("revision"))
	return &supplierForm{Revision: rev, ID: f.Get("id"), Name: f.Get("name"), Kind: f.Get("kind"), Grade: f.Get("grade"),
		Contact: f.Get("contact"), Strategic: f.Get("strategic") == "true", Demands: demands}
}

// newSupplierData is what the create page shows.
type newSupplierData struct {
	supplierChoices
	Form *supplierForm
}

// newSupplierPage shows the create form to whoever may keep suppliers.
func (s *server) newSupplierPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.supplier_new.title")
	if !p.Can(string(policy.CapSuppliersEdit)) {
		s.errorPage(w, r, service.Refused(policy.CapSuppliersEdit))
		return
	}
	p.Data = &newSupplierData{supplierChoices: supplierOptions, Form: &supplierForm{Demands: service.SupplierDemands()}}
	s.render(w, r, http.StatusOK, "supplier_new", p)
}

// newSupplierSubmit creates a supplier from the form.
func (s *server) newSupplierSubmit(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.supplier_new.title")
	f := readSupplierForm(r, service.SupplierDemands())
	in := service.SupplierInput{ID: f.ID, Name: f.Name, Kind: f.Kind, Grade: f.Grade, Strategic: f.Strategic, Contact: f.Contact}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	sp, err := s.svc.CreateSupplier(ctx, door.User(r.Context()), in)
	if err != nil {
		e, ok := s.explainSupplierForm(w, r, p, err)
		if !ok {
			return
		}
		f.Errors, f.Error = e.Fields, e.Message
		p.Data = &newSupplierData{supplierChoices: supplierOptions, Form: f}
		s.render(w, r, e.Status, "supplier_new", p)
		return
	}
	http.Redirect(w, r, "/suppliers/"+url.PathEscape(sp.ID)+"?done=created", http.StatusSeeOther)
}

// explainSupplierForm says why a supplier form was refused, next to the fields where it can.
// A refusal no form can mend (not allowed, no such supplier, a fault of ours) is answered with
// the error page, and ok is false.
func (s *server) explainSupplierForm(w http.ResponseWriter, r *http.Request, p *page, err error) (e webError, ok bool) {
	e = s.explain(r, p.Lang, err)
	if e.Status >= 500 || e.Status == http.StatusForbidden || e.Status == http.StatusNotFound {
		s.errorPage(w, r, err)
		return e, false
	}
	var (
		dup   *service.DuplicateError
		stale *service.StaleSupplierError
	)
	switch {
	case errors.As(err, &dup):
		e.Fields, e.Message = map[string]string{dup.Field: p.T("problem.taken")}, ""
	case errors.As(err, &stale):
		e.Message = p.T("ui.supplier.stale")
	case e.Fields != nil:
		e.Message = ""
	}
	return e, true
}

// statusForm admits or suspends the supplier, whichever it is not.
type statusForm struct {
	Revision int
	To       string // the status the form sets
	Reason   string
	Errors   map[string]string
	Error    string
}

func (f *statusForm) Err(field string) string { return f.Errors[field] }

// Required reports whether the change to the form's status demands the field (a suspension's
// reason).
func (f *statusForm) Required(field string) bool {
	return service.SupplierStatusDemands(f.To).Required(field)
}

// certificateForm adds a certificate; Upload is the scan uploaded with an earlier, refused post.
type certificateForm struct {
	Kind, Number, ValidFrom, ValidTo string
	Upload                           *store.Attachment
	Errors                           map[string]string
	Error                            string
}

func (f *certificateForm) Err(field string) string { return f.Errors[field] }

// Required reports whether a certificate's check demands the field.
func (f *certificateForm) Required(field string) bool {
	return service.CertificateDemands().Required(field)
}

// supplierPageData is what a supplier's page shows.
type supplierPageData struct {
	supplierChoices
	S         service.SupplierView
	Audit     []auditRow
	Flash     string // a catalogue key: what was just done
	Edit      *supplierForm
	Status    *statusForm
	Cert      *certificateForm
	MaxUpload string
}

// auditRow is one change as the page says it.
type auditRow struct {
	At     time.Time
	Actor  string
	Action string
	Notes  []string
}

// supplierPage shows a supplier.
func (s *server) supplierPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.supplier.title")
	d := &supplierPageData{}
	switch done := r.URL.Query().Get("done"); done {
	case "created", "saved", "admitted", "suspended", "certificate":
		d.Flash = "ui.supplier.done." + done
	}
	s.showSupplier(w, r, http.StatusOK, p, d)
}

// showSupplier renders a supplier's page with the forms as given; forms not given show the
// supplier as it is.
func (s *server) showSupplier(w http.ResponseWriter, r *http.Request, status int, p *page, d *supplierPageData) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	detail, err := s.svc.Supplier(ctx, chi.URLParam(r, "id"))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	v := detail.SupplierView
	p.Title = v.Name + " · " + p.T("ui.supplier.title")
	d.supplierChoices, d.S = supplierOptions, v
	d.MaxUpload = service.SizeText(s.cfg.MaxUploadBytes)
	for _, a := range detail.Audit {
		d.Audit = append(d.Audit, auditRow{At: a.At, Actor: a.Actor.Name, Action: p.T("ui.supplier.audit." + a.Action),
			Notes: auditNotes(p, a)})
	}
	if d.Edit == nil {
		d.Edit = &supplierForm{Name: v.Name, Kind: v.Kind, Grade: v.Grade, Contact: v.Contact, Strategic: v.Strategic,
			Demands: service.SupplierChangeDemands()}
	}
	if d.Edit.Revision == 0 {
		d.Edit.Revision = v.Revision
	}
	if d.Status == nil {
		d.Status = &statusForm{}
	}
	d.Status.To = procure.SupplierSuspended
	if v.Status == procure.SupplierSuspended {
		d.Status.To = procure.SupplierAdmitted
	}
	if d.Status.Revision == 0 {
		d.Status.Revision = v.Revision
	}
	if d.Cert == nil {
		d.Cert = &certificateForm{}
	}
	p.Data = d
	s.render(w, r, status, "supplier", p)
}

// auditNotes says what a change did, field by field.
func auditNotes(p *page, a service.AuditView) []string {
	value := func(field string, v any) string {
		switch field {
		case "kind":
			return p.T("ui.supplier.kind." + fmt.Sprint(v))
		case "strategic":
			if v == true {
				return p.T("ui.supplier.yes")
			}
			return p.T("ui.supplier.no")
		}
		return fmt.Sprint(v)
	}
	var notes []string
	switch a.Action {
	case store.SupplierCreated, store.SupplierUpdated:
		for _, field := range []string{"name", "kind", "grade", "strategic", "contact"} {
			v, ok := a.Detail[field]
			if !ok {
				continue
			}
			label := p.T("ui.supplier.field." + field)
			if change, ok := v.(map[string]any); ok {
				notes = append(notes, p.T("ui.supplier.audit.change", label, value(field, change["from"]), value(field, change["to"])))
			} else if v != "" {
				notes = append(notes, p.T("ui.supplier.audit.value", label, value(field, v)))
			}
		}
	case store.SupplierSuspended, store.SupplierAdmitted:
		if reason, _ := a.Detail["reason"].(string); reason != "" {
			notes = append(notes, p.T("ui.supplier.audit.reason", reason))
		}
	case store.CertificateAdded:
		kind, _ := a.Detail["kind"].(string)
		notes = append(notes, p.T("ui.supplier.audit.certificate", p.T("ui.cert.kind."+kind), fmt.Sprint(a.Detail["number"]),
			fmt.Sprint(a.Detail["valid_from"]), fmt.Sprint(a.Detail["valid_to"])))
	}
	return notes
}

// supplierEditSubmit saves the edit form.
func (s *server) supplierEditSubmit(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.supplier.title")
	f := readSupplierForm(r, service.SupplierChangeDemands())
	in := service.SupplierPatch{Name: &f.Name, Kind: &f.Kind, Grade: &f.Grade, Contact: &f.Contact, Strategic: &f.Strategic}
	if f.Revision > 0 {
		in.Revision = &f.Revision
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	id := chi.URLParam(r, "id")
	if _, err := s.svc.ChangeSupplier(ctx, door.User(r.Context()), id, in); err != nil {
		e, ok := s.explainSupplierForm(w, r, p, err)
		if !ok {
			return
		}
		f.Errors, f.Error = e.Fields, e.Message
		var stale *service.StaleSupplierError
		if errors.As(err, &stale) {
			f.Revision = 0 // the form now stands on the supplier as it is
		}
		s.showSupplier(w, r, e.Status, p, &supplierPageData{Edit: f})
		return
	}
	http.Redirect(w, r, "/suppliers/"+url.PathEscape(id)+"?done=saved", http.StatusSeeOther)
}

// supplierStatusSubmit admits or suspends the supplier.
func (s *server) supplierStatusSubmit(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.supplier.title")
	rev, _ := strconv.Atoi(r.PostForm.Get("revision"))
	f := &statusForm{Revision: rev, Reason: r.PostForm.Get("reason")}
	in := service.SupplierStatusInput{Status: r.PostForm.Get("status"), Reason: f.Reason}
	if rev > 0 {
		in.Revision = &rev
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	id := chi.URLParam(r, "id")
	if _, err := s.svc.SetSupplierStatus(ctx, door.User(r.Context()), id, in); err != nil {
		e, ok := s.explainSupplierForm(w, r, p, err)
		if !ok {
			return
		}
		f.Errors, f.Error = e.Fields, e.Message
		var stale *service.StaleSupplierError
		if errors.As(err, &stale) {
			f.Revision = 0
		}
		s.showSupplier(w, r, e.Status, p, &supplierPageData{Status: f})
		return
	}
	http.Redirect(w, r, "/suppliers/"+url.PathEscape(id)+"?done="+url.QueryEscape(in.Status), http.StatusSeeOther)
}

// supplierCertificateSubmit adds a certificate with its scan. The file is stored as the upload
// form stores it (an upload of the buyer's), so that a form sent back with mistakes keeps it.
func (s *server) supplierCertificateSubmit(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	p := s.newPage(r, "ui.supplier.title")
	f := &certificateForm{Kind: r.PostForm.Get("kind"), Number: r.PostForm.Get("number"),
		ValidFrom: r.PostForm.Get("valid_from"), ValidTo: r.PostForm.Get("valid_to")}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	var file *service.Upload
	if r.MultipartForm != nil {
		if files := r.MultipartForm.File["file"]; len(files) > 0 && (files[0].Filename != "" || files[0].Size > 0) {
			up := door.ReadFile(files[0], s.cfg.MaxUploadBytes)
			file = &up
		}
	}
	bad := service.FieldErrors{}
	scan, err := s.svc.CertificateScan(ctx, u, r.PostForm.Get("attachment"), file, s.cfg.MaxUploadBytes, bad)
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("certificate form: %w", err))
		return
	}
	f.Upload = scan
	in := service.CertificateInput{Kind: f.Kind, Number: f.Number, ValidFrom: f.ValidFrom, ValidTo: f.ValidTo}
	if f.Upload != nil {
		in.AttachmentID = f.Upload.ID
	}
	id := chi.URLParam(r, "id")
	if _, err := s.svc.AddCertificate(ctx, u, id, in, bad); err != nil {
		e, ok := s.explainSupplierForm(w, r, p, err)
		if !ok {
			return
		}
		f.Errors, f.Error = e.Fields, e.Message
		s.showSupplier(w, r, e.Status, p, &supplierPageData{Cert: f})
		return
	}
	http.Redirect(w, r, "/suppliers/"+url.PathEscape(id)+"?done=certificate", http.StatusSeeOther)
}
