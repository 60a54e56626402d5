package door

import (
	"mime"
	"net/http"
	"strconv"
)

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

// sendDownload sends body as a file to save, never cached by anyone but the reader, never
// sniffed into something else.
func sendDownload(w http.ResponseWriter, contentType, filename string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
