package door

import (
	"mime"
	"net/http"
	"strconv"
)

// FileCSP is the Content-Security-Policy of every file the gateway sends (attachments, vouchers,
// archives, exports): a sandbox with an opaque origin, no script, nothing loaded but the file
// itself, framed only by Signoff's own pages. A file that manages to be taken for a page still
// cannot reach the reader's session. Chromium still shows PDFs and images under it.
const FileCSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"

// Dispositions of FileHeaders: shown in the browser, or saved.
const (
	Inline     = "inline"
	Attachment = "attachment"
)

// FileHeaders sets what every file answer carries: its type (never sniffed into another), its
// disposition and name (a non-ASCII name as RFC 2231's filename*=utf-8”…), and FileCSP.
func FileHeaders(w http.ResponseWriter, contentType, disposition, filename string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": filename}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", FileCSP)
}

// SendVoucher sends the printed voucher of a case as a PDF to download, named after the case.
// It is printed anew for each request (it carries the time it was printed), so it is not cached.
func SendVoucher(w http.ResponseWriter, caseID string, pdf []byte) {
	sendDownload(w, "application/pdf", caseID+"-voucher.pdf", pdf)
}

// SendArchive sends a closed case's archive package (a zip, package archive) to download, named
// after the case, exactly as it is kept: its digests attest those bytes, so nothing re-encodes it.
func SendArchive(w http.ResponseWriter, caseID string, pkg []byte) {
	sendDownload(w, "application/zip", caseID+"-archive.zip", pkg)
}

// sendDownload sends body as a file to save, never cached by anyone but the reader.
func sendDownload(w http.ResponseWriter, contentType, filename string, body []byte) {
	FileHeaders(w, contentType, Attachment, filename)
	h := w.Header()
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
