package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	prb "signoff/problem"
	"signoff/store"
)

// Coordination meetings (协调会: 型号项目协调会, 生产调度例会, 生产例会): center staff record a
// meeting, and each decision it took becomes a problem carrying the meeting's ID, raised and
// published at once to the department and representative it names.

// MeetingInput is a meeting as the API and the form send it.
type MeetingInput struct {
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	HeldAt  string `json:"held_at"` // RFC 3339
	ChairID string `json:"chair_id"`
	Minutes string `json:"minutes"`
}

// MayRecordMeetings reports whether u may record meetings and their decisions today.
func (s *Service) MayRecordMeetings(ctx context.Context, u store.User) (bool, error) {
	a, err := s.ActorToday(ctx, u)
	if err != nil {
		return false, err
	}
	return mayRecordMeetings(a), nil
}

// RecordMeeting checks that u may record meetings today and that the meeting is well formed,
// then writes it.
func (s *Service) RecordMeeting(ctx context.Context, u store.User, in MeetingInput) (store.Meeting, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return store.Meeting{}, Internal(err)
	}
	day, err := s.Today(doc)
	if err != nil {
		return store.Meeting{}, err
	}
	actor, err := s.ProblemActor(ctx, u, day)
	if err != nil {
		return store.Meeting{}, err
	}
	if !mayRecordMeetings(actor) {
		return store.Meeting{}, ErrForbidden
	}
	n := store.NewMeeting{Kind: strings.TrimSpace(in.Kind), ChairID: strings.TrimSpace(in.ChairID), Year: day.Year()}
	bad := FieldErrors{}
	if !slices.Contains(store.MeetingKinds, n.Kind) {
		bad.Add("kind", "one_of", store.MeetingKinds)
	}
	n.Title = checkText(bad, "title", in.Title, maxProblemTitle, true)
	n.Minutes = checkText(bad, "minutes", in.Minutes, maxProblemText, false)
	if in.HeldAt == "" {
		bad.Add("held_at", "required")
	} else if n.HeldAt, err = time.Parse(time.RFC3339, in.HeldAt); err != nil {
		bad.Add("held_at", "rfc3339", "2026-11-02T09:00:00+08:00")
	}
	if n.ChairID == "" {
		bad.Add("chair_id", "required")
	} else if _, err := s.store.UserByID(ctx, n.ChairID); errors.Is(err, store.ErrNotFound) {
		bad.Add("chair_id", "inactive_user", n.ChairID)
	} else if err != nil {
		return store.Meeting{}, err
	}
	if err := bad.Err(); err != nil {
		return store.Meeting{}, err
	}
	return s.store.CreateMeeting(ctx, u.ID, n)
}

// Meetings lists the latest meetings, newest first.
func (s *Service) Meetings(ctx context.Context, limit int) ([]store.Meeting, error) {
	return s.store.Meetings(ctx, limit)
}

// MeetingDecision is one decision of a meeting: the problem it became.
type MeetingDecision struct {
	ID              string     `json:"id"`
	Title           string     `json:"title"`
	Status          string     `json:"status"`
	Departments     []string   `json:"departments"`
	Representatives []string   `json:"representatives"`
	DueAt           *time.Time `json:"due_at"`
}

// MeetingDetail is a meeting with its decisions.
type MeetingDetail struct {
	store.Meeting
	Decisions []MeetingDecision `json:"decisions"`
}

// NewMeetingDetail is a meeting just recorded: it has no decisions yet.
func NewMeetingDetail(m store.Meeting) MeetingDetail {
	return MeetingDetail{Meeting: m, Decisions: []MeetingDecision{}}
}

// Meeting reads a meeting with its decisions, and the problems they became.
func (s *Service) Meeting(ctx context.Context, id string) (MeetingDetail, []store.Problem, error) {
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return MeetingDetail{}, nil, err
	}
	items, err := s.store.ListProblems(ctx, store.ProblemFilter{Meeting: id, Limit: 200})
	if err != nil {
		return MeetingDetail{}, nil, err
	}
	d := NewMeetingDetail(m)
	for _, x := range items {
		d.Decisions = append(d.Decisions, MeetingDecision{ID: x.ID, Title: x.Title, Status: x.Status,
			Departments: nonNilStrings(x.Departments), Representatives: nonNilStrings(x.Representatives), DueAt: x.DueAt})
	}
	return d, items, nil
}

func nonNilStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// DecisionInput is a meeting's decision as the form sends it: a problem and whom it goes to.
type DecisionInput struct {
	Title          string `json:"title"`
	Description    string `json:"description"`
	Severity       string `json:"severity"`
	Department     string `json:"department"`
	Representative string `json:"representative"`
	// DueAt is RFC 3339, or YYYY-MM-DDTHH:MM in the policy's timezone as a datetime-local
	// field writes it; empty: the severity's default.
	DueAt string `json:"due_at"`
}

// datetimeLocal is how <input type="datetime-local"> writes a time.
const datetimeLocal = "2006-01-02T15:04"

// RecordDecision records a meeting's decision: a problem raised with the meeting's ID and
// published at once to the department and representative named, by the chair when the chair is
// center staff today, otherwise by u, who must be. What the publication needs is checked before
// anything is raised.
func (s *Service) RecordDecision(ctx context.Context, u store.User, meetingID string, in DecisionInput) error {
	m, err := s.store.Meeting(ctx, meetingID)
	if err != nil {
		return err
	}
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return Internal(err)
	}
	day, err := s.Today(doc)
	if err != nil {
		return err
	}
	actor, err := s.ProblemActor(ctx, u, day)
	if err != nil {
		return err
	}
	if !mayRecordMeetings(actor) {
		return ErrForbidden
	}
	bad := FieldErrors{}
	pub := ProblemActionInput{}
	if _, ok := doc.Department(in.Department); !ok {
		bad.Add("department", "unknown_department", in.Department)
	} else if reps, err := s.store.Representatives(ctx, in.Department, day); err != nil {
		return err
	} else if !slices.Contains(reps, in.Representative) {
		bad.Add("representative", "not_representative", in.Representative, in.Department)
	}
	pub.Assignments = []AssignmentInput{{Department: in.Department, Representatives: []string{in.Representative}}}
	if in.DueAt != "" {
		loc, err := LoadLocation(doc.Calendar.Timezone)
		if err != nil {
			return Internal(fmt.Errorf("policy timezone: %w", err))
		}
		at, err := time.Parse(time.RFC3339, in.DueAt)
		if err != nil {
			at, err = time.ParseInLocation(datetimeLocal, in.DueAt, loc)
		}
		switch {
		case err != nil:
			bad.Add("due_at", "date")
		case !at.After(s.now()):
			bad.Add("due_at", "future")
		}
		pub.DueAt = at.Format(time.RFC3339)
	}
	if err := bad.Err(); err != nil {
		return err
	}
	pr, err := s.RaiseProblem(ctx, u, ProblemInput{Title: in.Title, Description: in.Description, Severity: in.Severity,
		MeetingID: m.ID})
	if err != nil {
		return err
	}
	publisher := u
	if m.ChairID != u.ID {
		if chair, err := s.store.UserByID(ctx, m.ChairID); err == nil {
			if a, err := s.ProblemActor(ctx, chair, day); err == nil && mayRecordMeetings(a) {
				publisher = chair
			}
		}
	}
	rev := pr.Revision
	pub.Revision = &rev
	if _, err := s.ActOnProblem(ctx, publisher, pr.ID, prb.ActPublish, pub, "meeting-"+m.ID); err != nil {
		return fmt.Errorf("publish %s: %w", pr.ID, err)
	}
	return nil
}
