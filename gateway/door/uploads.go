package door

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"signoff/service"
	"signoff/store"
	"signoff/text"
)

// Files at the door: they arrive as multipart form data, through the API or a page's form, are
// read here up to the upload limit and handed to the service (service/attachments.go), which
// checks their type and size and stores them; their bytes go back inline under their stored type.

// ReadFile reads one uploaded file, at most one byte past limit. A file that cannot be read is
// sent on empty, which the service refuses as such.
func ReadFile(fh *multipart.FileHeader, limit int64) service.Upload {
	up := service.Upload{Filename: fh.Filename}
	f, err := fh.Open()
	if err != nil {
		return up
	}
	defer f.Close()
	if up.Content, err = io.ReadAll(io.LimitReader(f, limit+1)); err != nil {
		up.Content = nil
	}
	return up
}

// FormFiles reads the files of a parsed multipart form's field, skipping a file input left
// empty.
func FormFiles(r *http.Request, field string, limit int64) []service.Upload {
	if r.MultipartForm == nil {
		return nil
	}
	var files []service.Upload
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		files = append(files, ReadFile(fh, limit))
	}
	return files
}

// FormError tells a body over the limit (413) from a form that cannot be read (400).
func FormError(err error) error {
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooLarge):
		return fmt.Errorf("read form: %w", err)
	}
	return &Error{Status: http.StatusBadRequest, Code: "malformed_form",
		Message: "The form could not be read; reload the page and try again."}
}

// FormText checks every value of a parsed form against the text rule: a NUL, another control
// character or invalid UTF-8 is refused at its field (422 invalid_input), before any handler
// reads the form or the store sees it. Uploaded files' names are cleaned by the service instead.
func FormText(r *http.Request) error {
	bad := service.FieldErrors{}
	check := func(field, v string) {
		if key := text.Check(v); key != "" {
			bad.Add(field, key)
		}
	}
	for k, vs := range r.Form {
		check(k, k)
		for _, v := range vs {
			check(k, v)
		}
	}
	if len(bad) > 0 {
		return bad.Err()
	}
	return nil
}

// SendAttachment writes an attachment's bytes inline under their stored type, which was read
// from the content: the browser shows the PDF or image in a sandbox (FileCSP) and is told not to
// guess otherwise.
func SendAttachment(w http.ResponseWriter, r *http.Request, a store.Attachment, body []byte) {
	FileHeaders(w, a.ContentType, Inline, a.Filename)
	h := w.Header()
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("ETag", `"`+a.Hex()+`"`)
	http.ServeContent(w, r, "", a.CreatedAt, bytes.NewReader(body))
}
