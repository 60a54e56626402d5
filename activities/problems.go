package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"signoff/kpi"
	"signoff/notify"
	"signoff/policy"
	"signoff/problem"
	"signoff/store"
)

// ProblemRulesInput names the policy version a problem was raised under.
type ProblemRulesInput struct {
	PolicyVersion int `json:"policy_version"`
}

// ProblemRules are the production rules and the calendar a problem keeps for its life.
type ProblemRules struct {
	Rules    policy.Production `json:"rules"`
	Calendar policy.Calendar   `json:"calendar"`
}

// LoadProblemRules reads the production rules of a policy version.
func (a *Activities) LoadProblemRules(ctx context.Context, in ProblemRulesInput) (ProblemRules, error) {
	doc, err := a.policies.Version(ctx, in.PolicyVersion)
	if err != nil {
		return ProblemRules{}, fmt.Errorf("problem rules: %w", err)
	}
	return ProblemRules{Rules: doc.Production, Calendar: doc.Calendar}, nil
}

// RecordProblemInput is one transition of a problem: the new state and what it produced.
type RecordProblemInput struct {
	State   *problem.State  `json:"state"`
	Outcome problem.Outcome `json:"outcome"`
}

// RecordProblem writes a transition: seals, snapshot, the completion-rate rows and the
// notifications (symbolic recipients resolved against the registry on the day), in one
// transaction, before the action is acknowledged. Idempotent by (problem, seq).
func (a *Activities) RecordProblem(ctx context.Context, in RecordProblemInput) (RecordResult, error) {
	st := in.State
	state, err := json.Marshal(st)
	if err != nil {
		return RecordResult{}, fmt.Errorf("record problem: %w", err)
	}
	rec := store.ProblemRecord{
		Snapshot: store.ProblemSnapshot{
			ID: st.ProblemID, Status: string(st.Status), Departments: st.Departments(),
			Representatives: st.Representatives(), Holders: st.Holders(), DueAt: st.DueAt,
			OriginalDueAt: st.OriginalDueAt, PublishedAt: st.PublishedAt, SolvedAt: st.SolvedAt,
			ClosedAt: st.ClosedAt, MergedInto: st.MergedInto, Reopened: st.Reopened, DueChanges: st.DueChanges,
			Publications: st.Publications, Escalations: st.Escalations, Revision: st.Revision, Seq: st.Seq,
			State: state,
		},
		KPI: kpiRows(st),
		TZ:  st.Calendar.Timezone,
	}
	at := time.Now()
	for _, x := range in.Outcome.Seals {
		rec.Seals = append(rec.Seals, store.ProblemSeal{Seq: x.Seq, Decision: string(x.Decision), Actor: x.Actor,
			Comment: x.Comment, Target: x.Target, At: x.At})
		at = x.At
	}
	if rec.Notifications, err = a.problemNotices(ctx, st, in.Outcome.Notices, at); err != nil {
		return RecordResult{}, err
	}
	var res RecordResult
	for _, n := range rec.Notifications {
		if n.Channel != "inbox" {
			res.ToDeliver++
		}
	}
	return res, a.store.RecordProblem(ctx, rec)
}

// kpiRows are what the completion rate counts for a problem, by the kpi package's definition:
// nothing unless it is counted; else the center, each responsible department and each
// responsible representative, with the due date in force and whether it closed on time.
func kpiRows(st *problem.State) []store.KPIRow {
	f := kpi.Fact{ProblemID: st.ProblemID, Status: string(st.Status), DueAt: st.DueAt, ClosedAt: st.ClosedAt,
		MergedInto: st.MergedInto, Departments: st.Departments(), Representatives: st.Representatives()}
	if !f.Counted() {
		return nil
	}
	onTime := f.ClosedOnTime()
	rows := []store.KPIRow{{Dimension: "center", DueAt: st.DueAt, OnTime: onTime}}
	for _, d := range f.Departments {
		rows = append(rows, store.KPIRow{Dimension: "department", Key: d, DueAt: st.DueAt, OnTime: onTime})
	}
	for _, r := range f.Representatives {
		rows = append(rows, store.KPIRow{Dimension: "representative", Key: r, DueAt: st.DueAt, OnTime: onTime})
	}
	return rows
}

// problemNotices turns notices into outbox messages, resolving the center, its director and
// department leaders to the people holding those posts on the day.
func (a *Activities) problemNotices(ctx context.Context, st *problem.State, notices []problem.Notice, at time.Time) ([]store.Notification, error) {
	if len(notices) == 0 {
		return nil, nil
	}
	c := notify.Case{ID: st.ProblemID, Title: st.ProblemID, Link: a.channels.PublicURL + "/problems/" + st.ProblemID}
	var out []store.Notification
	for _, n := range notices {
		var people []string
		for _, r := range n.Recipients {
			ids, err := a.resolveRecipient(ctx, r, at)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				if !slices.Contains(people, id) {
					people = append(people, id)
				}
			}
		}
		users, err := a.store.UsersByIDs(ctx, people)
		if err != nil {
			return nil, fmt.Errorf("problem notices: %w", err)
		}
		for _, id := range people {
			u, ok := users[id]
			if !ok {
				continue
			}
			subject, body := notify.Compose(textLang, "problem_"+n.Kind, c, u.Name)
			for _, ch := range a.channelNames() {
				out = append(out, store.Notification{
					Key:    fmt.Sprintf("%s/%d/%s/%s/%s", st.ProblemID, st.Seq, n.Kind, id, ch),
					CaseID: st.ProblemID, Kind: "problem_" + n.Kind, Recipient: id, Channel: ch, Subject: subject, Body: body,
				})
			}
		}
	}
	return out, nil
}

// resolveRecipient turns a symbolic recipient into the people holding the post on the day.
func (a *Activities) resolveRecipient(ctx context.Context, r string, at time.Time) ([]string, error) {
	post, dept, symbolic := problem.ParseRecipient(r)
	switch {
	case !symbolic:
		return []string{r}, nil
	case post == problem.RecipientCenter:
		return a.store.CenterStaff(ctx, at)
	case post == problem.RecipientCenterDirector:
		return a.store.CenterDirectors(ctx, at)
	default:
		return a.store.DepartmentLeaders(ctx, dept, at)
	}
}
