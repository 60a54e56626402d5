package activities_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"signoff/activities"
	"signoff/archive"
	"signoff/config"
	"signoff/service"
	"signoff/testkit"
)

// TestArchiveCaseKeepsOnePackage: a case not closed (or not there) is refused as non-retryable
// and archives nothing; once closed, the first call keeps one package, which verifies, and a
// retry finds it kept and writes nothing.
func TestArchiveCaseKeepsOnePackage(t *testing.T) {
	db := testkit.NewDB(t)
	svc, err := service.New(service.Deps{Store: db.Store, Policies: db.Policies, Temporal: testkit.Temporal(t), SigningKeys: testkit.SigningKeys(),
		TemporalConfig: config.TemporalConfig{TaskQueue: "unused"}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	acts, env := actEnv(t, db, inAppOnly, activities.WithArchiver(svc.ArchiveCase))
	archiveOf := func(id string) (activities.ArchiveResult, error) {
		return run[activities.ArchiveResult](t, env, acts.ArchiveCase, activities.ArchiveInput{CaseID: id})
	}
	c := claim(t, db, "zhao.qiang", "general", 20_000)
	refused(t, db, "archive the open "+c.ID, func() error { _, err := archiveOf(c.ID); return err }, activities.ErrTypeCaseOpen)
	refused(t, db, "archive no case", func() error { _, err := archiveOf("EXP-1999-000001"); return err }, activities.ErrTypeCaseOpen)

	mustRun[activities.AbandonResult](t, env, acts.Abandon, activities.AbandonInput{CaseID: c.ID, Reason: "no eligible approver", At: monday10})
	before := snapshot(t, db)
	if res, err := archiveOf(c.ID); err != nil || !res.Written {
		t.Fatalf("archive the closed %s = %+v, %v; want it written", c.ID, res, err)
	}
	afterFirst := snapshot(t, db)
	if got := before.writes(afterFirst); !sameWrites(got, writes{"case_archives": 1}) {
		t.Errorf("archive wrote %v, want one package", got)
	}
	if res, err := archiveOf(c.ID); err != nil || res.Written {
		t.Fatalf("archive %s, retried = %+v, %v; want nothing written", c.ID, res, err)
	}
	if got := afterFirst.writes(snapshot(t, db)); len(got) != 0 {
		t.Errorf("archive, retried, wrote %v", got)
	}
	kept, err := db.Store.CaseArchive(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := archive.Verify(kept.Package); err != nil || m.CaseID != c.ID {
		t.Errorf("kept package of %q: %v", m.CaseID, err)
	}
}
