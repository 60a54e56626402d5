package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"signoff/chain"
	"signoff/store"
	"signoff/testkit"
)

// upload stores a small PDF for a user.
func upload(t *testing.T, db *testkit.DB, user, name string) store.Attachment {
	t.Helper()
	a, err := db.Store.SaveAttachment(testCtx(t), store.NewAttachment{UploaderID: user, Filename: name,
		ContentType: "application/pdf", Content: []byte("%PDF-1.4\n" + name + "\n%%EOF")})
	if err != nil {
		t.Fatalf("save attachment %s: %v", name, err)
	}
	return a
}

func attachmentIDs(list []store.Attachment) []string {
	out := []string{}
	for _, a := range list {
		out = append(out, a.ID)
	}
	return out
}

// linkedTo returns the case an attachment is linked to, "" if none.
func linkedTo(t *testing.T, db *testkit.DB, id string) string {
	t.Helper()
	a, err := db.Store.Attachment(testCtx(t), id)
	if err != nil {
		t.Fatalf("attachment %s: %v", id, err)
	}
	return a.CaseID
}

// TestAttachmentRoundTrip: an upload is stored with the size and SHA-256 of its content and
// read back the same, with and without the content.
func TestAttachmentRoundTrip(t *testing.T) {
	db := testkit.NewDB(t)
	content := append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, bytes.Repeat([]byte{0, 1, 2, 0xff}, 5000)...)
	before := time.Now().Add(-time.Minute)
	a, err := db.Store.SaveAttachment(testCtx(t), store.NewAttachment{UploaderID: "zhang.wei",
		Filename: "发票 1.png", ContentType: "image/png", Content: content})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	if !regexp.MustCompile(`^att_[0-9a-f]{24}$`).MatchString(a.ID) {
		t.Errorf("ID %q, want att_ and 24 hex digits", a.ID)
	}
	if a.Size != int64(len(content)) || !bytes.Equal(a.SHA256, sum[:]) || a.Hex() != hex.EncodeToString(sum[:]) ||
		a.CaseID != "" || a.UploaderID != "zhang.wei" || a.Filename != "发票 1.png" || a.ContentType != "image/png" ||
		a.CreatedAt.Before(before) {
		t.Errorf("saved = %+v, want size %d sha256 %x", a, len(content), sum)
	}
	if other := upload(t, db, "zhang.wei", "x.pdf"); other.ID == a.ID {
		t.Errorf("two uploads share ID %s", a.ID)
	}

	meta, err := db.Store.Attachment(testCtx(t), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !meta.CreatedAt.Equal(a.CreatedAt) {
		t.Errorf("created_at read %v, saved %v", meta.CreatedAt, a.CreatedAt)
	}
	meta.CreatedAt = a.CreatedAt
	if !slices.Equal(meta.SHA256, a.SHA256) || meta.ID != a.ID || meta.Size != a.Size || meta.Filename != a.Filename ||
		meta.ContentType != a.ContentType || meta.UploaderID != a.UploaderID || meta.CaseID != "" {
		t.Errorf("read = %+v\nsaved %+v", meta, a)
	}
	got, body, err := db.Store.AttachmentContent(testCtx(t), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, content) || got.Hex() != a.Hex() || got.Size != a.Size {
		t.Errorf("content: %d bytes digest %s, want %d bytes %s", len(body), got.Hex(), len(content), a.Hex())
	}
	if s := sha256.Sum256(body); !bytes.Equal(s[:], got.SHA256) {
		t.Errorf("content read does not match its stored digest")
	}

	js, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"id"`, `"case_id":""`, `"uploader_id"`, `"filename"`, `"content_type"`, `"size"`, `"created_at"`} {
		if !strings.Contains(string(js), key) {
			t.Errorf("JSON %s lacks %s", js, key)
		}
	}
	if strings.Contains(strings.ToLower(string(js)), "sha") {
		t.Errorf("JSON %s shows the digest", js)
	}

	if _, err := db.Store.Attachment(testCtx(t), "att_000000000000000000000000"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown attachment: err = %v, want ErrNotFound", err)
	}
	if _, _, err := db.Store.AttachmentContent(testCtx(t), "att_000000000000000000000000"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown attachment content: err = %v, want ErrNotFound", err)
	}
}

// TestSaveAttachmentRefused: the table refuses a type the caller should have refused, empty
// content and an unknown uploader.
func TestSaveAttachmentRefused(t *testing.T) {
	db := testkit.NewDB(t)
	tests := []struct {
		name    string
		a       store.NewAttachment
		wantErr error
	}{
		{"type", store.NewAttachment{UploaderID: "zhang.wei", Filename: "a.exe", ContentType: "application/octet-stream",
			Content: []byte("MZ")}, nil},
		{"empty", store.NewAttachment{UploaderID: "zhang.wei", Filename: "a.pdf", ContentType: "application/pdf"}, nil},
		{"uploader", store.NewAttachment{UploaderID: "ghost", Filename: "a.pdf", ContentType: "application/pdf",
			Content: []byte("%PDF")}, store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Store.SaveAttachment(testCtx(t), tt.a)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("err = %v, want an error (%v)", err, tt.wantErr)
			}
		})
	}
	if n := count(t, db, `SELECT count(*) FROM attachments`); n != 0 {
		t.Errorf("%d attachments stored", n)
	}
}

// TestCreateCaseLinksAttachments: a submission links the submitter's uploads, a repeated ID
// once, and copies the case to its CC users.
func TestCreateCaseLinksAttachments(t *testing.T) {
	db := testkit.NewDB(t)
	a1 := upload(t, db, "zhang.wei", "机票.pdf")
	a2 := upload(t, db, "zhang.wei", "酒店.pdf")
	spare := upload(t, db, "zhang.wei", "spare.pdf")
	n := salesClaim(db, 1000)
	n.Attachments = []string{a2.ID, a1.ID, a2.ID}
	n.CC = []string{"qian.li", "wang.fang", "qian.li"}
	c := mustCreate(t, db, n)

	list, err := db.Store.CaseAttachments(testCtx(t), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := attachmentIDs(list); !slices.Equal(got, []string{a1.ID, a2.ID}) {
		t.Errorf("case attachments = %v, want %v in upload order", got, []string{a1.ID, a2.ID})
	}
	for _, a := range list {
		if a.CaseID != c.ID {
			t.Errorf("%s case %q, want %s", a.ID, a.CaseID, c.ID)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM attachments WHERE case_id = $1 AND linked_at IS NOT NULL`, c.ID); n != 2 {
		t.Errorf("%d attachments linked with a time, want 2", n)
	}
	if got := linkedTo(t, db, spare.ID); got != "" {
		t.Errorf("an upload not named was linked to %s", got)
	}
	if n := count(t, db, `SELECT count(*) FROM case_copies WHERE case_id = $1`, c.ID); n != 2 {
		t.Errorf("%d copies, want 2", n)
	}
	if n := count(t, db, `SELECT count(*) FROM case_copies WHERE case_id = $1 AND user_id IN ('qian.li', 'wang.fang')`, c.ID); n != 2 {
		t.Errorf("copies are not to qian.li and wang.fang")
	}
	if list, err := db.Store.CaseAttachments(testCtx(t), "EXP-1999-000001"); err != nil || len(list) != 0 {
		t.Errorf("attachments of an unknown case = %v, %v", list, err)
	}
}

// TestCreateCaseAttachmentRefused: an upload that is unknown, someone else's or already on a
// case fails the submission with *AttachmentError naming it, and nothing is written: no case,
// no case number used, no reservation, no copy, no link.
func TestCreateCaseAttachmentRefused(t *testing.T) {
	db := testkit.NewDB(t)
	earlier := salesClaim(db, 500)
	used := upload(t, db, "zhang.wei", "used.pdf")
	earlier.Attachments = []string{used.ID}
	first := mustCreate(t, db, earlier)
	mine := upload(t, db, "zhang.wei", "mine.pdf")
	theirs := upload(t, db, "li.na", "theirs.pdf")
	const unknown = "att_000000000000000000000000"

	tests := []struct {
		name        string
		attachments []string
		want        []string
	}{
		{"someone else's", []string{mine.ID, theirs.ID}, []string{theirs.ID}},
		{"already on a case", []string{used.ID, mine.ID}, []string{used.ID}},
		{"unknown", []string{unknown}, []string{unknown}},
		{"several", []string{theirs.ID, mine.ID, unknown, used.ID, theirs.ID}, []string{theirs.ID, unknown, used.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := salesClaim(db, 1000)
			n.Attachments = tt.attachments
			n.CC = []string{"qian.li"}
			n.IdempotencyKey, n.RequestHash = "key-"+tt.name, "hash"
			_, created, err := db.Store.CreateCase(testCtx(t), n)
			var ae *store.AttachmentError
			if !errors.As(err, &ae) || created {
				t.Fatalf("err = %v created = %v, want *AttachmentError", err, created)
			}
			if !slices.Equal(ae.IDs, tt.want) {
				t.Errorf("error names %v, want %v", ae.IDs, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want[0]) {
				t.Errorf("message %q does not name %s", err, tt.want[0])
			}
			if n := count(t, db, `SELECT count(*) FROM cases`); n != 1 {
				t.Errorf("%d cases, want only the earlier one", n)
			}
			if n := count(t, db, `SELECT count(*) FROM case_copies`); n != 0 {
				t.Errorf("%d copies written", n)
			}
			if n := count(t, db, `SELECT count(*) FROM idempotency_keys`); n != 0 {
				t.Errorf("idempotency key stored")
			}
			if b := budget(t, db, salesTravel); b.Reserved != 500 {
				t.Errorf("reserved %d, want the earlier case's 500", b.Reserved)
			}
			if got := linkedTo(t, db, mine.ID); got != "" {
				t.Errorf("own upload linked to %s by a refused submission", got)
			}
			if got := linkedTo(t, db, theirs.ID); got != "" {
				t.Errorf("someone else's upload linked to %s", got)
			}
			if got := linkedTo(t, db, used.ID); got != first.ID {
				t.Errorf("used upload moved to %q", got)
			}
		})
	}
	// The refused submissions used no case number.
	next := salesClaim(db, 700)
	next.Attachments = []string{mine.ID}
	if c := mustCreate(t, db, next); c.ID != caseNumber(db, 2) {
		t.Errorf("next case %s, want %s", c.ID, caseNumber(db, 2))
	}
}

// TestCreateCaseBadCC: a CC user who does not exist fails the submission cleanly with
// ErrNotFound, writing nothing.
func TestCreateCaseBadCC(t *testing.T) {
	db := testkit.NewDB(t)
	a := upload(t, db, "zhang.wei", "a.pdf")
	n := salesClaim(db, 1000)
	n.Attachments = []string{a.ID}
	n.CC = []string{"qian.li", "ghost"}
	_, created, err := db.Store.CreateCase(testCtx(t), n)
	if !errors.Is(err, store.ErrNotFound) || created {
		t.Fatalf("err = %v created = %v, want ErrNotFound", err, created)
	}
	if n := count(t, db, `SELECT count(*) FROM cases`) + count(t, db, `SELECT count(*) FROM case_copies`); n != 0 {
		t.Errorf("%d cases and copies written", n)
	}
	if b := budget(t, db, salesTravel); b.Reserved != 0 {
		t.Errorf("reserved %d, want 0", b.Reserved)
	}
	if got := linkedTo(t, db, a.ID); got != "" {
		t.Errorf("upload linked to %s", got)
	}
	n.CC = []string{"qian.li"}
	if c := mustCreate(t, db, n); c.ID != caseNumber(db, 1) {
		t.Errorf("case %s, want %s: the refused submission used a number", c.ID, caseNumber(db, 1))
	}
}

// TestCreateCaseRetryWithAttachments: a retried submission returns the first case although its
// attachments are now linked.
func TestCreateCaseRetryWithAttachments(t *testing.T) {
	db := testkit.NewDB(t)
	a := upload(t, db, "zhang.wei", "a.pdf")
	n := salesClaim(db, 1000)
	n.Attachments, n.CC = []string{a.ID}, []string{"qian.li"}
	n.IdempotencyKey, n.RequestHash = "k", "h"
	first := mustCreate(t, db, n)
	again, created, err := db.Store.CreateCase(testCtx(t), n)
	if err != nil || created || again.ID != first.ID {
		t.Fatalf("retry = %s created %v, %v; want %s, not created", again.ID, created, err, first.ID)
	}
	if got := linkedTo(t, db, a.ID); got != first.ID {
		t.Errorf("attachment on %q, want %s", got, first.ID)
	}
	if n := count(t, db, `SELECT count(*) FROM case_copies`); n != 1 {
		t.Errorf("%d copies, want 1", n)
	}
}

// TestUnlinkedAttachments: of the IDs asked for, the uploader's own unlinked uploads, in the
// order asked.
func TestUnlinkedAttachments(t *testing.T) {
	db := testkit.NewDB(t)
	a := upload(t, db, "zhang.wei", "a.pdf")
	b := upload(t, db, "zhang.wei", "b.pdf")
	linked := upload(t, db, "zhang.wei", "linked.pdf")
	theirs := upload(t, db, "li.na", "theirs.pdf")
	n := salesClaim(db, 1000)
	n.Attachments = []string{linked.ID}
	mustCreate(t, db, n)

	ask := []string{b.ID, "att_000000000000000000000000", theirs.ID, a.ID, linked.ID, b.ID}
	got, err := db.Store.UnlinkedAttachments(testCtx(t), "zhang.wei", ask)
	if err != nil {
		t.Fatal(err)
	}
	if ids := attachmentIDs(got); !slices.Equal(ids, []string{b.ID, a.ID}) {
		t.Errorf("unlinked = %v, want %v", ids, []string{b.ID, a.ID})
	}
	if len(got) == 2 && (got[0].Filename != "b.pdf" || got[0].CaseID != "" || len(got[0].SHA256) != 32) {
		t.Errorf("first = %+v", got[0])
	}
	if got, err := db.Store.UnlinkedAttachments(testCtx(t), "li.na", ask); err != nil || !slices.Equal(attachmentIDs(got), []string{theirs.ID}) {
		t.Errorf("li.na's = %v, %v; want %s", attachmentIDs(got), err, theirs.ID)
	}
	if got, err := db.Store.UnlinkedAttachments(testCtx(t), "zhang.wei", nil); err != nil || len(got) != 0 {
		t.Errorf("none asked: %v, %v", got, err)
	}
}

// TestDeleteStaleUploads: old unlinked uploads go; linked ones and fresh ones stay.
func TestDeleteStaleUploads(t *testing.T) {
	db := testkit.NewDB(t)
	stale := upload(t, db, "zhang.wei", "stale.pdf")
	staleOther := upload(t, db, "li.na", "stale2.pdf")
	oldLinked := upload(t, db, "zhang.wei", "old-linked.pdf")
	fresh := upload(t, db, "zhang.wei", "fresh.pdf")
	n := salesClaim(db, 1000)
	n.Attachments = []string{oldLinked.ID}
	c := mustCreate(t, db, n)
	exec(t, db, `UPDATE attachments SET created_at = now() - interval '2 days' WHERE id = ANY($1)`,
		[]string{stale.ID, staleOther.ID, oldLinked.ID})

	deleted, err := db.Store.DeleteStaleUploads(testCtx(t), time.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if deleted != 2 {
		t.Errorf("deleted %d, want 2", deleted)
	}
	for _, id := range []string{stale.ID, staleOther.ID} {
		if _, err := db.Store.Attachment(testCtx(t), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("stale %s: err = %v, want ErrNotFound", id, err)
		}
	}
	if got := linkedTo(t, db, oldLinked.ID); got != c.ID {
		t.Errorf("old linked upload on %q, want %s", got, c.ID)
	}
	if got := linkedTo(t, db, fresh.ID); got != "" {
		t.Errorf("fresh upload on %q", got)
	}
	if again, err := db.Store.DeleteStaleUploads(testCtx(t), time.Now().Add(-24*time.Hour)); err != nil || again != 0 {
		t.Errorf("second sweep deleted %d, %v", again, err)
	}
}

// TestDeleteStaleUploadsKeepsCertificateScans: an old upload a supplier certificate took is
// not swept, though no case has it.
func TestDeleteStaleUploadsKeepsCertificateScans(t *testing.T) {
	db := testkit.NewDB(t)
	if _, err := db.Store.CreateSupplier(testCtx(t), "guo.hua", store.NewSupplier{ID: "SUP-T", Name: "T",
		Kind: "manufacturer", Grade: "A"}); err != nil {
		t.Fatal(err)
	}
	scan := upload(t, db, "guo.hua", "licence.pdf")
	stale := upload(t, db, "guo.hua", "stale.pdf")
	if _, err := db.Store.AddCertificate(testCtx(t), "guo.hua", "SUP-T", store.NewCertificate{Kind: "business_license",
		Number: "N-1", ValidFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), ValidTo: time.Date(2028, 12, 31, 0, 0, 0, 0, time.UTC),
		AttachmentID: scan.ID}); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `UPDATE attachments SET created_at = now() - interval '2 days'`)

	deleted, err := db.Store.DeleteStaleUploads(testCtx(t), time.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if deleted != 1 {
		t.Errorf("deleted %d, want only the free upload", deleted)
	}
	if _, err := db.Store.Attachment(testCtx(t), scan.ID); err != nil {
		t.Errorf("certificate scan: %v", err)
	}
	if _, err := db.Store.Attachment(testCtx(t), stale.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("free stale upload: err = %v, want ErrNotFound", err)
	}
	// Referenced by a certificate but somehow not marked linked: still kept.
	exec(t, db, `UPDATE attachments SET linked_at = NULL WHERE id = $1`, scan.ID)
	if again, err := db.Store.DeleteStaleUploads(testCtx(t), time.Now().Add(-24*time.Hour)); err != nil || again != 0 {
		t.Errorf("second sweep deleted %d, %v", again, err)
	}
}

// TestApplyEditLinksAttachments: a resubmission's edit links the submitter's new uploads with
// its seal; someone else's upload or one already on a case refuses the whole record.
func TestApplyEditLinksAttachments(t *testing.T) {
	tests := []struct {
		name string
		bad  func(t *testing.T, db *testkit.DB) string // an upload that must not be linked, "" for none
	}{
		{"own uploads", nil},
		{"someone else's", func(t *testing.T, db *testkit.DB) string { return upload(t, db, "li.na", "theirs.pdf").ID }},
		{"already on a case", func(t *testing.T, db *testkit.DB) string {
			a := upload(t, db, "zhang.wei", "used.pdf")
			n := salesClaim(db, 500)
			n.Attachments = []string{a.ID}
			mustCreate(t, db, n)
			return a.ID
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := testkit.NewDB(t)
			first := upload(t, db, "zhang.wei", "first.pdf")
			n := salesClaim(db, 1000)
			n.Attachments = []string{first.ID}
			c := mustCreate(t, db, n)
			st := startChain(t, db, c)
			act(t, db, st, chain.Action{Type: chain.ActReturn, Actor: "li.na", Comment: "缺发票"})
			added := upload(t, db, "zhang.wei", "added.pdf")
			edit := store.Edit{Title: "补发票", Purpose: "p", Category: "travel", Amount: 1000,
				Lines: []store.Line{{Description: "机票", Amount: 1000}}, Attachments: []string{added.ID}}
			var bad string
			if tt.bad != nil {
				bad = tt.bad(t, db)
				edit.Attachments = append(edit.Attachments, bad)
			}
			editID, err := db.Store.SaveEdit(testCtx(t), c.ID, edit)
			if err != nil {
				t.Fatal(err)
			}
			if e, err := db.Store.EditByID(testCtx(t), c.ID, editID); err != nil || !slices.Equal(e.Attachments, edit.Attachments) {
				t.Fatalf("stored edit attachments = %v, %v", e.Attachments, err)
			}
			next := st.Clone()
			a := chain.Action{Type: chain.ActResubmit, Actor: "zhang.wei", EditID: editID, Revision: next.Revision}
			r := store.Record{State: next, Outcome: next.Apply(a, monday10)}
			err = db.Store.RecordOutcome(testCtx(t), r)
			list, lerr := db.Store.CaseAttachments(testCtx(t), c.ID)
			if lerr != nil {
				t.Fatal(lerr)
			}
			if bad == "" {
				if err != nil {
					t.Fatalf("record resubmission: %v", err)
				}
				if got := attachmentIDs(list); !slices.Equal(got, []string{first.ID, added.ID}) {
					t.Errorf("case attachments = %v, want %v", got, []string{first.ID, added.ID})
				}
				if err := db.Store.RecordOutcome(testCtx(t), r); err != nil {
					t.Fatalf("record the resubmission again: %v", err)
				}
				if got := mustCase(t, db, c.ID); got.Title != "补发票" || got.Status != "in_progress" {
					t.Errorf("case %q %s after the edit", got.Title, got.Status)
				}
				return
			}
			var ae *store.AttachmentError
			if !errors.As(err, &ae) || !slices.Equal(ae.IDs, []string{bad}) {
				t.Fatalf("err = %v, want *AttachmentError naming %s", err, bad)
			}
			if got := attachmentIDs(list); !slices.Equal(got, []string{first.ID}) {
				t.Errorf("case attachments = %v, want only %s", got, first.ID)
			}
			if got := linkedTo(t, db, added.ID); got != "" {
				t.Errorf("own upload linked to %s by a refused edit", got)
			}
			if got := mustCase(t, db, c.ID); got.Title != n.Title || got.Status != "returned" {
				t.Errorf("case %q %s, want untouched", got.Title, got.Status)
			}
			if n := count(t, db, `SELECT count(*) FROM seals WHERE case_id = $1`, c.ID); n != 2 {
				t.Errorf("%d seals, want the two before the refused resubmission", n)
			}
			if n := count(t, db, `SELECT count(*) FROM case_edits WHERE id = $1 AND applied_at IS NULL`, editID); n != 1 {
				t.Errorf("edit marked applied")
			}
		})
	}
}

// TestCaseViewAttachmentsAndCopies: the case page has the attachments, the copies and their
// names.
func TestCaseViewAttachmentsAndCopies(t *testing.T) {
	db := testkit.NewDB(t)
	a1 := upload(t, db, "zhang.wei", "a1.pdf")
	a2 := upload(t, db, "zhang.wei", "a2.pdf")
	n := salesClaim(db, 1000)
	n.Attachments = []string{a2.ID, a1.ID}
	n.CC = []string{"wu.xia", "qian.li"}
	c := mustCreate(t, db, n)
	startChain(t, db, c)
	// A later copy comes after, whatever its name.
	exec(t, db, `INSERT INTO case_copies (user_id, case_id, copied_at) VALUES ('chen.gang', $1, now() + interval '1 minute')`, c.ID)

	v, err := db.Store.CaseView(testCtx(t), c.ID, "zhang.wei", monday10)
	if err != nil {
		t.Fatal(err)
	}
	if got := attachmentIDs(v.Attachments); !slices.Equal(got, []string{a1.ID, a2.ID}) {
		t.Errorf("attachments = %v, want %v", got, []string{a1.ID, a2.ID})
	}
	if len(v.Attachments) == 2 && (v.Attachments[0].Filename != "a1.pdf" || v.Attachments[0].Hex() != a1.Hex() ||
		v.Attachments[0].CaseID != c.ID) {
		t.Errorf("attachment = %+v", v.Attachments[0])
	}
	if want := []string{"qian.li", "wu.xia", "chen.gang"}; !slices.Equal(v.Copies, want) {
		t.Errorf("copies = %v, want %v", v.Copies, want)
	}
	for id, name := range map[string]string{"zhang.wei": "张伟", "li.na": "李娜", "qian.li": "钱丽", "wu.xia": "吴霞", "chen.gang": "陈刚"} {
		if v.Names[id] != name {
			t.Errorf("name of %s = %q, want %q", id, v.Names[id], name)
		}
	}
	if v.Case.ID != c.ID || len(v.Lines) != 1 || len(v.Seals) != 1 {
		t.Errorf("view = case %s, %d lines, %d seals", v.Case.ID, len(v.Lines), len(v.Seals))
	}

	plain := mustCreate(t, db, salesClaim(db, 2000))
	v, err = db.Store.CaseView(testCtx(t), plain.ID, "zhang.wei", monday10)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Attachments) != 0 || len(v.Copies) != 0 || len(v.Names) != 1 {
		t.Errorf("plain case: attachments %v copies %v names %v", v.Attachments, v.Copies, v.Names)
	}
}
