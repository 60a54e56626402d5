package web

import (
	"context"
	"mime/multipart"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
	"signoff/store"
)

// Files on the pages: a form's uploads are read at the door (door.ReadFile) and stored by the
// service, which checks them; an attachment opens in the browser.

// readUpload reads and checks one uploaded file for a form that stores it with its own record.
// Problems are reported under field.
func (s *server) readUpload(fh *multipart.FileHeader, field string, bad service.FieldErrors) (store.NewAttachment, bool) {
	return service.CheckUpload(bad, field, door.ReadFile(fh, s.cfg.MaxUploadBytes), s.cfg.MaxUploadBytes)
}

// saveUploads stores the files of a form post's "files" field for u, next to the have already
// kept. Files that are refused are reported in bad; the others are stored even so, so that the
// form keeps them.
func (s *server) saveUploads(ctx context.Context, r *http.Request, u store.User, have int, bad service.FieldErrors) ([]store.Attachment, error) {
	files := door.FormFiles(r, "files", s.cfg.MaxUploadBytes)
	if len(files) == 0 {
		return nil, nil
	}
	return s.svc.SaveUploads(ctx, u, files, service.MaxAttachments-have, s.cfg.MaxUploadBytes, bad)
}

// attachmentContent shows an attachment in the browser.
func (s *server) attachmentContent(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	a, body, err := s.svc.AttachmentContent(ctx, door.User(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	door.SendAttachment(w, r, a, body)
}
