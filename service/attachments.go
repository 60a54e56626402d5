package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"signoff/store"
	"signoff/text"
)

// Attachments: receipts and invoices as PDF, JPEG or PNG. The type is read from the file's first
// bytes, never from its name or the browser's word; the size is bounded by the door's upload
// limit; each file is stored with its SHA-256. An upload belongs to its uploader until a claim
// links it; once on a case, whoever may see the case may see it. The scan of a supplier
// certificate is master data: everyone signed in may see it.

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

// cleanFilename keeps the base name a browser sent, without directories, control characters or
// invalid UTF-8 (the text rule's, package text): a name is not typed by the person, so it is
// cleaned rather than refused.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(strings.ToValidUTF8(name, ""), `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || text.Control(r) { // no line breaks or tabs in a name either
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == "" {
		name = "attachment"
	}
	return Truncate(name, maxFilename)
}

// Upload is one file as a person sent it: the name their browser gave it and its bytes, read up
// to one byte past the limit (so that a file too large is known as such).
type Upload struct {
	Filename string
	Content  []byte
}

// checkUpload checks an upload against the size limit and the types we take and names it for
// storing. Problems are reported under field.
func checkUpload(bad FieldErrors, field string, f Upload, limit int64) (store.NewAttachment, bool) {
	name := cleanFilename(f.Filename)
	switch {
	case int64(len(f.Content)) > limit:
		bad.Add(field, "attachment_size", name, SizeText(limit))
		return store.NewAttachment{}, false
	case len(f.Content) == 0:
		bad.Add(field, "attachment_empty", name)
		return store.NewAttachment{}, false
	}
	ctype := sniffType(f.Content)
	if ctype == "" {
		bad.Add(field, "attachment_type", name)
		return store.NewAttachment{}, false
	}
	return store.NewAttachment{Filename: name, ContentType: ctype, Content: f.Content}, true
}

// CheckUpload checks one upload as SaveUpload does, without storing it: what a form that stores
// the file with its own record (a supplier's certificate) asks first.
func CheckUpload(bad FieldErrors, field string, f Upload, limit int64) (store.NewAttachment, bool) {
	return checkUpload(bad, field, f, limit)
}

// SizeText writes a size limit for people: 10 MB, 512 KB.
func SizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", max(n>>10, 1))
}

// SaveUpload checks and stores one upload of u, for a claim to name later. Its problems are
// reported under field.
func (s *Service) SaveUpload(ctx context.Context, u store.User, field string, f Upload, limit int64) (store.Attachment, error) {
	bad := FieldErrors{}
	na, ok := checkUpload(bad, field, f, limit)
	if !ok {
		return store.Attachment{}, bad.Err()
	}
	na.UploaderID = u.ID
	a, err := s.store.SaveAttachment(ctx, na)
	if err != nil {
		return store.Attachment{}, fmt.Errorf("upload: %w", err)
	}
	return a, nil
}

// SaveUploads stores the uploads a form sent with u's other input, keeping at most room of them:
// those refused are reported in bad under "attachments", the others stored even so, so that the
// form keeps them when it comes back.
func (s *Service) SaveUploads(ctx context.Context, u store.User, files []Upload, room int, limit int64, bad FieldErrors) ([]store.Attachment, error) {
	var out []store.Attachment
	for _, f := range files {
		if len(out) >= room {
			bad.Add("attachments", "attachments_too_many", room)
			break
		}
		na, ok := checkUpload(bad, "attachments", f, limit)
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

// KeptUploads are the uploads of u that a form sent back keeps: those of ids still linked to
// nothing.
func (s *Service) KeptUploads(ctx context.Context, u store.User, ids []string) ([]store.Attachment, error) {
	return s.store.UnlinkedAttachments(ctx, u.ID, distinct(ids))
}

// CheckUploads refuses attachments of an edit that the workflow could not link when it applies
// the edit: each must be u's own upload, on no case yet. Problems are reported under
// prefix + "attachments".
func (s *Service) CheckUploads(ctx context.Context, u store.User, ids []string, prefix string) error {
	if len(ids) == 0 {
		return nil
	}
	free, err := s.store.UnlinkedAttachments(ctx, u.ID, ids)
	if err != nil {
		return err
	}
	if len(free) == len(ids) {
		return nil
	}
	var missing []string
	for _, id := range ids {
		if !slices.ContainsFunc(free, func(a store.Attachment) bool { return a.ID == id }) {
			missing = append(missing, id)
		}
	}
	return FieldErrors{prefix + "attachments": {Key: "attachment_unavailable", Args: []any{strings.Join(missing, ", ")}}}.Err()
}

// AttachmentView is an attachment as the API describes it.
type AttachmentView struct {
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

// AttachmentViewOf describes a stored attachment.
func AttachmentViewOf(a store.Attachment) AttachmentView {
	v := AttachmentView{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size,
		SHA256: a.Hex(), UploadedBy: a.UploaderID, UploadedAt: a.CreatedAt, URL: "/api/v1/attachments/" + a.ID + "/content"}
	if a.CaseID != "" {
		v.CaseID = &a.CaseID
	}
	return v
}

// Attachment reads an attachment u may see, without its content.
func (s *Service) Attachment(ctx context.Context, u store.User, id string) (store.Attachment, error) {
	a, _, err := s.visibleAttachment(ctx, u, id, false)
	return a, err
}

// AttachmentContent reads an attachment u may see, with its content.
func (s *Service) AttachmentContent(ctx context.Context, u store.User, id string) (store.Attachment, []byte, error) {
	return s.visibleAttachment(ctx, u, id, true)
}

// visibleAttachment loads an attachment u may see: their own upload, one on a case they may
// see, or the scan of a supplier certificate (master data everyone signed in reads). Any other
// is ErrNotFound.
func (s *Service) visibleAttachment(ctx context.Context, u store.User, id string, content bool) (store.Attachment, []byte, error) {
	var a store.Attachment
	var body []byte
	var err error
	if content {
		a, body, err = s.store.AttachmentContent(ctx, id)
	} else {
		a, err = s.store.Attachment(ctx, id)
	}
	if err != nil {
		return store.Attachment{}, nil, fmt.Errorf("attachment %s: %w", id, err)
	}
	if a.CaseID == "" {
		if a.UploaderID != u.ID {
			switch scan, err := s.store.IsSharedAttachment(ctx, a.ID); {
			case err != nil:
				return store.Attachment{}, nil, err
			case !scan:
				return store.Attachment{}, nil, ErrNotFound
			}
		}
		return a, body, nil
	}
	if _, err := s.VisibleCase(ctx, u, a.CaseID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return store.Attachment{}, nil, ErrNotFound
		}
		return store.Attachment{}, nil, err
	}
	return a, body, nil
}
