package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"signoff/service"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/store"
)

// Attachments: receipts and invoices as PDF, JPEG or PNG. The type is read from the file's first
// bytes, never from its name or the browser's word; the size is bounded by
// gateway.max_upload_bytes; each file is stored with its SHA-256. An upload belongs to its
// uploader until a claim links it; once on a case, whoever may see the case may see it. The scan
// of a supplier certificate is master data: everyone signed in may see it.

// Attachment types, by their magic numbers.
var attachmentTypes = []struct {
	magic []byte
	ctype string
}{
	{[]byte("%PDF-"), "application/pdf"},
	{[]byte("\x89PNG\r\n\x1a\n"), "image/png"},
	{[]byte{0xFF, 0xD8, 0xFF}, "image/jpeg"},
}

// sniffType names an attachment's type from its first bytes, or "" when it is not one we take.
func sniffType(head []byte) string {
	for _, t := range attachmentTypes {
		if bytes.HasPrefix(head, t.magic) {
			return t.ctype
		}
	}
	return ""
}

// maxFilename bounds a stored file name, in characters.
const maxFilename = 200

// cleanFilename keeps the base name a browser sent, without directories or control characters.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == "" {
		name = "attachment"
	}
	return truncate(name, maxFilename)
}

// readUpload reads one uploaded file within the size limit and checks its type. Problems are
// reported under field.
func (s *server) readUpload(fh *multipart.FileHeader, field string, bad service.FieldErrors) (store.NewAttachment, bool) {
	name := cleanFilename(fh.Filename)
	if fh.Size > s.cfg.MaxUploadBytes {
		bad.Add(field, "attachment_size", name, sizeText(s.cfg.MaxUploadBytes))
		return store.NewAttachment{}, false
	}
	f, err := fh.Open()
	if err != nil {
		bad.Add(field, "attachment_empty", name)
		return store.NewAttachment{}, false
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, s.cfg.MaxUploadBytes+1))
	switch {
	case err != nil || len(content) == 0:
		bad.Add(field, "attachment_empty", name)
		return store.NewAttachment{}, false
	case int64(len(content)) > s.cfg.MaxUploadBytes:
		bad.Add(field, "attachment_size", name, sizeText(s.cfg.MaxUploadBytes))
		return store.NewAttachment{}, false
	}
	ctype := sniffType(content)
	if ctype == "" {
		bad.Add(field, "attachment_type", name)
		return store.NewAttachment{}, false
	}
	return store.NewAttachment{Filename: name, ContentType: ctype, Content: content}, true
}

// saveUploads stores the files of a form post's "files" field for u. Files that are refused are
// reported in bad; the others are stored even so, so that the form keeps them.
func (s *server) saveUploads(ctx context.Context, r *http.Request, u store.User, have int, bad service.FieldErrors) ([]store.Attachment, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []store.Attachment
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Filename == "" && fh.Size == 0 { // a file input left empty
			continue
		}
		if have+len(out) >= maxAttachments {
			bad.Add("attachments", "attachments_too_many", maxAttachments)
			break
		}
		na, ok := s.readUpload(fh, "attachments", bad)
		if !ok {
			continue
		}
		na.UploaderID = u.ID
		a, err := s.store.SaveAttachment(ctx, na)
		if err != nil {
			return nil, fmt.Errorf("save upload: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", max(n>>10, 1))
}

// attachmentView is an attachment as the API describes it.
type attachmentView struct {
	ID          string    `json:"id"`
	CaseID      *string   `json:"case_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
	URL         string    `json:"url"`
}

func attachmentViewOf(a store.Attachment) attachmentView {
	v := attachmentView{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size,
		SHA256: a.Hex(), UploadedBy: a.UploaderID, UploadedAt: a.CreatedAt, URL: "/api/v1/attachments/" + a.ID + "/content"}
	if a.CaseID != "" {
		v.CaseID = &a.CaseID
	}
	return v
}

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
	bad := service.FieldErrors{}
	na, ok := s.readUpload(files[0], "file", bad)
	if !ok {
		s.fail(w, r, bad.Err())
		return
	}
	na.UploaderID = u.ID
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	a, err := s.store.SaveAttachment(ctx, na)
	if err != nil {
		s.fail(w, r, fmt.Errorf("upload: %w", err))
		return
	}
	w.Header().Set("Location", "/api/v1/attachments/"+a.ID)
	writeJSON(w, http.StatusCreated, attachmentViewOf(a))
}

// visibleAttachment loads an attachment the caller may see: their own upload, one on a case
// they may see, or the scan of a supplier certificate (master data everyone signed in reads).
// Any other is "not found".
func (s *server) visibleAttachment(ctx context.Context, u store.User, id string, content bool) (store.Attachment, []byte, error) {
	var a store.Attachment
	var body []byte
	var err error
	if content {
		a, body, err = s.store.AttachmentContent(ctx, id)
	} else {
		a, err = s.store.Attachment(ctx, id)
	}
	if err != nil {
		return store.Attachment{}, nil, err
	}
	if a.CaseID == "" {
		if a.UploaderID != u.ID {
			switch scan, err := s.store.IsSharedAttachment(ctx, a.ID); {
			case err != nil:
				return store.Attachment{}, nil, err
			case !scan:
				return store.Attachment{}, nil, errNotFound
			}
		}
		return a, body, nil
	}
	if _, err := s.visibleCase(ctx, u, a.CaseID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return store.Attachment{}, nil, errNotFound
		}
		return store.Attachment{}, nil, err
	}
	return a, body, nil
}

// getAttachment describes an attachment.
func (s *server) getAttachment(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	a, _, err := s.visibleAttachment(ctx, userFrom(r.Context()), chi.URLParam(r, "id"), false)
	if err != nil {
		s.fail(w, r, fmt.Errorf("attachment: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, attachmentViewOf(a))
}

// apiAttachmentContent sends an attachment's bytes to an API client.
func (s *server) apiAttachmentContent(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	a, body, err := s.visibleAttachment(ctx, userFrom(r.Context()), chi.URLParam(r, "id"), true)
	if err != nil {
		s.fail(w, r, fmt.Errorf("attachment: %w", err))
		return
	}
	sendAttachment(w, r, a, body)
}

// attachmentContent shows an attachment in the browser.
func (s *server) attachmentContent(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	a, body, err := s.visibleAttachment(ctx, userFrom(r.Context()), chi.URLParam(r, "id"), true)
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("attachment: %w", err))
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
