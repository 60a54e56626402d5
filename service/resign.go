package service

import (
	"context"
	"fmt"
	"slices"

	"signoff/store"
)

// What a resubmission re-opens: a returned case corrected and sent again keeps the seals its
// correction does not touch and sends the others' steps back to their signers (policy
// seals.covers). The correction form and the API say which before it is sent; the case page
// says so after (the re-opened steps' explanation, why.reopened).

// ResignPreview is the signed steps a resubmission would send back to their signers, in chain
// order; empty when the correction touches nothing a seal covers.
type ResignPreview struct {
	Steps []ResignStep `json:"steps"`
}

// ResignStep is one signed step that would sign again, with who signed it.
type ResignStep struct {
	Key     string    `json:"key"`
	Role    string    `json:"role"`
	Label   string    `json:"label"`
	Signers []UserRef `json:"signers"`
}

// PreviewResubmission says which signed steps of the returned case id u's correction in (the
// resubmit action's edits or request) would re-open, judged as the resubmission will be: the
// correction checked by the same rules, applied in a transaction that is rolled back, and
// compared with what each step's seal covers. Nothing is written. The case must be one u may
// resubmit now.
func (s *Service) PreviewResubmission(ctx context.Context, u store.User, id string, in ActionInput) (ResignPreview, error) {
	v, err := s.VisibleCase(ctx, u, id)
	if err != nil {
		return ResignPreview{}, fmt.Errorf("resubmission preview: %w", err)
	}
	c := v.Case
	if err := s.Resubmittable(u, c); err != nil {
		return ResignPreview{}, err
	}
	e, err := s.editFor(ctx, u, c, in)
	if err != nil {
		return ResignPreview{}, err
	}
	doc, err := s.policies.Version(ctx, c.PolicyVersion)
	if err != nil {
		return ResignPreview{}, Internal(err)
	}
	att, err := s.store.DraftAttestations(ctx, c.ID, e)
	if err != nil {
		return ResignPreview{}, fmt.Errorf("resubmission preview %s: %w", c.ID, err)
	}
	reopen := doc.Seals.Reopened(att.Content, att.Signed)
	out := ResignPreview{Steps: []ResignStep{}}
	for _, st := range c.State.Steps {
		if !slices.Contains(reopen, st.Key) {
			continue
		}
		step := ResignStep{Key: st.Key, Role: string(st.Role), Label: st.Label, Signers: []UserRef{}}
		for _, a := range st.Approvals {
			step.Signers = append(step.Signers, UserRef{ID: a.User, Name: UserName(doc, a.User)})
		}
		out.Steps = append(out.Steps, step)
	}
	return out, nil
}
