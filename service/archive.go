package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"signoff/archive"
	"signoff/policy"
	"signoff/store"
	"signoff/voucher"
)

// The archive package of a closed case (package archive): the case as the API reads it at
// close, its voucher and its attachments, kept once in case_archives. ArchiveCase is safe to
// repeat: the first package written stays.

// ErrCaseOpen is a case that cannot be archived because it has not closed.
var ErrCaseOpen = errors.New("case is not closed")

// ErrNotArchived is a case with no archive package to download: it is open, or it closed a
// moment ago and its workflow has not kept the package yet.
var ErrNotArchived = &Error{Kind: KindNotFound, Code: "not_archived",
	Message: "The case has no archive package yet: it is archived when it closes."}

// CaseArchive is the archive package of case id as case_archives keeps it (the zip, byte for
// byte), for someone holding audit.verify: an auditor takes the package away to check offline,
// as the verify route answers them without the right to see the case.
func (s *Service) CaseArchive(ctx context.Context, u store.User, id string) ([]byte, error) {
	if err := s.Require(ctx, u, policy.CapAuditVerify); err != nil {
		return nil, err
	}
	a, err := s.store.CaseArchive(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		if _, err := s.store.Case(ctx, id); errors.Is(err, store.ErrNotFound) {
			return nil, ErrNotFound
		} else if err != nil {
			return nil, Internal(fmt.Errorf("archive of %s: %w", id, err))
		}
		return nil, ErrNotArchived
	}
	if err != nil {
		return nil, Internal(fmt.Errorf("archive of %s: %w", id, err))
	}
	return a.Package, nil
}

// archiveFacts are the case's facts as the manifest keeps them.
type archiveFacts struct {
	CaseSummary
	Lines       []LineView       `json:"lines"`
	Attachments []AttachmentView `json:"attachments"`
	CC          []UserRef        `json:"cc"`
	Purchase    *PurchaseView    `json:"purchase,omitempty"`
}

// archiveRoute is the route as the manifest keeps it: the steps, each with why it is there, and
// the authority band the amount fell in.
type archiveRoute struct {
	Steps []StepView `json:"steps"`
	Band  *BandView  `json:"band"`
}

// ArchiveCase writes the archive package of the closed case id, unless one is kept already;
// written reports whether this call wrote it. It reads the case as the system, not as a person.
func (s *Service) ArchiveCase(ctx context.Context, id string) (written bool, err error) {
	v, err := s.store.CaseView(ctx, id, "", s.now())
	if err != nil {
		return false, fmt.Errorf("archive %s: %w", id, err)
	}
	if v.Case.ClosedAt == nil {
		return false, fmt.Errorf("archive %s: %w", id, ErrCaseOpen)
	}
	closedAt := *v.Case.ClosedAt
	d, err := s.CaseDetailOf(ctx, store.User{}, v)
	if err != nil {
		return false, fmt.Errorf("archive %s: %w", id, err)
	}
	pkg, err := s.archivePackage(ctx, d, v)
	if err != nil {
		return false, fmt.Errorf("archive %s: %w", id, err)
	}
	return s.store.InsertArchive(ctx, id, closedAt, pkg)
}

// archivePackage packs the case page d of the closed case view v. The voucher is printed as of
// the close, so that packing the same case again gives the same voucher.
func (s *Service) archivePackage(ctx context.Context, d CaseDetail, v store.CaseView) ([]byte, error) {
	closedAt := *v.Case.ClosedAt
	hash, err := s.LatestSealHash(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	facts, err := json.Marshal(archiveFacts{CaseSummary: d.CaseSummary, Lines: d.Lines, Attachments: d.Attachments, CC: d.CC, Purchase: d.Purchase})
	if err != nil {
		return nil, err
	}
	seals, err := json.Marshal(d.Seals)
	if err != nil {
		return nil, err
	}
	route, err := json.Marshal(archiveRoute{Steps: d.Steps, Band: d.Band})
	if err != nil {
		return nil, err
	}
	doc, _ := s.policies.Version(ctx, d.PolicyVersion)
	pdf, err := voucher.Render(voucherSheet(doc, d, hash, s.VerifyURL(d.ID), closedAt))
	if err != nil {
		return nil, err
	}
	var files []archive.Attachment
	for _, a := range v.Attachments {
		_, body, err := s.store.AttachmentContent(ctx, a.ID)
		if err != nil {
			return nil, fmt.Errorf("attachment %s: %w", a.ID, err)
		}
		files = append(files, archive.Attachment{Filename: a.Filename, Content: body})
	}
	return archive.Build(archive.Manifest{CaseID: d.ID, ClosedAt: closedAt, PolicyVersion: d.PolicyVersion,
		ChainHash: hash, Facts: facts, Seals: seals, Route: route}, pdf, files)
}
