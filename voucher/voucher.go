// Package voucher prints a case as the paper voucher (报销单 / 付款凭证) an auditor files: its
// facts, line items and attachments, the six seal boxes of the paper form (六联章: 经办人,
// 证明人, 验收人, 审核人, 审批人, 出纳), every seal in chain order, the case's chain hash and a QR
// code of the link that verifies it. It is layout only: the service fills a Sheet from the case
// it may show (names, labels and amounts already resolved) and Render lays it out, so the two
// doors print the same voucher and this package never reads a database.
//
// The font is WenQuanYi Micro Hei, embedded in the binary (font/README.md: licence, size); the
// PDF embeds only the glyphs it uses.
package voucher

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"signoff/i18n"
)

//go:embed font/wqy-microhei.ttf
var cjkFont []byte

// Sheet is what one voucher prints. Every text is ready to print (names, not IDs; labels in the
// sheet's language); an empty text prints as a dash.
type Sheet struct {
	Lang          i18n.Lang
	Title         string // 费用报销单, 付款凭证…
	CaseID        string
	Status        string
	Purpose       string
	Category      string
	Department    string
	BudgetLine    string
	Submitter     string
	Amount        string // "1234.50"
	Currency      string
	PolicyVersion int
	SubmittedAt   time.Time
	PaidAt        *time.Time
	PaidReference string
	Lines         []Line
	Attachments   []Attachment
	Boxes         []Box  // the paper form's seal boxes, in its order
	Seals         []Seal // every seal of the case, in chain order
	// ChainHash is the hash of the case's latest seal in the ledger's hash chain, or "" while
	// the ledger records none; the voucher then says so rather than print a made-up value.
	ChainHash string
	// VerifyURL is the link that recomputes the case's chain; the QR code encodes it.
	VerifyURL string
	PrintedAt time.Time
	// Location is the company's time zone (the policy's calendar), in which every time prints;
	// nil prints UTC.
	Location *time.Location
}

// Line is one line item.
type Line struct {
	No          int
	Date        string
	Description string
	InvoiceNo   string
	Amount      string
}

// Attachment is one attached file as the voucher lists it.
type Attachment struct {
	Filename string
	Size     int64
	SHA256   string // lowercase hex
}

// Box is one seal box of the paper form: the role's label and the seal that fills it, if any.
type Box struct {
	Label      string
	Signed     bool
	Name       string
	OnBehalfOf string
	Decision   string
	At         time.Time
}

// Seal is one seal of the ledger.
type Seal struct {
	Seq        int
	Role       string
	Name       string
	OnBehalfOf string
	Decision   string
	Comment    string
	At         time.Time
}

// A4 portrait, in millimetres.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 12.0
	bodyW        = pageW - 2*margin
	lineH        = 5.0
	fontFamily   = "wqy"
)

// Render lays the sheet out as a PDF.
func Render(s Sheet) ([]byte, error) {
	if s.Lang == "" {
		s.Lang = i18n.Default
	}
	if s.Location == nil {
		s.Location = time.UTC
	}
	p := fpdf.New("P", "mm", "A4", "")
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(false, margin)
	p.AddUTF8FontFromBytes(fontFamily, "", cjkFont)
	p.SetTitle(s.Title+" "+s.CaseID, true)
	p.SetCreator("Signoff", true)
	if !s.PrintedAt.IsZero() {
		p.SetCreationDate(s.PrintedAt)
		p.SetModificationDate(s.PrintedAt)
	}
	r := &renderer{p: p, s: s}
	p.SetFooterFunc(r.footer)
	p.AliasNbPages("{nb}")
	p.AddPage()
	r.header()
	r.facts()
	r.lines()
	r.attachments()
	r.boxes()
	r.seals()
	r.verification()
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("voucher %s: %w", s.CaseID, err)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("voucher %s: %w", s.CaseID, err)
	}
	return buf.Bytes(), nil
}

// renderer draws one sheet on one document.
type renderer struct {
	p *fpdf.Fpdf
	s Sheet
}

func (r *renderer) t(key string, args ...any) string { return i18n.T(r.s.Lang, key, args...) }

// when writes a time to the minute, in the company's time zone.
func (r *renderer) when(t time.Time) string { return t.In(r.s.Location).Format("2006-01-02 15:04") }

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (r *renderer) font(size float64) { r.p.SetFont(fontFamily, "", size) }

// room starts a new page unless h millimetres still fit on this one.
func (r *renderer) room(h float64) {
	if r.p.GetY()+h > pageH-margin-8 {
		r.p.AddPage()
	}
}

func (r *renderer) header() {
	p := r.p
	r.font(18)
	p.CellFormat(bodyW, 10, r.s.Title, "", 1, "C", false, 0, "")
	r.font(9)
	left := r.t("voucher.number", r.s.CaseID)
	right := r.t("voucher.submitted_on", r.s.SubmittedAt.In(r.s.Location).Format(time.DateOnly))
	p.CellFormat(bodyW/2, lineH, left, "", 0, "L", false, 0, "")
	p.CellFormat(bodyW/2, lineH, right, "", 1, "R", false, 0, "")
	p.Ln(1)
}

// facts prints the case's facts as label/value pairs, two pairs a row.
func (r *renderer) facts() {
	paid := ""
	if r.s.PaidAt != nil {
		paid = r.when(*r.s.PaidAt)
	}
	pairs := [][2]string{
		{r.t("voucher.purpose"), r.s.Purpose},
		{r.t("voucher.category"), r.s.Category},
		{r.t("voucher.department"), r.s.Department},
		{r.t("voucher.budget_line"), r.s.BudgetLine},
		{r.t("voucher.submitter"), r.s.Submitter},
		{r.t("voucher.status"), r.s.Status},
		{r.t("voucher.amount"), r.s.Amount + " " + r.s.Currency},
		{r.t("voucher.amount_in_words"), AmountInWords(r.s.Amount)},
		{r.t("voucher.paid_reference"), r.s.PaidReference},
		{r.t("voucher.paid_at"), paid},
		{r.t("voucher.policy_version"), fmt.Sprint(r.s.PolicyVersion)},
		{r.t("voucher.printed_at"), r.when(r.s.PrintedAt)},
	}
	// The purpose is the claim's reason for being: it takes a full row.
	r.font(10)
	r.row([]float64{26, bodyW - 26}, []string{pairs[0][0], dash(pairs[0][1])}, []bool{true, false})
	w := []float64{26, bodyW/2 - 26, 26, bodyW/2 - 26}
	for i := 1; i+1 < len(pairs); i += 2 {
		r.row(w, []string{pairs[i][0], dash(pairs[i][1]), pairs[i+1][0], dash(pairs[i+1][1])}, []bool{true, false, true, false})
	}
	if len(pairs)%2 == 0 {
		last := pairs[len(pairs)-1]
		r.row([]float64{26, bodyW - 26}, []string{last[0], dash(last[1])}, []bool{true, false})
	}
	r.p.Ln(3)
}

func (r *renderer) section(title string) {
	r.room(14)
	r.font(11)
	r.p.CellFormat(bodyW, 7, title, "", 1, "L", false, 0, "")
	r.font(9)
}

func (r *renderer) lines() {
	r.section(r.t("voucher.lines"))
	w := []float64{12, 24, 88, 32, 30}
	head := []string{r.t("voucher.col.no"), r.t("voucher.col.date"), r.t("voucher.col.description"),
		r.t("voucher.col.invoice"), r.t("voucher.col.amount")}
	r.headRow(w, head)
	for _, l := range r.s.Lines {
		r.row(w, []string{fmt.Sprint(l.No), dash(l.Date), dash(l.Description), dash(l.InvoiceNo), l.Amount}, nil)
	}
	if len(r.s.Lines) == 0 {
		r.row([]float64{bodyW}, []string{r.t("voucher.none")}, nil)
	}
	r.row([]float64{w[0] + w[1] + w[2] + w[3], w[4]}, []string{r.t("voucher.total"), r.s.Amount}, []bool{true, false})
	r.p.Ln(3)
}

func (r *renderer) attachments() {
	r.section(r.t("voucher.attachments"))
	w := []float64{70, 20, 96}
	r.headRow(w, []string{r.t("voucher.col.file"), r.t("voucher.col.size"), "SHA-256"})
	for _, a := range r.s.Attachments {
		r.row(w, []string{a.Filename, fmt.Sprint(a.Size), a.SHA256}, nil)
	}
	if len(r.s.Attachments) == 0 {
		r.row([]float64{bodyW}, []string{r.t("voucher.none")}, nil)
	}
	r.p.Ln(3)
}

// boxes draws the paper form's seal boxes side by side: the role on top, then the seal that
// fills it in red, as a stamp would be, or an empty box.
func (r *renderer) boxes() {
	if len(r.s.Boxes) == 0 {
		return
	}
	const h = 30.0
	r.section(r.t("voucher.boxes"))
	r.room(h)
	p := r.p
	w := bodyW / float64(len(r.s.Boxes))
	x0, y0 := p.GetX(), p.GetY()
	for i, b := range r.s.Boxes {
		x := x0 + float64(i)*w
		p.SetDrawColor(0, 0, 0)
		p.Rect(x, y0, w, h, "D")
		p.Line(x, y0+7, x+w, y0+7)
		r.font(10)
		p.SetXY(x, y0+1)
		p.CellFormat(w, 5, b.Label, "", 0, "C", false, 0, "")
		if !b.Signed {
			continue
		}
		p.SetDrawColor(200, 30, 30)
		p.SetTextColor(200, 30, 30)
		p.Rect(x+2, y0+9, w-4, h-11, "D")
		r.font(11)
		p.SetXY(x+2, y0+10)
		p.CellFormat(w-4, 6, b.Name, "", 2, "C", false, 0, "")
		r.font(7.5)
		if b.OnBehalfOf != "" {
			p.SetX(x + 2)
			p.CellFormat(w-4, 4, r.t("voucher.on_behalf_of", b.OnBehalfOf), "", 2, "C", false, 0, "")
		}
		p.SetX(x + 2)
		p.CellFormat(w-4, 4, b.Decision, "", 2, "C", false, 0, "")
		p.SetX(x + 2)
		p.CellFormat(w-4, 4, r.when(b.At), "", 2, "C", false, 0, "")
		p.SetTextColor(0, 0, 0)
		p.SetDrawColor(0, 0, 0)
	}
	p.SetXY(x0, y0+h+3)
}

func (r *renderer) seals() {
	r.section(r.t("voucher.seals"))
	w := []float64{10, 18, 22, 22, 18, 30, 66}
	r.headRow(w, []string{r.t("voucher.col.seq"), r.t("voucher.col.role"), r.t("voucher.col.signer"),
		r.t("voucher.col.on_behalf_of"), r.t("voucher.col.decision"), r.t("voucher.col.time"), r.t("voucher.col.comment")})
	for _, x := range r.s.Seals {
		r.row(w, []string{fmt.Sprint(x.Seq), x.Role, x.Name, dash(x.OnBehalfOf), x.Decision,
			r.when(x.At), dash(x.Comment)}, nil)
	}
	r.p.Ln(3)
}

// verification prints the chain hash and the QR code of the verify link.
func (r *renderer) verification() {
	const qrSize = 32.0
	r.room(qrSize + 10) // the heading stays with the QR code
	r.section(r.t("voucher.verification"))
	p := r.p
	x0, y0 := p.GetX(), p.GetY()
	textW := bodyW - qrSize - 4
	hash := r.s.ChainHash
	if hash == "" {
		hash = r.t("voucher.chain_hash_none")
	}
	r.font(9)
	p.MultiCell(textW, lineH, r.t("voucher.chain_hash")+"\n"+hash, "", "L", false)
	p.SetX(x0)
	p.MultiCell(textW, lineH, r.t("voucher.verify_link")+"\n"+r.s.VerifyURL, "", "L", false)
	if r.s.VerifyURL != "" {
		png, err := qrcode.Encode(r.s.VerifyURL, qrcode.Medium, 256)
		if err != nil {
			p.SetError(fmt.Errorf("qr code: %w", err))
			return
		}
		p.RegisterImageOptionsReader("verify-qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
		p.ImageOptions("verify-qr", x0+bodyW-qrSize, y0, qrSize, qrSize, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, r.s.VerifyURL)
	}
	if y := y0 + qrSize + 2; p.GetY() < y {
		p.SetY(y)
	}
}

func (r *renderer) footer() {
	p := r.p
	p.SetY(pageH - margin - 4)
	r.font(8)
	p.CellFormat(bodyW/2, 4, r.s.CaseID, "", 0, "L", false, 0, "")
	p.CellFormat(bodyW/2, 4, r.t("voucher.page", p.PageNo()), "", 0, "R", false, 0, "")
}

func (r *renderer) headRow(w []float64, cells []string) {
	r.font(9)
	r.p.SetFillColor(235, 235, 235)
	fill := make([]bool, len(cells))
	for i := range fill {
		fill[i] = true
	}
	r.row(w, cells, fill)
}

// wrap breaks text into lines that fit width w in the current font: before the character that
// would overflow, or at the last space for Latin text. (fpdf's SplitText drops the character
// at a break between Chinese characters, so it is not used.)
func (r *renderer) wrap(text string, w float64) []string {
	const pad = 2 // the cell's inner margins, 1 mm each side
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := []rune{}
		for _, c := range para {
			next := append(line, c)
			if len(line) == 0 || r.p.GetStringWidth(string(next)) <= w-pad {
				line = next
				continue
			}
			cut := len(line)
			if !unicode.Is(unicode.Han, c) && !unicode.IsSpace(c) {
				if sp := lastSpace(line); sp > 0 {
					cut = sp + 1
				}
			}
			lines = append(lines, strings.TrimRight(string(line[:cut]), " "))
			line = append(slices.Clone(line[cut:]), c)
		}
		lines = append(lines, string(line))
	}
	return lines
}

func lastSpace(rs []rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if unicode.IsSpace(rs[i]) {
			return i
		}
	}
	return -1
}

// row draws one table row whose cells wrap within their widths, all as tall as the tallest;
// shaded cells are labels.
func (r *renderer) row(w []float64, cells []string, shade []bool) {
	p := r.p
	n := 1
	split := make([][]string, len(cells))
	for i, c := range cells {
		split[i] = r.wrap(c, w[i])
		if len(split[i]) == 0 {
			split[i] = []string{""}
		}
		n = max(n, len(split[i]))
	}
	h := float64(n)*lineH + 1
	r.room(h)
	x, y := p.GetX(), p.GetY()
	p.SetFillColor(235, 235, 235)
	for i := range cells {
		style := "D"
		if i < len(shade) && shade[i] {
			style = "FD"
		}
		p.Rect(x, y, w[i], h, style)
		for j, line := range split[i] {
			p.SetXY(x, y+0.5+float64(j)*lineH)
			p.CellFormat(w[i], lineH, line, "", 0, "L", false, 0, "")
		}
		x += w[i]
	}
	p.SetXY(margin, y+h)
}
