package store_test

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"signoff/store"
	"signoff/testkit"
)

// The gm is the demo's general manager, who keeps the registry in these tests.
const gm = "zhao.qiang"

func mustPost(t *testing.T, db *testkit.DB, n store.NewPost) store.Post {
	t.Helper()
	p, err := db.Store.AddPost(testCtx(t), gm, n)
	if err != nil {
		t.Fatalf("add post %s of %s: %v", n.Post, n.UserID, err)
	}
	return p
}

func rep(user, department, from string, to *time.Time) store.NewPost {
	return store.NewPost{UserID: user, Post: store.PostRepresentative, DepartmentID: department, ValidFrom: ymd(from), ValidTo: to}
}

func postUsers(list []store.Post) []string {
	out := []string{}
	for _, p := range list {
		out = append(out, p.UserID+"/"+p.Post+"/"+p.DepartmentID)
	}
	return out
}

// TestAddPostAndList: a post reads back as given; the list narrows by department, post, person
// and day (both end days included) and is ordered by department, post and person.
func TestAddPostAndList(t *testing.T) {
	db := testkit.NewDB(t)
	before := time.Now().Add(-time.Minute)
	p := mustPost(t, db, store.NewPost{UserID: "huang.lei", Post: store.PostRepresentative, DepartmentID: "engineering",
		ValidFrom: time.Date(2026, 1, 1, 23, 30, 0, 0, time.FixedZone("CST", 8*3600)), Note: "工艺"})
	if p.ID == 0 || p.ValidFrom != ymd("2026-01-01") || p.ValidTo != nil || p.Note != "工艺" || p.CreatedBy != gm ||
		p.EndedBy != "" || p.CreatedAt.Before(before) {
		t.Errorf("added = %+v", p)
	}
	mustPost(t, db, rep("xu.jing", "engineering", "2026-03-01", addr(ymd("2026-03-31"))))
	mustPost(t, db, rep("li.na", "sales", "2026-01-01", nil))
	mustPost(t, db, store.NewPost{UserID: "zheng.yu", Post: store.PostCenterDirector, ValidFrom: ymd("2026-01-01")})
	mustPost(t, db, store.NewPost{UserID: "wang.fang", Post: store.PostCenterDeputy, ValidFrom: ymd("2026-02-01")})
	mustPost(t, db, store.NewPost{UserID: "chen.gang", Post: store.PostDepartmentLeader, DepartmentID: "engineering", ValidFrom: ymd("2026-01-01")})

	tests := []struct {
		name string
		f    store.PostFilter
		want []string
	}{
		{"all, ordered", store.PostFilter{}, []string{"wang.fang/center_deputy/", "zheng.yu/center_director/",
			"chen.gang/department_leader/engineering", "huang.lei/representative/engineering", "xu.jing/representative/engineering",
			"li.na/representative/sales"}},
		{"department", store.PostFilter{Department: "engineering"}, []string{"chen.gang/department_leader/engineering",
			"huang.lei/representative/engineering", "xu.jing/representative/engineering"}},
		{"post", store.PostFilter{Post: store.PostRepresentative, Department: "sales"}, []string{"li.na/representative/sales"}},
		{"person", store.PostFilter{UserID: "zheng.yu"}, []string{"zheng.yu/center_director/"}},
		{"first day", store.PostFilter{Department: "engineering", Post: store.PostRepresentative, At: addr(ymd("2026-03-01"))},
			[]string{"huang.lei/representative/engineering", "xu.jing/representative/engineering"}},
		{"last day", store.PostFilter{UserID: "xu.jing", At: addr(ymd("2026-03-31"))}, []string{"xu.jing/representative/engineering"}},
		{"day after", store.PostFilter{UserID: "xu.jing", At: addr(ymd("2026-04-01"))}, []string{}},
		{"day before", store.PostFilter{UserID: "xu.jing", At: addr(ymd("2026-02-28"))}, []string{}},
		{"on a day, before the deputy", store.PostFilter{At: addr(ymd("2026-01-31"))}, []string{
			"zheng.yu/center_director/", "chen.gang/department_leader/engineering", "huang.lei/representative/engineering",
			"li.na/representative/sales"}},
		{"nobody", store.PostFilter{UserID: "nobody"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := db.Store.Posts(testCtx(t), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := postUsers(list); !slices.Equal(got, tt.want) {
				t.Errorf("posts = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestAddPostRefusesOverlaps: the same person, post and department in an overlapping period is a
// PostOverlapError naming the post held, and writes nothing; a period that only touches, or
// another post or department, is fine.
func TestAddPostRefusesOverlaps(t *testing.T) {
	db := testkit.NewDB(t)
	held := mustPost(t, db, rep("he.ping", "warehouse", "2026-03-01", addr(ymd("2026-06-30"))))
	open := mustPost(t, db, store.NewPost{UserID: "liu.yang", Post: store.PostCenterDispatcher, ValidFrom: ymd("2026-05-01")})

	overlaps := []struct {
		name string
		n    store.NewPost
		want int64
	}{
		{"the same period", rep("he.ping", "warehouse", "2026-03-01", addr(ymd("2026-06-30"))), held.ID},
		{"inside", rep("he.ping", "warehouse", "2026-04-01", addr(ymd("2026-04-02"))), held.ID},
		{"ending on its first day", rep("he.ping", "warehouse", "2026-01-01", addr(ymd("2026-03-01"))), held.ID},
		{"starting on its last day", rep("he.ping", "warehouse", "2026-06-30", nil), held.ID},
		{"open-ended from before", rep("he.ping", "warehouse", "2025-01-01", nil), held.ID},
		{"around it", rep("he.ping", "warehouse", "2025-01-01", addr(ymd("2027-01-01"))), held.ID},
		{"an open post, later", store.NewPost{UserID: "liu.yang", Post: store.PostCenterDispatcher, ValidFrom: ymd("2030-01-01")}, open.ID},
		{"an open post, ending on its first day", store.NewPost{UserID: "liu.yang", Post: store.PostCenterDispatcher,
			ValidFrom: ymd("2026-01-01"), ValidTo: addr(ymd("2026-05-01"))}, open.ID},
	}
	for _, tt := range overlaps {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Store.AddPost(testCtx(t), gm, tt.n)
			var overlap *store.PostOverlapError
			if !errors.As(err, &overlap) || overlap.Existing.ID != tt.want || !errors.Is(err, store.ErrConflict) {
				t.Fatalf("err = %v, want an overlap with post %d (ErrConflict)", err, tt.want)
			}
		})
	}
	if n := count(t, db, `SELECT count(*) FROM representatives`); n != 2 {
		t.Fatalf("%d posts after refused overlaps, want 2", n)
	}

	for name, n := range map[string]store.NewPost{
		"the day after":        rep("he.ping", "warehouse", "2026-07-01", nil),
		"up to the day before": rep("he.ping", "warehouse", "2025-01-01", addr(ymd("2026-02-28"))),
		"another department":   rep("he.ping", "engineering", "2026-03-01", nil),
		"another post":         {UserID: "he.ping", Post: store.PostDepartmentLeader, DepartmentID: "warehouse", ValidFrom: ymd("2026-03-01")},
		"before an open post":  {UserID: "liu.yang", Post: store.PostCenterDispatcher, ValidFrom: ymd("2026-01-01"), ValidTo: addr(ymd("2026-04-30"))},
	} {
		if _, err := db.Store.AddPost(testCtx(t), gm, n); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestAddPostConcurrentOverlap: of two overlapping posts added at once, exactly one is written.
func TestAddPostConcurrentOverlap(t *testing.T) {
	db := testkit.NewDB(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, from := range []string{"2026-01-01", "2026-02-01"} {
		wg.Go(func() { _, errs[i] = db.Store.AddPost(testCtx(t), gm, rep("zhou.jie", "finance", from, nil)) })
	}
	wg.Wait()
	var overlap *store.PostOverlapError
	if ok := (errs[0] == nil) != (errs[1] == nil); !ok || !(errors.As(errs[0], &overlap) || errors.As(errs[1], &overlap)) {
		t.Fatalf("errs = %v, want one success and one overlap", errs)
	}
	if n := count(t, db, `SELECT count(*) FROM representatives`); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}

// TestAddPostRefusesMalformedPosts: the store refuses what the table cannot hold with
// ErrInvalidPost, and an unknown person with ErrNotFound, writing nothing.
func TestAddPostRefusesMalformedPosts(t *testing.T) {
	db := testkit.NewDB(t)
	for name, n := range map[string]store.NewPost{
		"unknown post":           {UserID: "li.na", Post: "chairman", ValidFrom: ymd("2026-01-01")},
		"representative of none": {UserID: "li.na", Post: store.PostRepresentative, ValidFrom: ymd("2026-01-01")},
		"a director of sales":    {UserID: "li.na", Post: store.PostCenterDirector, DepartmentID: "sales", ValidFrom: ymd("2026-01-01")},
		"backwards":              rep("li.na", "sales", "2026-02-01", addr(ymd("2026-01-31"))),
	} {
		if _, err := db.Store.AddPost(testCtx(t), gm, n); !errors.Is(err, store.ErrInvalidPost) {
			t.Errorf("%s: err = %v, want ErrInvalidPost", name, err)
		}
	}
	if _, err := db.Store.AddPost(testCtx(t), gm, rep("no.body", "sales", "2026-01-01", nil)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown person: err = %v, want ErrNotFound", err)
	}
	if n := count(t, db, `SELECT count(*) FROM representatives`); n != 0 {
		t.Errorf("%d posts written", n)
	}
}

// TestEndPost: a post ends on its last day (in force that day, not the next); an ended post may
// be cut shorter, never lengthened, nor end before it starts.
func TestEndPost(t *testing.T) {
	db := testkit.NewDB(t)
	p := mustPost(t, db, rep("li.na", "sales", "2026-01-01", nil))

	_, err := db.Store.EndPost(testCtx(t), "zheng.yu", p.ID, ymd("2025-12-31"))
	var refused *store.PostEndError
	if !errors.As(err, &refused) || !refused.BeforeStart() {
		t.Fatalf("an end before the start: err = %v", err)
	}
	ended, err := db.Store.EndPost(testCtx(t), "zheng.yu", p.ID, time.Date(2026, 6, 30, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if ended.ValidTo == nil || *ended.ValidTo != ymd("2026-06-30") || ended.EndedBy != "zheng.yu" || ended.CreatedBy != gm {
		t.Fatalf("ended = %+v", ended)
	}
	for day, want := range map[string]bool{"2025-12-31": false, "2026-01-01": true, "2026-06-30": true, "2026-07-01": false} {
		if got := ended.InForce(ymd(day)); got != want {
			t.Errorf("in force on %s = %v, want %v", day, got, want)
		}
		list, err := db.Store.PostsOf(testCtx(t), "li.na", ymd(day))
		if err != nil {
			t.Fatal(err)
		}
		if got := len(list) == 1; got != want {
			t.Errorf("posts of li.na on %s = %v", day, postUsers(list))
		}
	}

	_, err = db.Store.EndPost(testCtx(t), gm, p.ID, ymd("2026-07-01"))
	if !errors.As(err, &refused) || refused.BeforeStart() || *refused.Post.ValidTo != ymd("2026-06-30") {
		t.Fatalf("lengthening an ended post: err = %v", err)
	}
	same, err := db.Store.EndPost(testCtx(t), gm, p.ID, ymd("2026-06-30"))
	if err != nil || same.EndedBy != "zheng.yu" {
		t.Fatalf("the same end again: %+v, %v (want no change)", same, err)
	}
	shorter, err := db.Store.EndPost(testCtx(t), gm, p.ID, ymd("2026-01-01"))
	if err != nil || *shorter.ValidTo != ymd("2026-01-01") || shorter.EndedBy != gm {
		t.Fatalf("cut shorter: %+v, %v", shorter, err)
	}
	if _, err := db.Store.EndPost(testCtx(t), gm, 999999, ymd("2026-01-01")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown post: err = %v, want ErrNotFound", err)
	}
	// The freed period may be given again.
	mustPost(t, db, rep("li.na", "sales", "2026-01-02", nil))
}

// TestRegistryLookups: whom to turn to on a day, active people only.
func TestRegistryLookups(t *testing.T) {
	db := testkit.NewDB(t)
	mustPost(t, db, store.NewPost{UserID: "zheng.yu", Post: store.PostCenterDirector, ValidFrom: ymd("2026-01-01")})
	mustPost(t, db, store.NewPost{UserID: "wang.fang", Post: store.PostCenterDeputy, ValidFrom: ymd("2026-01-01")})
	mustPost(t, db, store.NewPost{UserID: "chen.gang", Post: store.PostCenterDeputy, ValidFrom: ymd("2026-01-01"), ValidTo: addr(ymd("2026-03-31"))})
	mustPost(t, db, store.NewPost{UserID: "liu.yang", Post: store.PostCenterDispatcher, ValidFrom: ymd("2026-01-01")})
	mustPost(t, db, rep("xu.jing", "engineering", "2026-01-01", nil))
	mustPost(t, db, rep("huang.lei", "engineering", "2026-01-01", nil))
	mustPost(t, db, rep("tang.ning", "engineering", "2026-01-01", nil))
	mustPost(t, db, store.NewPost{UserID: "chen.gang", Post: store.PostDepartmentLeader, DepartmentID: "engineering", ValidFrom: ymd("2026-01-01")})
	exec(t, db, `UPDATE users SET active = false WHERE id = 'tang.ning'`)

	ctx := testCtx(t)
	check := func(name string, got []string, err error, want []string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	got, err := db.Store.CenterDirectors(ctx, ymd("2026-03-31"))
	check("directors in March", got, err, []string{"zheng.yu", "chen.gang", "wang.fang"})
	got, err = db.Store.CenterDirectors(ctx, ymd("2026-04-01"))
	check("directors in April", got, err, []string{"zheng.yu", "wang.fang"})
	got, err = db.Store.CenterDirectors(ctx, ymd("2025-12-31"))
	check("directors before the registry", got, err, []string{})
	got, err = db.Store.Representatives(ctx, "engineering", ymd("2026-05-01"))
	check("engineering's representatives", got, err, []string{"huang.lei", "xu.jing"})
	got, err = db.Store.Representatives(ctx, "sales", ymd("2026-05-01"))
	check("sales' representatives", got, err, []string{})
	got, err = db.Store.DepartmentLeaders(ctx, "engineering", ymd("2026-05-01"))
	check("engineering's leaders", got, err, []string{"chen.gang"})

	posts, err := db.Store.PostsOf(ctx, "chen.gang", ymd("2026-02-01"))
	check("chen.gang's posts in February", postUsers(posts), err, []string{"chen.gang/center_deputy/", "chen.gang/department_leader/engineering"})
	posts, err = db.Store.PostsOf(ctx, "chen.gang", ymd("2026-04-01"))
	check("chen.gang's posts in April", postUsers(posts), err, []string{"chen.gang/department_leader/engineering"})
}
