package service

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"signoff/chain"
	"signoff/i18n"
	"signoff/policy"
	"signoff/store"
	"signoff/voucher"
)

// The voucher (报销单 / 付款凭证): a case printed as the paper form an auditor files, with its
// facts, lines, attachments, the six seal boxes, every seal in chain order, the chain hash and a
// QR code of the verify link. Whoever may see a case may print it (VisibleCase). The layout is
// package voucher's; this file only fills its sheet from the case page.

// paperBoxes are the seal boxes of the paper form (六联章), in its order.
var paperBoxes = []policy.Role{policy.RoleHandler, policy.RoleWitness, policy.RoleReceiver,
	policy.RoleReviewer, policy.RoleApprover, policy.RoleCashier}

// boxDecisions are the decisions that fill a seal box: a signature, not a comment or a return.
var boxDecisions = []chain.Decision{chain.DecSubmitted, chain.DecResubmitted, chain.DecApproved, chain.DecPaid}

// voucherLang is the voucher's language: the paper form is Chinese.
const voucherLang = i18n.ZH

// Voucher prints the case id for u, who must be allowed to see it, as a PDF.
func (s *Service) Voucher(ctx context.Context, u store.User, id string) ([]byte, error) {
	d, err := s.Case(ctx, u, id)
	if err != nil {
		return nil, err
	}
	hash, err := s.LatestSealHash(ctx, id)
	if err != nil {
		return nil, err
	}
	doc, _ := s.policies.Version(ctx, d.PolicyVersion)
	pdf, err := voucher.Render(voucherSheet(doc, d, hash, s.VerifyURL(id), s.now()))
	if err != nil {
		return nil, Internal(err)
	}
	return pdf, nil
}

// LatestSealHash is the hash of the case's latest seal in the ledger's hash chain ("" before
// anything was chained), which the voucher prints under its seals.
func (s *Service) LatestSealHash(ctx context.Context, caseID string) (string, error) {
	h, err := s.store.LatestSealHash(ctx, caseID)
	if err != nil {
		return "", Internal(err)
	}
	return h, nil
}

// VerifyURL is the link that verifies the case's chain (GET /api/v1/cases/{id}/verify), on the
// gateway's public URL when one is configured, else as a path.
func (s *Service) VerifyURL(caseID string) string {
	return strings.TrimRight(s.publicURL, "/") + "/api/v1/cases/" + url.PathEscape(caseID) + "/verify"
}

// voucherSheet fills the voucher of case page d; doc (the case's policy version, possibly nil)
// names its category, department and budget line and gives the time zone its times print in.
func voucherSheet(doc *policy.Document, d CaseDetail, chainHash, verifyURL string, now time.Time) voucher.Sheet {
	t := func(key string) string { return i18n.T(voucherLang, key) }
	sh := voucher.Sheet{
		Lang: voucherLang, Title: t("voucher.title." + d.Kind), CaseID: d.ID,
		Status: t("status." + d.Status), Purpose: d.Purpose, Category: d.Category,
		Department: d.DepartmentID, BudgetLine: d.BudgetLineID, Submitter: d.Submitter.Name,
		Amount: d.Amount.String(), Currency: d.Currency, PolicyVersion: d.PolicyVersion,
		SubmittedAt: d.SubmittedAt, PaidAt: d.PaidAt, ChainHash: chainHash, VerifyURL: verifyURL,
		PrintedAt: now,
	}
	if d.PaidReference != nil {
		sh.PaidReference = *d.PaidReference
	}
	if doc != nil {
		if loc, err := LoadLocation(doc.Calendar.Timezone); err == nil {
			sh.Location = loc
		}
		if c, ok := doc.Category(d.Category); ok && c.Name != "" {
			sh.Category = c.Name
		}
		if dep, ok := doc.Department(d.DepartmentID); ok && dep.Name != "" {
			sh.Department = dep.Name
		}
		if b, ok := doc.BudgetLine(d.BudgetLineID); ok && b.Name != "" {
			sh.BudgetLine = b.Name
		}
	}
	for _, l := range d.Lines {
		line := voucher.Line{No: l.No, Description: l.Description, InvoiceNo: l.InvoiceNo, Amount: l.Amount.String()}
		if l.SpentOn != nil {
			line.Date = *l.SpentOn
		}
		sh.Lines = append(sh.Lines, line)
	}
	for _, a := range d.Attachments {
		sh.Attachments = append(sh.Attachments, voucher.Attachment{Filename: a.Filename, Size: a.Size, SHA256: a.SHA256})
	}
	for _, x := range d.Seals {
		sh.Seals = append(sh.Seals, voucher.Seal{Seq: x.Seq, Role: t("role." + x.Role), Name: x.Actor.Name,
			OnBehalfOf: refName(x.OnBehalfOf), Decision: t("decision." + x.Decision), Comment: x.Comment, At: x.At})
	}
	for _, role := range paperBoxes {
		box := voucher.Box{Label: t("role." + string(role))}
		// The latest signature in the role fills its box: after a return and a new signature, the
		// one in force.
		for _, x := range d.Seals {
			if x.Role == string(role) && slices.Contains(boxDecisions, chain.Decision(x.Decision)) {
				box = voucher.Box{Label: box.Label, Signed: true, Name: x.Actor.Name, OnBehalfOf: refName(x.OnBehalfOf),
					Decision: t("decision." + x.Decision), At: x.At}
			}
		}
		sh.Boxes = append(sh.Boxes, box)
	}
	return sh
}

func refName(r *UserRef) string {
	if r == nil {
		return ""
	}
	return r.Name
}
