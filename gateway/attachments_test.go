package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/gateway/door"
)

// testMaxUpload is the harness's gateway.max_upload_bytes.
const testMaxUpload = 1 << 20

// filePart is one part of a multipart upload.
type filePart struct {
	field, filename, ctype string
	content                []byte
}

// multipartBody encodes parts as multipart/form-data and returns the body and its Content-Type.
func multipartBody(t testing.TB, parts ...filePart) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		hdr := textproto.MIMEHeader{}
		disp := map[string]string{"name": p.field}
		if p.filename != "" {
			disp["filename"] = p.filename
		}
		hdr.Set("Content-Disposition", mime.FormatMediaType("form-data", disp))
		if p.ctype != "" {
			hdr.Set("Content-Type", p.ctype)
		}
		w, err := mw.CreatePart(hdr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(p.content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// upload posts one file in the field "file" as a user, the way a browser would.
func (h *harness) upload(user, filename string, content []byte) reply {
	h.t.Helper()
	body, ctype := multipartBody(h.t, filePart{field: "file", filename: filename, ctype: "application/octet-stream", content: content})
	return h.do(call{Method: http.MethodPost, Path: "/api/v1/attachments", User: user, Raw: body, ContentType: ctype})
}

// uploaded uploads a file that must be accepted and returns its ID.
func (h *harness) uploaded(user, filename string, content []byte) string {
	h.t.Helper()
	return h.must(h.upload(user, filename, content), http.StatusCreated, "").str("id")
}

// pngBytes encodes a small real PNG; seed makes different images.
func pngBytes(t testing.TB, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for x := range 16 {
		for y := range 12 {
			img.Set(x, y, color.RGBA{R: uint8(x * 16), G: uint8(y * 20), B: seed, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegBytes(t testing.TB) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 32, 32))
	for x := range 32 {
		for y := range 32 {
			img.SetGray(x, y, color.Gray{Y: uint8((x + y) * 4)})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// minimalPDF is a one-page PDF with no content.
const minimalPDF = "%PDF-1.4\n" +
	"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
	"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n" +
	"trailer << /Root 1 0 R >>\n%%EOF\n"

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// attachmentRows counts the stored uploads, to prove a refused upload stored nothing.
func attachmentRows(h *harness) int64 {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, h.stack.URL)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM attachments`).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// attachmentIDs lists the IDs of a case page's attachments, in order.
func attachmentIDs(r reply) []string { return r.ids("attachments") }

// reservedOn reads a budget line's reserved amount through the API.
func reservedOn(h *harness, user, line string) string {
	h.t.Helper()
	r := h.must(get(h, user, "/api/v1/budget-lines"), http.StatusOK, "")
	items, _ := r.Body["items"].([]any)
	for _, it := range items {
		if m := it.(map[string]any); m["id"] == line {
			return m["reserved"].(string)
		}
	}
	h.t.Fatalf("no budget line %s: %s", line, r.Raw)
	return ""
}

// TestUploadAttachments: PDF, PNG and JPEG files are stored under the type their content says,
// with their SHA-256, and served back byte for byte to their uploader only.
func TestUploadAttachments(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pngFile, jpegFile, pdfFile := pngBytes(t, 1), jpegBytes(t), []byte(minimalPDF)

	for _, tt := range []struct {
		name, filename, wantName, ctype string
		content                         []byte
	}{
		{"png", "收据.png", "收据.png", "image/png", pngFile},
		{"jpeg", "taxi.jpg", "taxi.jpg", "image/jpeg", jpegFile},
		{"pdf", "发票.pdf", "发票.pdf", "application/pdf", pdfFile},
		// The type is read from the content, not the name; directories are dropped from the name.
		{"png named .pdf", `C:\fakepath\scan.pdf`, "scan.pdf", "image/png", pngFile},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := h.must(h.upload("zhang.wei", tt.filename, tt.content), http.StatusCreated, "")
			id := r.str("id")
			if id == "" || r.Header.Get("Location") != "/api/v1/attachments/"+id {
				t.Fatalf("id %q, Location %q", id, r.Header.Get("Location"))
			}
			if r.str("content_type") != tt.ctype || r.str("filename") != tt.wantName || r.num("size") != len(tt.content) ||
				r.str("uploaded_by") != "zhang.wei" || r.Body["case_id"] != nil || r.str("url") != "/api/v1/attachments/"+id+"/content" {
				t.Errorf("upload: %s", r.Raw)
			}
			if got, want := r.str("sha256"), sha256Hex(tt.content); got != want {
				t.Errorf("sha256 %s, want %s", got, want)
			}
			if at, err := time.Parse(time.RFC3339, r.str("uploaded_at")); err != nil || time.Since(at) > time.Minute {
				t.Errorf("uploaded_at %q", r.str("uploaded_at"))
			}

			meta := h.must(get(h, "zhang.wei", "/api/v1/attachments/"+id), http.StatusOK, "")
			if !bytes.Equal(meta.Raw, r.Raw) {
				t.Errorf("metadata %s differs from the upload's answer %s", meta.Raw, r.Raw)
			}
			content := h.must(get(h, "zhang.wei", r.str("url")), http.StatusOK, "")
			if !bytes.Equal(content.Raw, tt.content) {
				t.Fatalf("content differs: %d bytes back, %d sent", len(content.Raw), len(tt.content))
			}
			for header, want := range map[string]string{
				"Content-Type":           tt.ctype,
				"X-Content-Type-Options": "nosniff",
				"ETag":                   `"` + sha256Hex(tt.content) + `"`,
			} {
				if got := content.Header.Get(header); got != want {
					t.Errorf("%s: %q, want %q", header, got, want)
				}
			}
			if disp, params, err := mime.ParseMediaType(content.Header.Get("Content-Disposition")); err != nil || disp != "inline" || params["filename"] != tt.wantName {
				t.Errorf("Content-Disposition %q", content.Header.Get("Content-Disposition"))
			}
			checkFileHeaders(t, "attachment", content.Header, door.Inline)

			// Until a claim takes it, the upload is its uploader's alone, even to the finance roles.
			missing := h.must(get(h, "li.na", "/api/v1/attachments/att_000000000000000000000000"), http.StatusNotFound, "not_found")
			for _, other := range []string{"li.na", "sun.min"} {
				hidden := h.must(get(h, other, "/api/v1/attachments/"+id), http.StatusNotFound, "not_found")
				if hidden.str("message") != missing.str("message") {
					t.Error("someone else's upload must read like a missing one")
				}
				h.must(get(h, other, r.str("url")), http.StatusNotFound, "not_found")
			}
		})
	}

	// Conditional and partial requests are served from the stored bytes.
	id := h.uploaded("zhang.wei", "receipt.png", pngFile)
	url := "/api/v1/attachments/" + id + "/content"
	etag := `"` + sha256Hex(pngFile) + `"`
	notModified := h.must(h.do(call{Method: http.MethodGet, Path: url, User: "zhang.wei", Headers: map[string]string{"If-None-Match": etag}}),
		http.StatusNotModified, "")
	if len(notModified.Raw) != 0 || notModified.Header.Get("ETag") != etag {
		t.Errorf("304: ETag %q, %d bytes", notModified.Header.Get("ETag"), len(notModified.Raw))
	}
	part := h.must(h.do(call{Method: http.MethodGet, Path: url, User: "zhang.wei", Headers: map[string]string{"Range": "bytes=0-7"}}),
		http.StatusPartialContent, "")
	if !bytes.Equal(part.Raw, pngFile[:8]) || part.Header.Get("Content-Range") != fmt.Sprintf("bytes 0-7/%d", len(pngFile)) {
		t.Errorf("206: %q, Content-Range %q", part.Raw, part.Header.Get("Content-Range"))
	}
	ranges := h.must(h.do(call{Method: http.MethodGet, Path: url, User: "zhang.wei", Headers: map[string]string{"Range": "bytes=0-1,4-5"}}),
		http.StatusPartialContent, "")
	if mt, _, _ := mime.ParseMediaType(ranges.Header.Get("Content-Type")); mt != "multipart/byteranges" {
		t.Errorf("two ranges: Content-Type %q", ranges.Header.Get("Content-Type"))
	}
	h.must(h.do(call{Method: http.MethodGet, Path: url, User: "zhang.wei", Headers: map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(pngFile)+10)}}),
		http.StatusRequestedRangeNotSatisfiable, "")

	// Without a token, nothing.
	h.must(h.upload("", "receipt.png", pngFile), http.StatusUnauthorized, "unauthorized")
	h.must(get(h, "", "/api/v1/attachments/"+id), http.StatusUnauthorized, "unauthorized")
	h.must(get(h, "", url), http.StatusUnauthorized, "unauthorized")
}

// TestUploadRefusals: what is not one PDF, JPEG or PNG within the limit is refused with its
// status and code, names the field, and stores nothing.
func TestUploadRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	overLimit := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{'x'}, testMaxUpload)...)
	farTooLarge := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{'x'}, 2*testMaxUpload)...)
	multi := func(parts ...filePart) call {
		body, ctype := multipartBody(t, parts...)
		return call{Raw: body, ContentType: ctype}
	}
	file := func(name, ctype string, content []byte) filePart {
		return filePart{field: "file", filename: name, ctype: ctype, content: content}
	}
	pngFile := pngBytes(t, 2)
	tests := []struct {
		name   string
		call   call
		broken bool // the request itself breaks the description
		status int
		code   string
		detail string // the message of details.file must contain this
	}{
		{name: "text named .pdf, declared a PDF", call: multi(file("invoice.pdf", "application/pdf", []byte("Invoice 42: 120.50 CNY\n"))),
			status: 422, code: "invalid_input", detail: "must be a PDF, JPEG or PNG file"},
		{name: "HTML named .png", call: multi(file("x.png", "image/png", []byte("<html><script>alert(1)</script></html>"))),
			status: 422, code: "invalid_input", detail: "must be a PDF, JPEG or PNG file"},
		{name: "empty file", call: multi(file("empty.pdf", "application/pdf", nil)),
			status: 422, code: "invalid_input", detail: "is empty"},
		{name: "one byte over the limit", call: multi(file("big.pdf", "application/pdf", overLimit[:testMaxUpload+1])),
			status: 422, code: "invalid_input", detail: "is larger than 1 MB"},
		{name: "no file field", call: multi(filePart{field: "attachment", filename: "r.png", content: pngFile}), broken: true,
			status: 422, code: "invalid_input", detail: "is required"},
		{name: "file as a plain field", call: multi(filePart{field: "file", content: []byte("%PDF-1.4")}),
			status: 422, code: "invalid_input", detail: "is required"},
		{name: "two files", call: multi(file("a.png", "image/png", pngFile), file("b.png", "image/png", pngFile)), broken: true,
			status: 422, code: "invalid_input", detail: "must hold one file"},
		{name: "JSON body", call: call{Body: map[string]any{"file": "JVBERi0xLjQK"}}, broken: true,
			status: 415, code: "unsupported_media_type"},
		{name: "raw PNG body", call: call{Raw: pngFile, ContentType: "image/png"}, broken: true,
			status: 415, code: "unsupported_media_type"},
		{name: "multipart without boundary", call: call{Raw: []byte("x"), ContentType: "multipart/form-data"}, broken: true,
			status: 400, code: "malformed_form"},
		{name: "not multipart inside", call: call{Raw: []byte("this is not a form"), ContentType: "multipart/form-data; boundary=b0undary"}, broken: true,
			status: 400, code: "malformed_form"},
		{name: "far too large", call: multi(file("huge.pdf", "application/pdf", farTooLarge)),
			status: 413, code: "body_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.call
			c.Method, c.Path, c.User, c.Broken = http.MethodPost, "/api/v1/attachments", "zhang.wei", tt.broken
			before := attachmentRows(h)
			r := h.must(h.do(c), tt.status, tt.code)
			if tt.detail != "" {
				if got, _ := r.details()["file"].(string); !strings.Contains(got, tt.detail) {
					t.Errorf("details.file %q, want it to say %q: %s", got, tt.detail, r.Raw)
				}
			}
			if after := attachmentRows(h); after != before {
				t.Errorf("a refused upload stored %d rows", after-before)
			}
		})
	}

	// The limit itself is allowed.
	atLimit := h.must(h.upload("zhang.wei", "limit.pdf", overLimit[:testMaxUpload]), http.StatusCreated, "")
	if atLimit.num("size") != testMaxUpload || atLimit.str("sha256") != sha256Hex(overLimit[:testMaxUpload]) {
		t.Errorf("upload at the limit: %s", atLimit.Raw)
	}
}

// TestAttachmentsAndCopiesOnAClaim: a claim links its uploads and copies the case; the people on
// the case see the files, the people copied read the case but cannot act, and an upload goes on
// one case only.
func TestAttachmentsAndCopiesOnAClaim(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pngFile, pdfFile := pngBytes(t, 3), []byte(minimalPDF)
	a1 := h.uploaded("zhang.wei", "taxi.png", pngFile)
	a2 := h.uploaded("zhang.wei", "发票.pdf", pdfFile)

	c := h.submit("zhang.wei", with(claimBody("300.00"), -1, map[string]any{"attachments": []string{a1, a2}, "cc": []string{"huang.lei"}}))
	id, rev := c.str("id"), c.num("revision")
	if got := attachmentIDs(c); !slices.Equal(got, []string{a1, a2}) {
		t.Fatalf("attachments %v, want %v", got, []string{a1, a2})
	}
	for _, a := range c.Body["attachments"].([]any) {
		if m := a.(map[string]any); m["case_id"] != id || m["uploaded_by"] != "zhang.wei" {
			t.Errorf("attachment on the case: %v", m)
		}
	}
	cc, _ := c.Body["cc"].([]any)
	if len(cc) != 1 || cc[0].(map[string]any)["id"] != "huang.lei" || cc[0].(map[string]any)["name"] != "黄磊" {
		t.Errorf("cc %v, want 黄磊", cc)
	}
	if meta := h.must(get(h, "zhang.wei", "/api/v1/attachments/"+a1), http.StatusOK, ""); meta.str("case_id") != id {
		t.Errorf("after the claim: %s", meta.Raw)
	}
	page := h.must(get(h, "zhang.wei", "/api/v1/cases/"+id), http.StatusOK, "")
	if !slices.Equal(attachmentIDs(page), []string{a1, a2}) || !slices.Equal(page.ids("cc"), []string{"huang.lei"}) {
		t.Errorf("case page: attachments %v, cc %v", attachmentIDs(page), page.ids("cc"))
	}

	// On the case, the attachments are for whoever may see the case.
	for _, who := range []string{"zhang.wei", "li.na", "huang.lei", "sun.min"} {
		got := h.must(get(h, who, "/api/v1/attachments/"+a1+"/content"), http.StatusOK, "")
		if !bytes.Equal(got.Raw, pngFile) || got.Header.Get("Content-Type") != "image/png" {
			t.Errorf("%s: content of %s differs", who, a1)
		}
		if meta := h.must(get(h, who, "/api/v1/attachments/"+a2), http.StatusOK, ""); meta.str("sha256") != sha256Hex(pdfFile) {
			t.Errorf("%s: %s", who, meta.Raw)
		}
	}
	h.must(get(h, "xu.jing", "/api/v1/attachments/"+a1), http.StatusNotFound, "not_found")
	h.must(get(h, "xu.jing", "/api/v1/attachments/"+a1+"/content"), http.StatusNotFound, "not_found")

	// The person copied reads the case, lists it as copied, and may do nothing on it.
	copied := h.must(get(h, "huang.lei", "/api/v1/cases/"+id), http.StatusOK, "")
	if acts, _ := copied.Body["allowed_actions"].([]any); len(acts) != 0 {
		t.Errorf("the person copied may %v", acts)
	}
	if got := h.must(get(h, "huang.lei", "/api/v1/cases?scope=copied"), http.StatusOK, "").ids("items"); !slices.Equal(got, []string{id}) {
		t.Errorf("huang.lei's copied list %v", got)
	}
	for _, scope := range []string{"todo", "involved", "done"} {
		if got := h.must(get(h, "huang.lei", "/api/v1/cases?scope="+scope), http.StatusOK, "").ids("items"); len(got) != 0 {
			t.Errorf("huang.lei's %s list %v", scope, got)
		}
	}
	before := h.written()
	h.must(h.act("huang.lei", id, "approve", map[string]any{"revision": rev}), http.StatusForbidden, "not_assignee")
	h.must(h.act("huang.lei", id, "reject", map[string]any{"revision": rev, "comment": "不同意"}), http.StatusForbidden, "not_assignee")
	h.must(h.act("huang.lei", id, "comment", map[string]any{"comment": "已阅"}), http.StatusForbidden, "not_assignee")
	if now := h.must(get(h, "zhang.wei", "/api/v1/cases/"+id), http.StatusOK, ""); now.num("revision") != rev || len(now.Body["seals"].([]any)) != 1 {
		t.Errorf("the copied person's attempts changed the case: %s", now.Raw)
	}
	if after := h.written(); after != before {
		t.Errorf("refused actions wrote: %+v → %+v", before, after)
	}

	// An upload goes on one case only; another user's upload, or one that does not exist, on none.
	// A refused claim writes nothing and leaves its other uploads free.
	reserved := reservedOn(h, "zhang.wei", "2026-sales-travel")
	if reserved != "300.00" {
		t.Fatalf("reserved %s, want 300.00", reserved)
	}
	fresh := h.uploaded("zhang.wei", "hotel.png", pngBytes(t, 4))
	theirs := h.uploaded("li.na", "li.png", pngBytes(t, 5))
	for name, ids := range map[string][]string{
		"already on a case": {fresh, a1},
		"another user's":    {theirs},
		"unknown":           {"att_000000000000000000000000"},
		"too long":          {strings.Repeat("a", 201)},
	} {
		t.Run("attachment "+name, func(t *testing.T) {
			before := h.written()
			r := h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses", User: "zhang.wei", Broken: name == "too long",
				Body: with(claimBody("50.00"), -1, map[string]any{"attachments": ids})})
			h.must(r, http.StatusUnprocessableEntity, "invalid_input")
			if got, _ := r.details()["attachments"].(string); !strings.Contains(got, ids[len(ids)-1]) || strings.Contains(got, fresh) {
				t.Errorf("details.attachments %q should name %s only", got, ids[len(ids)-1])
			}
			if after := h.written(); after != before {
				t.Errorf("refused claim wrote: %+v → %+v", before, after)
			}
			if got := h.must(get(h, "zhang.wei", "/api/v1/cases?scope=submitted"), http.StatusOK, "").ids("items"); !slices.Equal(got, []string{id}) {
				t.Errorf("submitted list %v, want only %s", got, id)
			}
			if got := reservedOn(h, "zhang.wei", "2026-sales-travel"); got != reserved {
				t.Errorf("reserved %s → %s", reserved, got)
			}
		})
	}
	if m := h.must(get(h, "zhang.wei", "/api/v1/attachments/"+fresh), http.StatusOK, ""); m.Body["case_id"] != nil {
		t.Errorf("a refused claim linked %s: %s", fresh, m.Raw)
	}
	if m := h.must(get(h, "li.na", "/api/v1/attachments/"+theirs), http.StatusOK, ""); m.Body["case_id"] != nil {
		t.Errorf("li.na's upload was linked: %s", m.Raw)
	}
	tooMany := make([]string, 21)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("att_%024d", i)
	}

	// Copies: active users other than the submitter, at most twenty.
	twentyOne := make([]string, 21)
	for i := range twentyOne {
		twentyOne[i] = fmt.Sprintf("user.%02d", i)
	}
	for _, tt := range []struct {
		name   string
		change map[string]any
		field  string
		says   string
		broken bool
	}{
		{"unknown user", map[string]any{"cc": []string{"huang.lei", "nobody.here"}}, "cc", `"nobody.here" is not an active user`, false},
		{"the submitter", map[string]any{"cc": []string{"zhang.wei"}}, "cc", "need not include you", false},
		{"21 people", map[string]any{"cc": twentyOne}, "cc", "at most 20", true},
		{"21 attachments", map[string]any{"attachments": tooMany}, "attachments", "at most 20", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := h.written()
			for _, path := range []string{"/api/v1/expenses", "/api/v1/expenses/route-preview"} {
				r := h.do(call{Method: http.MethodPost, Path: path, User: "zhang.wei", Body: with(claimBody("50.00"), -1, tt.change), Broken: tt.broken})
				h.must(r, http.StatusUnprocessableEntity, "invalid_input")
				if got, _ := r.details()[tt.field].(string); !strings.Contains(got, tt.says) {
					t.Errorf("%s: details.%s %q, want %q", path, tt.field, got, tt.says)
				}
			}
			if after := h.written(); after != before {
				t.Errorf("refused claim wrote: %+v → %+v", before, after)
			}
		})
	}
	// Repeats are one person; a preview takes the same fields.
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses/route-preview", User: "zhang.wei",
		Body: with(claimBody("50.00"), -1, map[string]any{"cc": []string{"huang.lei", "huang.lei"}, "attachments": []string{fresh}})}), http.StatusOK, "")
	if got := h.must(get(h, "zhang.wei", "/api/v1/cases?scope=submitted"), http.StatusOK, "").ids("items"); !slices.Equal(got, []string{id}) {
		t.Errorf("submitted list %v, want only %s", got, id)
	}
}

// TestResubmitAddsAttachments: after a return, the submitter's edit may add new uploads; it may
// not re-use one already on a case, nor change the copies.
func TestResubmitAddsAttachments(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a1 := h.uploaded("zhang.wei", "taxi.png", pngBytes(t, 6))
	c := h.submit("zhang.wei", with(claimBody("200.00"), -1, map[string]any{"attachments": []string{a1}, "cc": []string{"huang.lei"}}))
	id := c.str("id")
	other := h.submit("zhang.wei", with(claimBody("10.00"), -1, map[string]any{"attachments": []string{h.uploaded("zhang.wei", "o.pdf", []byte(minimalPDF))}}))
	returned := h.must(h.act("li.na", id, "return", map[string]any{"revision": c.num("revision"), "comment": "请补充酒店发票"}), http.StatusOK, "")
	rev := returned.num("revision")

	a2 := h.uploaded("zhang.wei", "hotel.pdf", []byte(minimalPDF))
	edits := func(change map[string]any) map[string]any {
		e := map[string]any{"purpose": "客户拜访差旅（补酒店）", "category": "travel", "lines": []any{
			map[string]any{"description": "出租车", "amount": "200.00"}, map[string]any{"description": "酒店", "amount": "480.00"}}}
		for k, v := range change {
			e[k] = v
		}
		return e
	}
	before := h.written()
	for _, tt := range []struct {
		name   string
		change map[string]any
		field  string
		broken bool
	}{
		{"copies cannot change", map[string]any{"attachments": []string{a2}, "cc": []string{"wang.fang"}}, "edits.cc", true},
		{"an upload on this case", map[string]any{"attachments": []string{a1}}, "edits.attachments", false},
		{"an upload on another case", map[string]any{"attachments": []string{other.ids("attachments")[0]}}, "edits.attachments", false},
		{"another user's upload", map[string]any{"attachments": []string{h.uploaded("li.na", "x.png", pngBytes(t, 7))}}, "edits.attachments", false},
	} {
		r := h.do(call{Method: http.MethodPost, Path: "/api/v1/cases/" + id + "/actions/resubmit", User: "zhang.wei", Broken: tt.broken,
			Body: map[string]any{"revision": rev, "edits": edits(tt.change)}})
		h.must(r, http.StatusUnprocessableEntity, "invalid_input")
		if _, ok := r.details()[tt.field]; !ok {
			t.Errorf("%s: details lack %s: %v", tt.name, tt.field, r.details())
		}
	}
	if after := h.written(); after != before {
		t.Fatalf("refused resubmissions wrote: %+v → %+v", before, after)
	}
	if m := h.must(get(h, "zhang.wei", "/api/v1/attachments/"+a2), http.StatusOK, ""); m.Body["case_id"] != nil {
		t.Fatalf("a refused resubmission linked %s", a2)
	}

	done := h.must(h.act("zhang.wei", id, "resubmit", map[string]any{"revision": rev, "edits": edits(map[string]any{"attachments": []string{a2}, "cc": []string{}})}), http.StatusOK, "")
	if got := attachmentIDs(done); !slices.Equal(got, []string{a1, a2}) || done.str("amount") != "680.00" || done.str("status") != "in_progress" {
		t.Fatalf("after resubmission: attachments %v: %s", got, done.Raw)
	}
	if !slices.Equal(done.ids("cc"), []string{"huang.lei"}) {
		t.Errorf("cc after resubmission %v", done.ids("cc"))
	}
	if m := h.must(get(h, "li.na", "/api/v1/attachments/"+a2), http.StatusOK, ""); m.str("case_id") != id {
		t.Errorf("the new upload is not on the case: %s", m.Raw)
	}
}
