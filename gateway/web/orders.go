package web

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/i18n"
	"signoff/policy"
	"signoff/service"
	"signoff/store"
)

// The order pages (采购订单): the list, and each order's page where the keeper registers what
// arrived (验收), the buyer settles refused goods and registers the invoice, and everyone who may
// see the order follows it from the request's first seal to its payment. Forms post back to the
// order and redirect to it after success; a refused form comes back with what was typed and
// each problem next to its field. They read and act through the service's operations, as the
// API does (service/orders.go, receiving.go, invoices.go, returns.go): what the reader may do is
// the service's answer (the policy's capabilities and the order's state), and a field is marked
// required where the operation's check demands it (service.DeliveryDemands…).

// OrderStatus, Kind and Outcome name the procurement vocabulary in the reader's language.
func (p *page) OrderStatus(s string) string { return p.T("ui.order_status." + s) }
func (p *page) Kind(k string) string        { return p.T("ui.kind." + k) }
func (p *page) Outcome(o string) string {
	if o == "" {
		o = "pending"
	}
	return p.T("ui.delivery.outcome." + o)
}

// Resolution says how a return task was settled: "exchanged: 供应商换货" reads 换货：供应商换货.
func (p *page) Resolution(text string) string {
	word, rest, _ := strings.Cut(text, ": ")
	if !slices.Contains(service.ReturnResolutions, word) {
		return text
	}
	if rest == "" {
		return p.T("ui.return.resolution." + word)
	}
	return p.T("ui.labelled", p.T("ui.return.resolution."+word), rest)
}

// Date writes a day (or a *time.Time day) as YYYY-MM-DD.
func (p *page) Date(v any) string {
	switch x := v.(type) {
	case time.Time:
		if !x.IsZero() {
			return x.Format(time.DateOnly)
		}
	case *time.Time:
		if x != nil {
			return x.Format(time.DateOnly)
		}
	}
	return ""
}

// ordersPageData is the order list.
type ordersPageData struct {
	Status   string
	Statuses []string
	Items    []orderRow
	Error    string
}

type orderRow struct {
	store.OrderSummary
	Supplier string
	Amount   policy.Money
}

// ordersPage lists the purchase orders, newest first, narrowed by status.
func (s *server) ordersPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.orders.title")
	d := &ordersPageData{Status: r.URL.Query().Get("status"), Statuses: service.OrderStatuses}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := s.svc.Orders(ctx, door.User(r.Context()), d.Status)
	if service.FieldsOf(err) != nil {
		e := s.explain(r, p.Lang, err)
		d.Error = e.Fields["status"]
		p.Data = d
		s.render(w, r, e.Status, "orders", p)
		return
	} else if err != nil {
		s.errorPage(w, r, err)
		return
	}
	names, err := s.svc.SupplierNames(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	for _, o := range list.Items {
		row := orderRow{OrderSummary: o, Supplier: o.SupplierID, Amount: policy.Money(o.Amount)}
		if n := names[o.SupplierID]; n != "" {
			row.Supplier = n
		}
		d.Items = append(d.Items, row)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "orders", p)
}

// orderPageData is an order's page: the order as the API shows it, what the reader may do and
// the forms as typed.
type orderPageData struct {
	service.OrderView
	Key        string
	CanReceive bool // the service's answer, while something is left to deliver
	CanInvoice bool
	CanResolve bool
	Receive    *receiveForm
	InvoiceIn  *invoiceForm           // the invoice form (Invoice is the invoice registered)
	Resolve    map[int64]*resolveForm // by task, the form refused last
	Flash      []string
	Error      string // why the form just posted was refused
	ErrorForm  string // which: receive, invoice, return-<task>
}

// OpenReturns counts the return tasks not yet settled.
func (d *orderPageData) OpenReturns() int {
	n := 0
	for _, t := range d.Returns {
		if t.Status == "open" {
			n++
		}
	}
	return n
}

// ResolveFor is the resolve form of a task: as typed when it was just refused, else empty.
func (d *orderPageData) ResolveFor(id int64) *resolveForm {
	if f, ok := d.Resolve[id]; ok {
		return f
	}
	return &resolveForm{}
}

// LineName names an order line by its material.
func (d *orderPageData) LineName(no int) string {
	for _, l := range d.Lines {
		if l.LineNo == no {
			return l.MaterialName
		}
	}
	return strconv.Itoa(no)
}

// receiveForm is the receiving form as typed: the delivery and one row per order line still
// open.
type receiveForm struct {
	NoteNo      string
	InvoiceNo   string
	DeliveredOn string
	Seal        bool
	Lines       []receiveLine
	Errors      map[string]string // "note_no", "lines[2].spec" by the row shown
}

type receiveLine struct {
	LineNo       int
	Material     string
	Unit         string
	Remaining    int64
	Quantity     string
	NoteQuantity string
	Spec         string
	UnitPrice    string
	SupplierID   string
	Manufacturer string
	Batch        string
	Expiry       string
}

// Err returns the problem of a field of the delivery, or "".
func (f *receiveForm) Err(field string) string { return f.Errors[field] }

// Required reports whether a delivery's check demands the field of the delivery.
func (f *receiveForm) Required(field string) bool { return service.DeliveryDemands().Required(field) }

// LineErr returns the problem of a row's field, or "".
func (f *receiveForm) LineErr(i int, field string) string {
	return f.Errors[fmt.Sprintf("lines[%d].%s", i, field)]
}

// invoiceForm is the invoice form as typed.
type invoiceForm struct {
	InvoiceNo  string
	InvoicedOn string
	Lines      []invoiceRow
	Errors     map[string]string
}

type invoiceRow struct {
	LineNo   int
	Material string
	Quantity string
	Amount   string
}

// Err returns the problem of a field of the invoice, or "".
func (f *invoiceForm) Err(field string) string { return f.Errors[field] }

// Required reports whether an invoice's check demands the field of the invoice.
func (f *invoiceForm) Required(field string) bool { return service.InvoiceDemands().Required(field) }

// LineRequired reports whether an invoice's check demands the field of a line it bills.
func (f *invoiceForm) LineRequired(field string) bool { return service.InvoiceDemands().Line(field) }

// LineErr returns the problem of a row's field, or "".
func (f *invoiceForm) LineErr(i int, field string) string {
	return f.Errors[fmt.Sprintf("lines[%d].%s", i, field)]
}

// recvField is one input of a receiving form row.
type recvField struct {
	P        *page
	ID       string
	Name     string // the delivery line's field: quantity, spec, …
	Value    string
	Mode     string // an inputmode, or "date"
	Err      string
	Required bool // the delivery's check demands it of a line delivered
}

// RecvField is the i-th receiving row's input of a field, with its problem. A row's quantity is
// never marked required: a row left without one is not part of the delivery.
func (p *page) RecvField(i int, name, value, mode string) recvField {
	f := recvField{P: p, ID: fmt.Sprintf("recv-%d-%s", i, name), Name: name, Value: value, Mode: mode,
		Required: name != "quantity" && service.DeliveryDemands().Line(name)}
	if d, ok := p.Data.(*orderPageData); ok && d.Receive != nil {
		f.Err = d.Receive.LineErr(i, name)
	}
	return f
}

// resolveForm is a return task's resolve form as typed.
type resolveForm struct {
	Resolution string
	Comment    string
	Errors     map[string]string
}

// Resolutions are the ways a return may be settled.
func (f *resolveForm) Resolutions() []string { return service.ReturnResolutions }

// Required reports whether a resolution's check demands the field.
func (f *resolveForm) Required(field string) bool { return service.ReturnDemands().Required(field) }

// orderPage shows an order to someone who may see it.
func (s *server) orderPage(w http.ResponseWriter, r *http.Request) {
	d, ok := s.loadOrderPage(w, r)
	if !ok {
		return
	}
	lang := langOf(r)
	q := r.URL.Query()
	switch done := q.Get("done"); done {
	case "invoice", "return":
		d.Flash = append(d.Flash, i18n.T(lang, "ui.order.done."+done))
	}
	if id := q.Get("delivery"); id != "" {
		d.Flash = append(d.Flash, deliveryFlash(lang, d, id, q.Get("unsealed") == "1")...)
	}
	s.showOrder(w, r, http.StatusOK, d)
}

// deliveryFlash summarises a delivery just registered: accepted and refused lines with the
// reasons, and its receipt.
func deliveryFlash(lang i18n.Lang, d *orderPageData, id string, unsealed bool) []string {
	i := slices.IndexFunc(d.Deliveries, func(dv service.DeliveryView) bool { return dv.ID == id })
	if i < 0 {
		return nil
	}
	dv := d.Deliveries[i]
	var accepted, refused int
	var reasons []string
	for _, l := range dv.Lines {
		if l.Accepted {
			accepted++
			continue
		}
		refused++
		var why []string
		for _, k := range slices.Sorted(maps.Keys(l.Problems)) {
			why = append(why, l.Problems[k])
		}
		reasons = append(reasons, i18n.T(lang, "ui.order.flash.refused_line", l.LineNo, d.LineName(l.LineNo),
			strings.Join(why, i18n.T(lang, "ui.list_sep"))))
	}
	out := []string{i18n.T(lang, "ui.order.flash.delivery", dv.NoteNo, accepted, refused)}
	out = append(out, reasons...)
	if dv.ReceiptID != "" {
		out = append(out, i18n.T(lang, "ui.order.flash.receipt", dv.ReceiptID))
	}
	if unsealed {
		out = append(out, i18n.T(lang, "ui.order.flash.unsealed"))
	}
	return out
}

// loadOrderPage reads the order of the request for its page, with its forms empty; on failure
// it has answered with the error page.
func (s *server) loadOrderPage(w http.ResponseWriter, r *http.Request) (*orderPageData, bool) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	op, err := s.svc.OrderPage(ctx, door.User(r.Context()), chi.URLParam(r, "id"), langOf(r))
	if err != nil {
		s.errorPage(w, r, err)
		return nil, false
	}
	v := op.OrderView
	today := s.now().In(s.location(ctx)).Format(time.DateOnly)
	d := &orderPageData{OrderView: v, Key: newKey(), Resolve: map[int64]*resolveForm{},
		CanReceive: op.May.Receive, CanInvoice: op.May.Invoice, CanResolve: op.May.ResolveReturns}
	d.Receive = &receiveForm{DeliveredOn: today, Seal: true}
	for _, l := range v.Lines {
		if l.Remaining <= 0 {
			continue
		}
		d.Receive.Lines = append(d.Receive.Lines, receiveLine{LineNo: l.LineNo, Material: l.MaterialName, Unit: l.Unit,
			Remaining: l.Remaining, Spec: l.Spec, UnitPrice: l.UnitPrice.Plain(), SupplierID: v.Supplier.ID,
			Manufacturer: l.Manufacturer})
	}
	// Everything delivered waits for its seals: nothing left to receive.
	d.CanReceive = d.CanReceive && len(d.Receive.Lines) > 0
	d.InvoiceIn = &invoiceForm{InvoicedOn: today}
	for _, l := range v.Lines {
		qty := l.Accepted
		if qty == 0 {
			qty = l.Quantity
		}
		d.InvoiceIn.Lines = append(d.InvoiceIn.Lines, invoiceRow{LineNo: l.LineNo, Material: l.MaterialName,
			Quantity: strconv.FormatInt(qty, 10), Amount: policy.Money(qty * int64(l.UnitPrice)).Plain()})
	}
	return d, true
}

// showOrder renders the order page.
func (s *server) showOrder(w http.ResponseWriter, r *http.Request, status int, d *orderPageData) {
	p := s.newPage(r, "ui.order.title")
	p.Title = d.ID + " · " + p.T("ui.order.title")
	p.Data = d
	s.render(w, r, status, "order", p)
}

// orderFormFailed shows the order page again with a refused form's problems, or the error page
// when the refusal is not about the form (not found, forbidden, our fault).
func (s *server) orderFormFailed(w http.ResponseWriter, r *http.Request, d *orderPageData, form string, err error,
	place func(fields map[string]string)) {
	e := s.explain(r, langOf(r), err)
	if e.Status == http.StatusNotFound || e.Status == http.StatusForbidden || e.Status >= 500 {
		s.errorPage(w, r, err)
		return
	}
	d.ErrorForm, d.Error = form, e.Message
	place(e.Fields)
	s.showOrder(w, r, e.Status, d)
}

// deliverySubmit registers a delivery from the receiving form. Rows left at quantity 0 or blank
// are not part of it.
func (s *server) deliverySubmit(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	id := chi.URLParam(r, "id")
	f, rows := readReceiveForm(r)
	in := service.DeliveryInput{DeliveredOn: f.DeliveredOn, NoteNo: f.NoteNo, InvoiceNo: f.InvoiceNo, Seal: f.Seal}
	for _, i := range rows {
		l := f.Lines[i]
		in.Lines = append(in.Lines, service.DeliveryLineInput{LineNo: l.LineNo, Quantity: service.TypedAmount(l.Quantity),
			NoteQuantity: service.TypedAmount(l.NoteQuantity), Spec: l.Spec, UnitPrice: service.TypedAmount(l.UnitPrice),
			SupplierID: l.SupplierID, Manufacturer: l.Manufacturer, Batch: l.Batch, Expiry: l.Expiry})
	}
	key := r.PostForm.Get("key")
	if len(key) > door.MaxIdempotencyKey {
		key = ""
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	res, err := s.svc.Receive(ctx, u, id, in, key)
	if res.DeliveryID != "" {
		// Registered; the keeper's seal may have failed after it, which the page says.
		next := "/orders/" + url.PathEscape(id) + "?delivery=" + url.QueryEscape(res.DeliveryID)
		if err != nil {
			s.log.WarnContext(ctx, "seal receipt", "request_id", door.RequestID(ctx), "order", id, "error", err)
			next += "&unsealed=1"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	if err == nil {
		http.Redirect(w, r, "/orders/"+url.PathEscape(id), http.StatusSeeOther)
		return
	}
	d, ok := s.loadOrderPage(w, r)
	if !ok {
		return
	}
	d.Receive = f
	s.orderFormFailed(w, r, d, "receive", err, func(fields map[string]string) {
		f.Errors = map[string]string{}
		for k, v := range fields {
			f.Errors[rowField(k, rows)] = v
		}
	})
}

// rowField files a problem of the i-th line sent ("lines[1].spec") under the row it came from.
func rowField(field string, rows []int) string {
	rest, ok := strings.CutPrefix(field, "lines[")
	if !ok {
		return field
	}
	n, tail, ok := strings.Cut(rest, "]")
	i, err := strconv.Atoi(n)
	if !ok || err != nil || i < 0 || i >= len(rows) {
		return field
	}
	return fmt.Sprintf("lines[%d]%s", rows[i], tail)
}

// readReceiveForm reads the receiving form; rows lists the rows that carry a quantity, in order.
func readReceiveForm(r *http.Request) (*receiveForm, []int) {
	v := r.PostForm
	f := &receiveForm{NoteNo: v.Get("note_no"), InvoiceNo: v.Get("invoice_no"), DeliveredOn: v.Get("delivered_on"),
		Seal: v.Get("seal") != ""}
	field := func(name string, i int) string { return at(v[name], i) }
	var rows []int
	for i := range min(len(v["line_no"]), service.MaxDeliveryLines) {
		no, _ := strconv.Atoi(field("line_no", i))
		l := receiveLine{LineNo: no, Material: field("line_material", i), Unit: field("line_unit", i),
			Quantity: field("line_quantity", i), NoteQuantity: field("line_note_quantity", i), Spec: field("line_spec", i),
			UnitPrice: field("line_unit_price", i), SupplierID: field("line_supplier_id", i),
			Manufacturer: field("line_manufacturer", i), Batch: field("line_batch", i), Expiry: field("line_expiry", i)}
		l.Remaining, _ = strconv.ParseInt(field("line_remaining", i), 10, 64)
		f.Lines = append(f.Lines, l)
		if q := strings.TrimSpace(l.Quantity); q != "" && q != "0" {
			rows = append(rows, i)
		}
	}
	return f, rows
}

// invoiceSubmit registers the supplier's invoice from the invoice form. Rows left blank are not
// part of it.
func (s *server) invoiceSubmit(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	id := chi.URLParam(r, "id")
	v := r.PostForm
	f := &invoiceForm{InvoiceNo: v.Get("invoice_no"), InvoicedOn: v.Get("invoiced_on")}
	in := service.InvoiceInput{InvoiceNo: f.InvoiceNo, InvoicedOn: f.InvoicedOn}
	var rows []int
	for i := range min(len(v["inv_line_no"]), service.MaxDeliveryLines) {
		row := invoiceRow{Material: at(v["inv_material"], i), Quantity: at(v["inv_quantity"], i), Amount: at(v["inv_amount"], i)}
		row.LineNo, _ = strconv.Atoi(at(v["inv_line_no"], i))
		f.Lines = append(f.Lines, row)
		if strings.TrimSpace(row.Quantity) == "" && strings.TrimSpace(row.Amount) == "" {
			continue
		}
		rows = append(rows, i)
		in.Lines = append(in.Lines, service.InvoiceLineInput{LineNo: row.LineNo, Quantity: service.TypedAmount(row.Quantity),
			Amount: service.TypedAmount(row.Amount)})
	}
	key := v.Get("key")
	if len(key) > door.MaxIdempotencyKey {
		key = ""
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	if _, err := s.svc.RegisterInvoice(ctx, u, id, in, key); err != nil {
		d, ok := s.loadOrderPage(w, r)
		if !ok {
			return
		}
		d.InvoiceIn = f
		s.orderFormFailed(w, r, d, "invoice", err, func(fields map[string]string) {
			f.Errors = map[string]string{}
			for k, v := range fields {
				f.Errors[rowField(k, rows)] = v
			}
		})
		return
	}
	http.Redirect(w, r, "/orders/"+url.PathEscape(id)+"?done=invoice", http.StatusSeeOther)
}

// at is the i-th of a form's parallel values, or "".
func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

// returnSubmit settles a return task of the order with the supplier.
func (s *server) returnSubmit(w http.ResponseWriter, r *http.Request) {
	id, task := chi.URLParam(r, "id"), chi.URLParam(r, "task")
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	f := &resolveForm{Resolution: r.PostForm.Get("resolution"), Comment: r.PostForm.Get("comment")}
	_, err := s.svc.ResolveOrderReturn(ctx, door.User(r.Context()), id, task,
		service.ReturnResolution{Resolution: f.Resolution, Comment: f.Comment})
	var settled *service.Error
	if err == nil || errors.As(err, &settled) && settled.Code == service.CodeAlreadyDone {
		http.Redirect(w, r, "/orders/"+url.PathEscape(id)+"?done=return", http.StatusSeeOther)
		return
	}
	d, ok := s.loadOrderPage(w, r)
	if !ok {
		return
	}
	n, _ := strconv.ParseInt(task, 10, 64)
	d.Resolve[n] = f
	s.orderFormFailed(w, r, d, "return-"+task, err, func(fields map[string]string) { f.Errors = fields })
}

// The case page's procurement sections, which the service reads.

type (
	receiptSection    = service.ReceiptSection
	settlementSection = service.SettlementSection
)

// procurementSections fills the case page's sections of a receipt or a payment.
func (s *server) procurementSections(ctx context.Context, lang i18n.Lang, c store.Case, pv *casePageView) error {
	var err error
	if pv.Receipt, err = s.svc.ReceiptSectionOf(ctx, c, lang); err != nil {
		return err
	}
	pv.Settlement, err = s.svc.SettlementSectionOf(ctx, c, lang)
	return err
}
