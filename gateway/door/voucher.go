package door

import (
	"mime"
	"net/http"
	"strconv"
)

// SendVoucher sends the printed voucher of a case as a PDF to download, named after the case.
// It is printed anew for each request (it carries the time it was printed), so it is not cached.
func SendVoucher(w http.ResponseWriter, caseID string, pdf []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": caseID + "-voucher.pdf"}))
	h.Set("Content-Length", strconv.Itoa(len(pdf)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(pdf)
}
