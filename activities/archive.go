package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"signoff/store"
)

// CaseArchiver writes the archive package of a closed case, once: written reports whether this
// call wrote it, false when the case was archived already. The service provides it
// (service.(*Service).ArchiveCase), which knows how a case reads and prints; activities only say
// when.
type CaseArchiver func(ctx context.Context, caseID string) (written bool, err error)

// ErrTypeCaseOpen is the ApplicationError type of an archive asked for a case that has not
// closed: a workflow bug, not something a retry mends.
const ErrTypeCaseOpen = "case_open"

// WithArchiver lets ArchiveCase write packages through archive.
func WithArchiver(archive CaseArchiver) Option {
	return func(a *Activities) { a.archive = archive }
}

// ArchiveInput names the closed case to archive.
type ArchiveInput struct {
	CaseID string `json:"case_id"`
}

// ArchiveResult says whether this attempt wrote the package (false: an earlier one did).
type ArchiveResult struct {
	Written bool `json:"written"`
}

// ArchiveCase keeps the archive package of a case that has closed. It is idempotent by the case
// (case_archives keeps the first package of a case and ignores the rest), so a retry after a
// worker died mid-write, or a replayed close, leaves one package.
func (a *Activities) ArchiveCase(ctx context.Context, in ArchiveInput) (ArchiveResult, error) {
	if a.archive == nil {
		return ArchiveResult{}, temporal.NewNonRetryableApplicationError("archive: no archiver configured", "misconfigured", nil)
	}
	c, err := a.store.Case(ctx, in.CaseID)
	if errors.Is(err, store.ErrNotFound) {
		return ArchiveResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("archive %s: no such case", in.CaseID), ErrTypeCaseOpen, err)
	}
	if err != nil {
		return ArchiveResult{}, fmt.Errorf("archive %s: %w", in.CaseID, err)
	}
	if c.ClosedAt == nil {
		return ArchiveResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("archive %s: the case is %s, not closed", in.CaseID, c.Status), ErrTypeCaseOpen, nil)
	}
	written, err := a.archive(ctx, in.CaseID)
	if err != nil {
		return ArchiveResult{}, fmt.Errorf("archive %s: %w", in.CaseID, err)
	}
	return ArchiveResult{Written: written}, nil
}
