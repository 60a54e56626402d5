package api

import (
	"context"
	"mime"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
)

// Attachments: a file is uploaded alone (multipart field "file") for a claim, request or
// problem to name by ID; the service checks its type and size and stores it.

// Attachments mounts the reading of attachments; Upload is mounted by the gateway with the
// multipart body limit instead of the JSON one.
func (a *API) Attachments(r chi.Router) {
	r.Get("/attachments/{id}", a.getAttachment)
	r.Get("/attachments/{id}/content", a.attachmentContent)
}

// Upload takes one file and answers with its stored form.
func (a *API) Upload(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, a.maxUpload+64<<10)
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		a.fail(w, r, &door.Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "Send the file as multipart/form-data, in the field \"file\"."})
		return
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		a.fail(w, r, door.FormError(err))
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	files := r.MultipartForm.File["file"]
	switch {
	case len(files) == 0:
		a.fail(w, r, service.FieldErrors{"file": {Key: "required"}}.Err())
		return
	case len(files) > 1:
		a.fail(w, r, service.FieldErrors{"file": {Key: "one_file"}}.Err())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	at, err := a.svc.SaveUpload(ctx, u, "file", door.ReadFile(files[0], a.maxUpload), a.maxUpload)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/attachments/"+at.ID)
	door.WriteJSON(w, http.StatusCreated, service.AttachmentViewOf(at))
}

// getAttachment describes an attachment.
func (a *API) getAttachment(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	at, err := a.svc.Attachment(ctx, door.User(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, service.AttachmentViewOf(at))
}

// attachmentContent sends an attachment's bytes.
func (a *API) attachmentContent(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	at, body, err := a.svc.AttachmentContent(ctx, door.User(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.SendAttachment(w, r, at, body)
}
