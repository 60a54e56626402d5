package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"signoff/chain"
	"signoff/ledger"
	"signoff/policy"
	"signoff/store"
	"signoff/testkit"
)

// sealedClaim is a sales claim with two attachments, submitted, witnessed and reviewed: four
// seals in the ledger (submitted, witness, review…).
func sealedClaim(t *testing.T, db *testkit.DB) store.Case {
	t.Helper()
	a1 := upload(t, db, "zhang.wei", "机票.pdf")
	a2 := upload(t, db, "zhang.wei", "酒店.pdf")
	n := salesClaim(db, 1000)
	n.Lines = []store.Line{{Description: "机票", Amount: 600, InvoiceNo: "INV-1"}, {Description: "酒店", Amount: 400}}
	n.Attachments = []string{a1.ID, a2.ID}
	c := mustCreate(t, db, n)
	st := newChain(t, c)
	record(t, db, st, st.Submitted(monday10))
	act(t, db, st, chain.Action{Type: chain.ActApprove, Actor: "liu.yang", Comment: "属实"})
	act(t, db, st, chain.Action{Type: chain.ActComment, Actor: "zhang.wei", Comment: "请尽快"})
	act(t, db, st, chain.Action{Type: chain.ActApprove, Actor: "sun.min"})
	return c
}

func verify(t *testing.T, db *testkit.DB, id string) ledger.Report {
	t.Helper()
	r, err := db.Store.VerifyCase(testCtx(t), id)
	if err != nil {
		t.Fatalf("verify %s: %v", id, err)
	}
	return r
}

// tamper runs statements as the superuser with the ledger's append-only triggers disabled: what
// someone with the database's keys could do behind the application's back.
func tamper(t *testing.T, db *testkit.DB, stmts ...string) {
	t.Helper()
	withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `ALTER TABLE seals DISABLE TRIGGER USER`); err != nil {
				return err
			}
			for _, s := range stmts {
				if _, err := tx.Exec(ctx, s); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `ALTER TABLE seals ENABLE TRIGGER USER`)
			return err
		})
		if err != nil {
			t.Fatalf("tamper: %v", err)
		}
	})
}

// TestLedgerSealsLinked: every seal written records the content digest and links to the seal
// before it, and the untouched case verifies.
func TestLedgerSealsLinked(t *testing.T) {
	db := testkit.NewDB(t)
	c := sealedClaim(t, db)
	r := verify(t, db, c.ID)
	if !r.OK || r.Seals != 4 || r.Legacy != 0 || r.Head == "" || r.Problem != "" {
		t.Fatalf("report = %+v, want 4 sound seals", r)
	}
	var first, empties int64
	withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM seals WHERE case_id = $1 AND prev_hash = ''`, c.ID).Scan(&first); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM seals s WHERE case_id = $1 AND seq > 1 AND prev_hash IS DISTINCT FROM
			(SELECT hash FROM seals p WHERE p.case_id = s.case_id AND p.seq = s.seq - 1)`, c.ID).Scan(&empties); err != nil {
			t.Fatal(err)
		}
	})
	if first != 1 || empties != 0 {
		t.Errorf("%d seals start the chain and %d link to no predecessor, want 1 and 0", first, empties)
	}
	if n := count(t, db, `SELECT count(DISTINCT content_digest) FROM seals WHERE case_id = $1 AND content_digest = $2`, c.ID, r.Digest); n != 1 {
		t.Errorf("the seals attest %d digests equal to the content's, want 1", n)
	}
}

// TestLedgerAppendOnly: the database refuses to change or remove a seal.
func TestLedgerAppendOnly(t *testing.T) {
	db := testkit.NewDB(t)
	c := sealedClaim(t, db)
	for _, q := range []string{
		`UPDATE seals SET comment = 'changed' WHERE case_id = $1 AND seq = 2`,
		`DELETE FROM seals WHERE case_id = $1 AND seq = 2`,
	} {
		withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
			_, err := conn.Exec(ctx, q, c.ID)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		})
	}
	withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
		if _, err := conn.Exec(ctx, `TRUNCATE seals CASCADE`); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("truncate: err = %v, want the append-only refusal", err)
		}
	})
	if r := verify(t, db, c.ID); !r.OK {
		t.Errorf("after the refused statements: %+v", r)
	}
}

// TestLedgerDetectsTampering: each kind of tampering breaks verification and names the seal.
func TestLedgerDetectsTampering(t *testing.T) {
	otherPDF := "%PDF-1.4\nforged\n%%EOF"
	forgedSum := sha256.Sum256([]byte(otherPDF))
	cases := []struct {
		name    string
		stmts   []string
		problem string
		seq     int
	}{
		{"changed amount", []string{`UPDATE cases SET amount = 100000 WHERE id = $CASE`}, ledger.ProblemContent, 1},
		{"changed seal", []string{`UPDATE seals SET comment = '不属实' WHERE case_id = $CASE AND seq = 2`}, ledger.ProblemAltered, 2},
		{"deleted seal", []string{`DELETE FROM seals WHERE case_id = $CASE AND seq = 3`}, ledger.ProblemMissing, 3},
		{"deleted last seal", []string{`DELETE FROM seals WHERE case_id = $CASE AND seq = 4`}, ledger.ProblemMissing, 4},
		{"reordered seals", []string{
			`UPDATE seals SET seq = 100 WHERE case_id = $CASE AND seq = 2`,
			`UPDATE seals SET seq = 2 WHERE case_id = $CASE AND seq = 3`,
			`UPDATE seals SET seq = 3 WHERE case_id = $CASE AND seq = 100`,
		}, ledger.ProblemLink, 2},
		{"edited line item", []string{`UPDATE case_lines SET description = '头等舱' WHERE case_id = $CASE AND line_no = 1`}, ledger.ProblemContent, 1},
		{"swapped attachment bytes", []string{`UPDATE attachments SET content = '` + otherPDF + `'::bytea
			WHERE id = (SELECT min(id) FROM attachments WHERE case_id = $CASE)`}, ledger.ProblemContent, 1},
		{"swapped attachment with its digest", []string{`UPDATE attachments SET content = '` + otherPDF + `'::bytea,
			sha256 = '\x` + hexOf(forgedSum[:]) + `'::bytea WHERE id = (SELECT min(id) FROM attachments WHERE case_id = $CASE)`}, ledger.ProblemContent, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := testkit.NewDB(t)
			c := sealedClaim(t, db)
			if r := verify(t, db, c.ID); !r.OK {
				t.Fatalf("before tampering: %+v", r)
			}
			stmts := make([]string, len(tc.stmts))
			for i, s := range tc.stmts {
				stmts[i] = strings.ReplaceAll(s, "$CASE", "'"+c.ID+"'")
			}
			tamper(t, db, stmts...)
			r := verify(t, db, c.ID)
			if r.OK || r.Problem != tc.problem || r.BrokenSeq != tc.seq {
				t.Errorf("report = %+v, want %s at seal %d", r, tc.problem, tc.seq)
			}
		})
	}
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }

// TestLedgerLegacySeals: seals written before the ledger carry no hash; the chain begins after
// them and verification says how many there are.
func TestLedgerLegacySeals(t *testing.T) {
	db := testkit.NewDB(t)
	c := mustCreate(t, db, salesClaim(db, 1000))
	st := newChain(t, c)
	record(t, db, st, st.Submitted(monday10))
	tamper(t, db, `UPDATE seals SET content_digest = NULL, prev_hash = NULL, hash = NULL WHERE case_id = '`+c.ID+`'`)
	act(t, db, st, chain.Action{Type: chain.ActApprove, Actor: "liu.yang"})
	r := verify(t, db, c.ID)
	if !r.OK || r.Legacy != 1 || r.Seals != 2 {
		t.Errorf("report = %+v, want 1 legacy seal and a sound chain after it", r)
	}
}

// TestEditAttestations: the steps an edit re-opens, as the demo policy judges them against the
// kept contents: a changed amount re-opens the witness, a reworded purpose does not (the
// witness's seal covers amount, lines and receipts), nothing changed re-opens nothing; and
// neither the stored edit's dry run nor a draft's changes the case or leaves an edit behind.
func TestEditAttestations(t *testing.T) {
	db := testkit.NewDB(t)
	c := mustCreate(t, db, salesClaim(db, 1000))
	st := newChain(t, c)
	record(t, db, st, st.Submitted(monday10))
	act(t, db, st, chain.Action{Type: chain.ActApprove, Actor: "liu.yang"})
	same := store.Edit{Title: c.Title, Purpose: c.Purpose, Category: c.Category, Amount: 1000,
		Lines: []store.Line{{Description: "机票", Amount: 1000, InvoiceNo: "INV-1"}}, AllowOverBudget: true}
	changed := same
	changed.Amount, changed.Lines = 1500, []store.Line{{Description: "机票", Amount: 1500, InvoiceNo: "INV-1"}}
	reworded := same
	reworded.Purpose = "拜访两家客户"
	seals := policy.Demo().Seals
	for _, tc := range []struct {
		name string
		edit store.Edit
		want []string
	}{{"unchanged", same, nil}, {"amount", changed, []string{"witness"}}, {"purpose", reworded, nil}} {
		id, err := db.Store.SaveEdit(testCtx(t), c.ID, tc.edit)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := db.Store.EditAttestations(testCtx(t), c.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored.Signed) != 1 || stored.Signed[0].Content == nil {
			t.Fatalf("%s: attestations %+v, want the witness's with its content", tc.name, stored.Signed)
		}
		if got := seals.Reopened(stored.Content, stored.Signed); !slices.Equal(got, tc.want) {
			t.Errorf("%s: the stored edit re-opens %v; want %v", tc.name, got, tc.want)
		}
		draft, err := db.Store.DraftAttestations(testCtx(t), c.ID, tc.edit)
		if err != nil {
			t.Fatal(err)
		}
		if got := seals.Reopened(draft.Content, draft.Signed); !slices.Equal(got, tc.want) {
			t.Errorf("%s: the draft re-opens %v; want %v", tc.name, got, tc.want)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM case_edits WHERE case_id = $1`, c.ID); n != 3 {
		t.Errorf("%d edits stored, want the three saved (drafts store none)", n)
	}
	if n := count(t, db, `SELECT count(*) FROM case_edits WHERE case_id = $1 AND applied_at IS NULL`, c.ID); n != 3 {
		t.Errorf("%d edits pending, want all three", n)
	}
	if got := mustCase(t, db, c.ID); got.Amount != 1000 || got.Purpose != c.Purpose {
		t.Errorf("the dry runs changed the case: %d, %q", got.Amount, got.Purpose)
	}
}

// TestSealContentsKeepWhatWasAttested: every seal's digest names a kept content whose bytes
// hash to it, and the kept contents refuse to change.
func TestSealContentsKeepWhatWasAttested(t *testing.T) {
	db := testkit.NewDB(t)
	c := sealedClaim(t, db)
	var digest string
	withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
		const q = `SELECT content_digest FROM seals WHERE case_id = $1 ORDER BY seq DESC LIMIT 1`
		if err := conn.QueryRow(ctx, q, c.ID).Scan(&digest); err != nil {
			t.Fatal(err)
		}
	})
	got, err := db.Store.SealContent(testCtx(t), digest)
	if err != nil || got.Digest() != digest || got.CaseID != c.ID {
		t.Fatalf("kept content of %s: %+v, %v", digest, got, err)
	}
	if n := count(t, db, `SELECT count(*) FROM seals s LEFT JOIN seal_contents k ON k.digest = s.content_digest
		WHERE s.case_id = $1 AND k.digest IS NULL`, c.ID); n != 0 {
		t.Errorf("%d seals name a content not kept", n)
	}
	withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
		for _, q := range []string{`UPDATE seal_contents SET canonical = canonical || 'x'::bytea`, `DELETE FROM seal_contents`, `TRUNCATE seal_contents`} {
			if _, err := conn.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want refused as append-only", q, err)
			}
		}
		const forged = `INSERT INTO seal_contents (digest, canonical) VALUES ($1, 'forged')`
		if _, err := conn.Exec(ctx, forged, strings.Repeat("0", 64)); err == nil {
			t.Error("a content whose bytes do not hash to its digest was kept")
		}
	})
	if _, err := db.Store.SealContent(testCtx(t), strings.Repeat("1", 64)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown digest: %v, want ErrNotFound", err)
	}
}

// TestVerifyLedger: the whole-ledger walk reports every case once, the tampered one broken.
func TestVerifyLedger(t *testing.T) {
	db := testkit.NewDB(t)
	a, b := sealedClaim(t, db), sealedClaim(t, db)
	tamper(t, db, `UPDATE seals SET actor_id = 'zhou.jie' WHERE case_id = '`+b.ID+`' AND seq = 4`)
	got := map[string]ledger.Report{}
	err := db.Store.VerifyLedger(testCtx(t), func(r ledger.Report) error {
		if _, twice := got[r.CaseID]; twice {
			t.Errorf("%s reported twice", r.CaseID)
		}
		got[r.CaseID] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !got[a.ID].OK || got[b.ID].OK || got[b.ID].BrokenSeq != 4 || got[b.ID].Problem != ledger.ProblemAltered {
		t.Errorf("reports = %+v", got)
	}
}
