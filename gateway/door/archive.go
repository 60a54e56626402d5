package door

import (
	"mime"
	"net/http"
	"strconv"
)

// SendArchive sends a closed case's archive package (a zip, package archive) to download, named
// after the case, exactly as it is kept: its digests attest those bytes, so nothing re-encodes it.
func SendArchive(w http.ResponseWriter, caseID string, pkg []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": caseID + "-archive.zip"}))
	h.Set("Content-Length", strconv.Itoa(len(pkg)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(pkg)
}
