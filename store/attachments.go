package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Attachment is an uploaded receipt or invoice, without its content. CaseID is "" until a
// submission or a resubmission's edit links it to a case.
type Attachment struct {
	ID          string    `json:"id"`
	CaseID      string    `json:"case_id"`
	UploaderID  string    `json:"uploader_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      []byte    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// Hex returns the attachment's SHA-256 digest in lowercase hex.
func (a Attachment) Hex() string { return hex.EncodeToString(a.SHA256) }

// NewAttachment is an upload being stored. ContentType is one the caller has checked
// (application/pdf, image/jpeg or image/png); the table's CHECK constraint refuses others.
type NewAttachment struct {
	UploaderID  string
	Filename    string
	ContentType string
	Content     []byte
}

// AttachmentError says some attachments could not be linked to a case: they do not exist,
// were uploaded by someone else or are already on a case. Nothing was linked.
type AttachmentError struct {
	IDs []string
}

func (e *AttachmentError) Error() string {
	return "attachments unknown, someone else's or already on a case: " + strings.Join(e.IDs, ", ")
}

const attachmentColumns = `id, coalesce(case_id, ''), uploader_id, filename, content_type, size, sha256, created_at`

// attachmentDest lists where attachmentColumns scan to.
func attachmentDest(a *Attachment) []any {
	return []any{&a.ID, &a.CaseID, &a.UploaderID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedAt}
}

func scanAttachment(r pgx.CollectableRow) (Attachment, error) {
	var a Attachment
	err := r.Scan(attachmentDest(&a)...)
	return a, err
}

// SaveAttachment stores an upload, unlinked, under a new random ID; its size and SHA-256 are
// computed here from the content.
func (s *Store) SaveAttachment(ctx context.Context, n NewAttachment) (Attachment, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Attachment{}, fmt.Errorf("save attachment: %w", err)
	}
	sum := sha256.Sum256(n.Content)
	a := Attachment{ID: "att_" + hex.EncodeToString(b[:]), UploaderID: n.UploaderID, Filename: n.Filename,
		ContentType: n.ContentType, Size: int64(len(n.Content)), SHA256: sum[:]}
	const q = `INSERT INTO attachments (id, uploader_id, filename, content_type, size, sha256, content)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING created_at`
	err := s.pool.QueryRow(ctx, q, a.ID, a.UploaderID, a.Filename, a.ContentType, a.Size, a.SHA256, n.Content).
		Scan(&a.CreatedAt)
	if err != nil {
		return Attachment{}, fmt.Errorf("save attachment: %w", mapErr(err))
	}
	return a, nil
}

// Attachment returns an attachment's metadata, or ErrNotFound.
func (s *Store) Attachment(ctx context.Context, id string) (Attachment, error) {
	var a Attachment
	const q = `SELECT ` + attachmentColumns + ` FROM attachments WHERE id = $1`
	if err := s.pool.QueryRow(ctx, q, id).Scan(attachmentDest(&a)...); err != nil {
		return Attachment{}, fmt.Errorf("attachment %s: %w", id, notFound(err))
	}
	return a, nil
}

// AttachmentContent returns an attachment's metadata and content, or ErrNotFound.
func (s *Store) AttachmentContent(ctx context.Context, id string) (Attachment, []byte, error) {
	var a Attachment
	var content []byte
	const q = `SELECT ` + attachmentColumns + `, content FROM attachments WHERE id = $1`
	if err := s.pool.QueryRow(ctx, q, id).Scan(append(attachmentDest(&a), &content)...); err != nil {
		return Attachment{}, nil, fmt.Errorf("attachment %s: %w", id, notFound(err))
	}
	return a, content, nil
}

// CaseAttachments returns the attachments linked to a case, oldest upload first.
func (s *Store) CaseAttachments(ctx context.Context, caseID string) ([]Attachment, error) {
	rows, err := s.pool.Query(ctx, caseAttachments, caseID)
	if err != nil {
		return nil, fmt.Errorf("attachments of %s: %w", caseID, err)
	}
	list, err := pgx.CollectRows(rows, scanAttachment)
	if err != nil {
		return nil, fmt.Errorf("attachments of %s: %w", caseID, err)
	}
	return list, nil
}

const caseAttachments = `SELECT ` + attachmentColumns + ` FROM attachments WHERE case_id = $1 ORDER BY created_at, id`

// UnlinkedAttachments returns those of ids that the uploader uploaded and that are not on a
// case yet, in the order of ids; the others are left out. A form refused for another reason
// shows them again with this.
func (s *Store) UnlinkedAttachments(ctx context.Context, uploader string, ids []string) ([]Attachment, error) {
	const q = `SELECT ` + attachmentColumns + ` FROM attachments
		WHERE id = ANY($1) AND uploader_id = $2 AND case_id IS NULL AND linked_at IS NULL
		ORDER BY array_position($1, id)`
	rows, err := s.pool.Query(ctx, q, distinct(ids), uploader)
	if err != nil {
		return nil, fmt.Errorf("unlinked attachments: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanAttachment)
	if err != nil {
		return nil, fmt.Errorf("unlinked attachments: %w", err)
	}
	return list, nil
}

// DeleteStaleUploads deletes the uploads created before the given time that no case and no
// supplier certificate took, and returns how many. A submission or a certificate linking one at
// the same moment either wins (the upload stays) or finds it gone and fails with
// *AttachmentError.
func (s *Store) DeleteStaleUploads(ctx context.Context, before time.Time) (int64, error) {
	const q = `DELETE FROM attachments a WHERE a.case_id IS NULL AND a.linked_at IS NULL AND a.created_at < $1
		AND NOT EXISTS (SELECT 1 FROM supplier_certificates c WHERE c.attachment_id = a.id)`
	tag, err := s.pool.Exec(ctx, q, before)
	if err != nil {
		return 0, fmt.Errorf("delete stale uploads: %w", err)
	}
	return tag.RowsAffected(), nil
}

// queueLinkAttachments links the uploader's unlinked uploads ids to a case, as part of a
// batch sent in a transaction. When any of them cannot be linked the batch fails with
// *AttachmentError naming those, and the caller's transaction rolls back.
func queueLinkAttachments(b *pgx.Batch, caseID, uploader string, ids []string) {
	ids = distinct(ids)
	if len(ids) == 0 {
		return
	}
	const q = `UPDATE attachments SET case_id = $1, linked_at = now()
		WHERE id = ANY($2) AND uploader_id = $3 AND case_id IS NULL AND linked_at IS NULL RETURNING id`
	b.Queue(q, caseID, ids, uploader).Query(func(rows pgx.Rows) error {
		linked, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("link attachments: %w", err)
		}
		if len(linked) == len(ids) {
			return nil
		}
		missing := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(linked, id) })
		return &AttachmentError{IDs: missing}
	})
}

// distinct returns ids without repeats, in their first order.
func distinct(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
