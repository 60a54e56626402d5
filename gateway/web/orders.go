package web

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"signoff/gateway/door"
	"signoff/service"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/i18n"
	"signoff/policy"
	"signoff/procure"
	"signoff/store"
)

// The order pages (采购订单): the list, and each order's page where the keeper registers what
// arrived (验收), the buyer settles refused goods and registers the invoice, and everyone who may
// see the order follows it from the request's first seal to its payment. Forms post back to the
// order and redirect to it after success; a refused form comes back with what was typed and
// each problem next to its field. They act through receive, resolveReturn and registerInvoice,
// as the API does.

// SeesOrders reports whether the reader may list every order: keepers, buyers, accountants and
// the finance roles.
func (p *page) SeesOrders() bool {
	return p.User != nil && (holdsAny(*p.User, orderRoles...) || hasFinanceRole(*p.User))
}

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
	if !slices.Contains(resolutions, word) {
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
	u := door.User(r.Context())
	if !holdsAny(u, orderRoles...) && !hasFinanceRole(u) {
		s.errorPage(w, r, door.ErrForbidden)
		return
	}
	p := s.newPage(r, "ui.orders.title")
	d := &ordersPageData{Status: r.URL.Query().Get("status"), Statuses: orderStatuses}
	status := http.StatusOK
	if d.Status != "" && !slices.Contains(orderStatuses, d.Status) {
		d.Error = p.T("problem.one_of", orderStatuses)
		status = http.StatusUnprocessableEntity
		p.Data = d
		s.render(w, r, status, "orders", p)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := s.store.Orders(ctx, d.Status, 200)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	suppliers, err := s.store.Suppliers(ctx, store.SupplierFilter{})
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	names := map[string]string{}
	for _, sp := range suppliers {
		names[sp.ID] = sp.Name
	}
	for _, o := range list {
		row := orderRow{OrderSummary: o, Supplier: o.SupplierID, Amount: policy.Money(o.Amount)}
		if n := names[o.SupplierID]; n != "" {
			row.Supplier = n
		}
		d.Items = append(d.Items, row)
	}
	p.Data = d
	s.render(w, r, status, "orders", p)
}

// orderPageData is an order's page: the order as the API shows it, what the reader may do and
// the forms as typed.
type orderPageData struct {
	orderView
	Key        string
	CanReceive bool // a keeper or a buyer, while deliveries are taken and something is left
	CanInvoice bool // a buyer or an accountant, before settlement
	CanResolve bool // a buyer
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

// LineErr returns the problem of a row's field, or "".
func (f *invoiceForm) LineErr(i int, field string) string {
	return f.Errors[fmt.Sprintf("lines[%d].%s", i, field)]
}

// recvField is one input of a receiving form row.
type recvField struct {
	P     *page
	ID    string
	Name  string // the delivery line's field: quantity, spec, …
	Value string
	Mode  string // an inputmode, or "date"
	Err   string
}

// RecvField is the i-th receiving row's input of a field, with its problem.
func (p *page) RecvField(i int, name, value, mode string) recvField {
	f := recvField{P: p, ID: fmt.Sprintf("recv-%d-%s", i, name), Name: name, Value: value, Mode: mode}
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
func (f *resolveForm) Resolutions() []string { return resolutions }

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
	i := slices.IndexFunc(d.Deliveries, func(dv deliveryView) bool { return dv.ID == id })
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
	u := door.User(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	o, err := s.visibleOrder(ctx, u, chi.URLParam(r, "id"))
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("order page: %w", err))
		return nil, false
	}
	v, err := s.orderViewOf(ctx, o, langOf(r))
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("order page %s: %w", o.ID, err))
		return nil, false
	}
	today := s.now().In(s.location(ctx)).Format(time.DateOnly)
	d := &orderPageData{orderView: v, Key: newKey(), Resolve: map[int64]*resolveForm{},
		CanReceive: holdsAny(u, roleKeeper, roleBuyer) && o.State.Receivable(),
		CanInvoice: holdsAny(u, roleBuyer, roleAccountant) && o.State.Invoiceable(),
		CanResolve: holdsAny(u, roleBuyer)}
	d.Receive = &receiveForm{DeliveredOn: today, Seal: true}
	for _, l := range v.Lines {
		if l.Remaining <= 0 {
			continue
		}
		d.Receive.Lines = append(d.Receive.Lines, receiveLine{LineNo: l.LineNo, Material: l.MaterialName, Unit: l.Unit,
			Remaining: l.Remaining, Spec: l.Spec, UnitPrice: l.UnitPrice.Plain(), SupplierID: o.SupplierID,
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
	if !holdsAny(u, roleKeeper, roleBuyer) {
		s.errorPage(w, r, &door.Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: "Only a keeper or a buyer may register a delivery."})
		return
	}
	f, rows := readReceiveForm(r)
	in := deliveryInput{DeliveredOn: f.DeliveredOn, NoteNo: f.NoteNo, InvoiceNo: f.InvoiceNo, Seal: f.Seal}
	for _, i := range rows {
		l := f.Lines[i]
		in.Lines = append(in.Lines, deliveryLineInput{LineNo: l.LineNo, Quantity: typed(l.Quantity),
			NoteQuantity: typed(l.NoteQuantity), Spec: l.Spec, UnitPrice: typed(l.UnitPrice), SupplierID: l.SupplierID,
			Manufacturer: l.Manufacturer, Batch: l.Batch, Expiry: l.Expiry})
	}
	key := r.PostForm.Get("key")
	if len(key) > door.MaxIdempotencyKey {
		key = ""
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	res, err := s.receive(ctx, u, id, in, key)
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
	for i := range min(len(v["line_no"]), maxItems) {
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
	in := invoiceInput{InvoiceNo: f.InvoiceNo, InvoicedOn: f.InvoicedOn}
	var rows []int
	for i := range min(len(v["inv_line_no"]), maxItems) {
		row := invoiceRow{Material: at(v["inv_material"], i), Quantity: at(v["inv_quantity"], i), Amount: at(v["inv_amount"], i)}
		row.LineNo, _ = strconv.Atoi(at(v["inv_line_no"], i))
		f.Lines = append(f.Lines, row)
		if strings.TrimSpace(row.Quantity) == "" && strings.TrimSpace(row.Amount) == "" {
			continue
		}
		rows = append(rows, i)
		in.Lines = append(in.Lines, invoiceLineInput{LineNo: row.LineNo, Quantity: typed(row.Quantity), Amount: typed(row.Amount)})
	}
	key := v.Get("key")
	if len(key) > door.MaxIdempotencyKey {
		key = ""
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	if _, err := s.registerInvoice(ctx, u, id, in, key); err != nil {
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
	u := door.User(r.Context())
	id, task := chi.URLParam(r, "id"), chi.URLParam(r, "task")
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	o, err := s.visibleOrder(ctx, u, id)
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("resolve return: %w", err))
		return
	}
	n, _ := strconv.ParseInt(task, 10, 64)
	tasks, err := s.store.ReturnTasks(ctx, o.ID)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if !slices.ContainsFunc(tasks, func(t store.ReturnTask) bool { return t.ID == n }) {
		s.errorPage(w, r, door.ErrNotFound)
		return
	}
	f := &resolveForm{Resolution: r.PostForm.Get("resolution"), Comment: r.PostForm.Get("comment")}
	if _, err := s.resolveReturn(ctx, u, task, returnResolution{Resolution: f.Resolution, Comment: f.Comment}); err != nil {
		var api *door.Error
		if errors.As(err, &api) && api.Code == "already_done" {
			http.Redirect(w, r, "/orders/"+url.PathEscape(o.ID)+"?done=return", http.StatusSeeOther)
			return
		}
		d, ok := s.loadOrderPage(w, r)
		if !ok {
			return
		}
		d.Resolve[n] = f
		s.orderFormFailed(w, r, d, "return-"+task, err, func(fields map[string]string) { f.Errors = fields })
		return
	}
	http.Redirect(w, r, "/orders/"+url.PathEscape(o.ID)+"?done=return", http.StatusSeeOther)
}

// The case page's procurement sections.

// receiptSection is a receipt's (GR-…) delivery: each delivered line with the keeper's verdict.
type receiptSection struct {
	OrderID     string
	DeliveryID  string
	NoteNo      string
	InvoiceNo   string
	DeliveredOn string
	Outcome     string
	Lines       []receiptLine
}

type receiptLine struct {
	procure.DeliveryLine
	Material string
	Unit     string
	Accepted bool
	Reasons  []string
}

// settlementSection is a payment's (PAY-…) order and its three-way match.
type settlementSection struct {
	OrderID  string
	Match    *procure.MatchResult
	Problems []string
}

// procurementSections fills the case page's sections of a receipt or a payment.
func (s *server) procurementSections(ctx context.Context, lang i18n.Lang, c store.Case, pv *casePageView) error {
	switch policy.Kind(c.Kind) {
	case policy.KindReceipt:
		d, err := s.store.DeliveryOfReceipt(ctx, c.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		o, err := s.store.Order(ctx, d.OrderID)
		if err != nil {
			return err
		}
		facts, err := s.purchaseFacts(ctx, "")
		if err != nil {
			return err
		}
		sec := &receiptSection{OrderID: d.OrderID, DeliveryID: d.ID, NoteNo: d.NoteNo, InvoiceNo: d.InvoiceNo,
			DeliveredOn: d.DeliveredOn.Format(time.DateOnly), Outcome: d.Outcome}
		for _, l := range d.Lines {
			rl := receiptLine{DeliveryLine: l.DeliveryLine, Accepted: l.Verdict.Accepted}
			for _, ol := range o.State.Lines {
				if ol.LineNo == l.LineNo {
					rl.Material, rl.Unit = facts.materials[ol.MaterialID].Name, ol.Unit
				}
			}
			for _, p := range l.Verdict.Problems {
				rl.Reasons = append(rl.Reasons, service.Problem{Key: p.Key, Args: wholeArgs(p.Args)}.In(lang))
			}
			sec.Lines = append(sec.Lines, rl)
		}
		pv.Receipt = sec
	case policy.KindSettlement:
		if c.ParentID == "" {
			return nil
		}
		o, err := s.store.OrderOfCase(ctx, c.ParentID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		sec := &settlementSection{OrderID: o.ID, Match: o.State.Match}
		if m := o.State.Match; m != nil {
			for _, p := range m.Problems {
				sec.Problems = append(sec.Problems, service.Problem{Key: p.Key, Args: wholeArgs(p.Args)}.In(lang))
			}
			for _, lm := range m.Lines {
				for _, p := range lm.Problems {
					sec.Problems = append(sec.Problems, i18n.T(lang, "ui.purchase.item_n", lm.LineNo)+" "+
						service.Problem{Key: p.Key, Args: wholeArgs(p.Args)}.In(lang))
				}
			}
		}
		pv.Settlement = sec
	}
	return nil
}
