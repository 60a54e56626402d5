package gateway

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/service"
	"signoff/store"
)

// Attachments at the door: files arrive as multipart form data, are read here up to
// gateway.max_upload_bytes and handed to the service (service/attachments.go), which checks
// their type and size and stores them; their bytes go back inline under their stored type.

// readFile reads one uploaded file, at most one byte past the upload limit. A file that cannot
// be read is sent on empty, which the service refuses as such.
func (s *server) readFile(fh *multipart.FileHeader) service.Upload {
	up := service.Upload{Filename: fh.Filename}
	f, err := fh.Open()
	if err != nil {
		return up
	}
	defer f.Close()
	if up.Content, err = io.ReadAll(io.LimitReader(f, s.cfg.MaxUploadBytes+1)); err != nil {
		up.Content = nil
	}
	return up
}

// readUpload reads and checks one uploaded file for a form that stores it with its own record.
// Problems are reported under field.
func (s *server) readUpload(fh *multipart.FileHeader, field string, bad service.FieldErrors) (store.NewAttachment, bool) {
	return service.CheckUpload(bad, field, s.readFile(fh), s.cfg.MaxUploadBytes)
}

// saveUploads stores the files of a form post's "files" field for u, next to the have already
// kept. Files that are refused are reported in bad; the others are stored even so, so that the
// form keeps them.
func (s *server) saveUploads(ctx context.Context, r *http.Request, u store.User, have int, bad service.FieldErrors) ([]store.Attachment, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var files []service.Upload
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Filename == "" && fh.Size == 0 { // a file input left empty
			continue
		}
		files = append(files, s.readFile(fh))
	}
	return s.svc.SaveUploads(ctx, u, files, service.MaxAttachments-have, s.cfg.MaxUploadBytes, bad)
}

func sizeText(n int64) string { return service.SizeText(n) }

// uploadAttachment takes one file (multipart field "file") and answers with its stored form,
// for a claim to name in "attachments".
func (s *server) uploadAttachment(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes+64<<10)
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		s.fail(w, r, &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "Send the file as multipart/form-data, in the field \"file\"."})
		return
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		s.fail(w, r, formError(err))
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	files := r.MultipartForm.File["file"]
	switch {
	case len(files) == 0:
		s.fail(w, r, service.FieldErrors{"file": {Key: "required"}}.Err())
		return
	case len(files) > 1:
		s.fail(w, r, service.FieldErrors{"file": {Key: "one_file"}}.Err())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	a, err := s.svc.SaveUpload(ctx, u, "file", s.readFile(files[0]), s.cfg.MaxUploadBytes)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/attachments/"+a.ID)
	writeJSON(w, http.StatusCreated, service.AttachmentViewOf(a))
}

// getAttachment describes an attachment.
func (s *server) getAttachment(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	a, err := s.svc.Attachment(ctx, userFrom(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, service.AttachmentViewOf(a))
}

// apiAttachmentContent sends an attachment's bytes to an API client.
func (s *server) apiAttachmentContent(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	a, body, err := s.svc.AttachmentContent(ctx, userFrom(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendAttachment(w, r, a, body)
}

// attachmentContent shows an attachment in the browser.
func (s *server) attachmentContent(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	a, body, err := s.svc.AttachmentContent(ctx, userFrom(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	sendAttachment(w, r, a, body)
}

// sendAttachment writes the bytes inline under their stored type, which was read from the
// content: the browser shows the PDF or image and is told not to guess otherwise.
func sendAttachment(w http.ResponseWriter, r *http.Request, a store.Attachment, body []byte) {
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
	// FormatMediaType writes a non-ASCII name as RFC 2231's filename*=utf-8''….
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": a.Filename}))
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("ETag", `"`+a.Hex()+`"`)
	http.ServeContent(w, r, "", a.CreatedAt, bytes.NewReader(body))
}
