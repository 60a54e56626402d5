package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// The production control center's registry (业务代表名册): who represents which department at
// the center, who directs and dispatches the center, and which leader answers for each
// department. A post is held from ValidFrom through ValidTo, both days included; no ValidTo is
// open-ended. Days are dates: a time.Time given as a day counts by its calendar date in its own
// location, and days read back are midnight UTC.

// Posts of the registry.
const (
	PostRepresentative   = "representative"    // 业务代表, of a department
	PostCenterDirector   = "center_director"   // 生产管控中心主任
	PostCenterDeputy     = "center_deputy"     // 副主任
	PostCenterDispatcher = "center_dispatcher" // 调度员
	PostDepartmentLeader = "department_leader" // 部门分管领导, of a department
)

// RegistryPosts lists the posts in the order the registry shows them.
var RegistryPosts = []string{PostCenterDirector, PostCenterDeputy, PostCenterDispatcher, PostRepresentative, PostDepartmentLeader}

// PostOfDepartment reports whether a post is held for a department; the center's posts are not.
func PostOfDepartment(post string) bool {
	return post == PostRepresentative || post == PostDepartmentLeader
}

// Post is one period during which a person holds a post.
type Post struct {
	ID           int64
	UserID       string
	Post         string
	DepartmentID string // "" for the center's posts
	ValidFrom    time.Time
	ValidTo      *time.Time // the last day; nil: open-ended
	Note         string
	CreatedBy    string
	CreatedAt    time.Time
	EndedBy      string // who last set ValidTo, if anyone did after creation
}

// InForce reports whether the post is held on a day.
func (p Post) InForce(day time.Time) bool {
	d := asDay(day)
	return !p.ValidFrom.After(d) && (p.ValidTo == nil || !p.ValidTo.Before(d))
}

// NewPost is a post being given to someone.
type NewPost struct {
	UserID       string
	Post         string
	DepartmentID string // required for representative and department_leader, empty otherwise
	ValidFrom    time.Time
	ValidTo      *time.Time // nil: open-ended
	Note         string
}

// PostFilter narrows the registry. Zero values mean no narrowing.
type PostFilter struct {
	Department string
	Post       string
	UserID     string
	At         *time.Time // only the posts in force on this day
}

// PostOverlapError says the person already holds the same post (for the same department) during
// part of the period asked for. It is an ErrConflict.
type PostOverlapError struct {
	Existing Post
}

func (e *PostOverlapError) Error() string {
	to := "open-ended"
	if e.Existing.ValidTo != nil {
		to = e.Existing.ValidTo.Format(time.DateOnly)
	}
	return fmt.Sprintf("conflict: %s already holds %s %q from %s to %s (post %d)", e.Existing.UserID, e.Existing.Post,
		e.Existing.DepartmentID, e.Existing.ValidFrom.Format(time.DateOnly), to, e.Existing.ID)
}

// Is makes a PostOverlapError match ErrConflict.
func (e *PostOverlapError) Is(target error) bool { return target == ErrConflict }

// PostEndError says a post cannot end on the day asked: before its first day, or later than the
// day it already ends on (an ended post may be cut shorter, never lengthened).
type PostEndError struct {
	Post    Post      // as it is
	ValidTo time.Time // the end asked for
}

func (e *PostEndError) Error() string {
	if e.BeforeStart() {
		return fmt.Sprintf("post %d starts on %s, it cannot end on %s", e.Post.ID,
			e.Post.ValidFrom.Format(time.DateOnly), e.ValidTo.Format(time.DateOnly))
	}
	return fmt.Sprintf("post %d already ends on %s, not later on %s", e.Post.ID,
		e.Post.ValidTo.Format(time.DateOnly), e.ValidTo.Format(time.DateOnly))
}

// BeforeStart reports whether the end asked for is before the post's first day; otherwise it is
// later than the end the post already has.
func (e *PostEndError) BeforeStart() bool { return e.ValidTo.Before(e.Post.ValidFrom) }

// ErrInvalidPost says a new post is malformed: an unknown post, a department where none belongs
// or none where one must, or an end before its start. The gateway checks these first.
var ErrInvalidPost = errors.New("invalid post")

// asDay is the calendar date of t in its own location, as midnight UTC.
func asDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func asDayPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	d := asDay(*t)
	return &d
}

const postColumns = `id, user_id, post, department_id, valid_from, valid_to, note, created_by, created_at, coalesce(ended_by, '')`

func scanPost(r pgx.CollectableRow) (Post, error) {
	var p Post
	err := r.Scan(&p.ID, &p.UserID, &p.Post, &p.DepartmentID, &p.ValidFrom, &p.ValidTo, &p.Note, &p.CreatedBy,
		&p.CreatedAt, &p.EndedBy)
	return p, err
}

// AddPost gives a person a post for a period. The same person, post and department held in an
// overlapping period fails with *PostOverlapError; an unknown person with ErrNotFound.
func (s *Store) AddPost(ctx context.Context, actor string, n NewPost) (Post, error) {
	n.ValidFrom, n.ValidTo = asDay(n.ValidFrom), asDayPtr(n.ValidTo)
	switch {
	case !slices.Contains(RegistryPosts, n.Post):
		return Post{}, fmt.Errorf("add post: %w: unknown post %q", ErrInvalidPost, n.Post)
	case PostOfDepartment(n.Post) != (n.DepartmentID != ""):
		return Post{}, fmt.Errorf("add post: %w: %s with department %q", ErrInvalidPost, n.Post, n.DepartmentID)
	case n.ValidTo != nil && n.ValidTo.Before(n.ValidFrom):
		return Post{}, fmt.Errorf("add post: %w: ends before it starts", ErrInvalidPost)
	}
	var p Post
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// Two overlapping posts added at once must not both pass the check below: whoever comes
		// second waits here for the first to commit, then sees its row.
		const lock = `SELECT pg_advisory_xact_lock(hashtextextended('representatives/' || $1 || '/' || $2 || '/' || $3, 0))`
		if _, err := tx.Exec(ctx, lock, n.UserID, n.Post, n.DepartmentID); err != nil {
			return err
		}
		const overlap = `SELECT ` + postColumns + ` FROM representatives
			WHERE user_id = $1 AND post = $2 AND department_id = $3
			  AND valid_from <= coalesce($5::date, 'infinity'::date)
			  AND coalesce(valid_to, 'infinity'::date) >= $4::date
			ORDER BY valid_from LIMIT 1`
		rows, err := tx.Query(ctx, overlap, n.UserID, n.Post, n.DepartmentID, n.ValidFrom, n.ValidTo)
		if err != nil {
			return err
		}
		existing, err := pgx.CollectRows(rows, scanPost)
		if err != nil {
			return err
		}
		if len(existing) > 0 {
			return &PostOverlapError{Existing: existing[0]}
		}
		const q = `INSERT INTO representatives (user_id, post, department_id, valid_from, valid_to, note, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ` + postColumns
		rows, err = tx.Query(ctx, q, n.UserID, n.Post, n.DepartmentID, n.ValidFrom, n.ValidTo, n.Note, actor)
		if err != nil {
			return err
		}
		if p, err = pgx.CollectExactlyOneRow(rows, scanPost); err != nil {
			return mapErr(err)
		}
		return nil
	})
	if err != nil {
		return Post{}, fmt.Errorf("add post %s of %s: %w", n.Post, n.UserID, err)
	}
	return p, nil
}

// EndPost sets the last day of a post. An end before its first day, or later than the day an
// ended post already ends on, fails with *PostEndError; an end on the day it already ends on
// changes nothing. An unknown post is ErrNotFound.
func (s *Store) EndPost(ctx context.Context, actor string, id int64, validTo time.Time) (Post, error) {
	validTo = asDay(validTo)
	var p Post
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+postColumns+` FROM representatives WHERE id = $1 FOR UPDATE`, id)
		if err != nil {
			return err
		}
		if p, err = pgx.CollectExactlyOneRow(rows, scanPost); err != nil {
			return notFound(err)
		}
		switch {
		case validTo.Before(p.ValidFrom), p.ValidTo != nil && validTo.After(*p.ValidTo):
			return &PostEndError{Post: p, ValidTo: validTo}
		case p.ValidTo != nil && validTo.Equal(*p.ValidTo):
			return nil
		}
		const q = `UPDATE representatives SET valid_to = $2, ended_by = $3 WHERE id = $1 RETURNING ` + postColumns
		if rows, err = tx.Query(ctx, q, id, validTo, actor); err != nil {
			return err
		}
		if p, err = pgx.CollectExactlyOneRow(rows, scanPost); err != nil {
			return mapErr(err)
		}
		return nil
	})
	if err != nil {
		return Post{}, fmt.Errorf("end post %d: %w", id, err)
	}
	return p, nil
}

// Posts lists the posts the filter lets through, by department (the center's first), post,
// person and first day.
func (s *Store) Posts(ctx context.Context, f PostFilter) ([]Post, error) {
	const q = `SELECT ` + postColumns + ` FROM representatives
		WHERE ($1 = '' OR department_id = $1)
		  AND ($2 = '' OR post = $2)
		  AND ($3 = '' OR user_id = $3)
		  AND ($4::date IS NULL OR (valid_from <= $4 AND (valid_to IS NULL OR valid_to >= $4)))
		ORDER BY department_id, post, user_id, valid_from, id`
	rows, err := s.pool.Query(ctx, q, f.Department, f.Post, f.UserID, asDayPtr(f.At))
	if err != nil {
		return nil, fmt.Errorf("posts: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanPost)
	if err != nil {
		return nil, fmt.Errorf("posts: %w", err)
	}
	return list, nil
}

// PostsOf lists what a person holds on a day.
func (s *Store) PostsOf(ctx context.Context, userID string, day time.Time) ([]Post, error) {
	list, err := s.Posts(ctx, PostFilter{UserID: userID, At: &day})
	if err != nil {
		return nil, fmt.Errorf("posts of %s: %w", userID, err)
	}
	return list, nil
}

// holders lists the active people holding one of the posts (in that order) for a department
// ("" for the center) on a day, each once. Someone no longer active is nobody to turn to.
func (s *Store) holders(ctx context.Context, department string, day time.Time, posts ...string) ([]string, error) {
	const q = `SELECT r.user_id FROM representatives r JOIN users u ON u.id = r.user_id AND u.active
		WHERE r.department_id = $1 AND r.post = ANY($2)
		  AND r.valid_from <= $3 AND (r.valid_to IS NULL OR r.valid_to >= $3)
		ORDER BY array_position($2, r.post), r.user_id`
	rows, err := s.pool.Query(ctx, q, department, posts, asDay(day))
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// Representatives lists who represents a department at the center on a day.
func (s *Store) Representatives(ctx context.Context, department string, day time.Time) ([]string, error) {
	ids, err := s.holders(ctx, department, day, PostRepresentative)
	if err != nil {
		return nil, fmt.Errorf("representatives of %s: %w", department, err)
	}
	return ids, nil
}

// CenterDirectors lists the center's directors on a day, then its deputies.
func (s *Store) CenterDirectors(ctx context.Context, day time.Time) ([]string, error) {
	ids, err := s.holders(ctx, "", day, PostCenterDirector, PostCenterDeputy)
	if err != nil {
		return nil, fmt.Errorf("center directors: %w", err)
	}
	return ids, nil
}

// CenterStaff lists everyone who works the center's desk on a day: its directors, deputies and
// dispatchers, who screen, publish and verify problems.
func (s *Store) CenterStaff(ctx context.Context, day time.Time) ([]string, error) {
	ids, err := s.holders(ctx, "", day, PostCenterDirector, PostCenterDeputy, PostCenterDispatcher)
	if err != nil {
		return nil, fmt.Errorf("center staff: %w", err)
	}
	return ids, nil
}

// DepartmentLeaders lists the leaders who answer for a department on a day.
func (s *Store) DepartmentLeaders(ctx context.Context, department string, day time.Time) ([]string, error) {
	ids, err := s.holders(ctx, department, day, PostDepartmentLeader)
	if err != nil {
		return nil, fmt.Errorf("leaders of %s: %w", department, err)
	}
	return ids, nil
}
