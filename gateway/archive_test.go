package gateway

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"signoff/archive"
	"signoff/gateway/door"
)

// TestAuditorDownloadsTheArchiveOfAClosedCase: the workflow keeps the package when the claim is
// paid; the internal auditor (audit.verify, who need not see the case, as for verify) downloads
// it over the API and a reviewer (audit.verify, sees every case) from the case page's link; both
// get the stored bytes, which verify, and each download leaves an audit entry naming the case. An
// employee without the capability is refused and sees no link; an open case has no package yet.
func TestAuditorDownloadsTheArchiveOfAClosedCase(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.submit("zhang.wei", claimBody("66.00"))
	id := c.str("id")
	path := "/api/v1/cases/" + id + "/archive"
	h.must(get(h, "tang.ning", path), http.StatusNotFound, "not_archived")
	for _, u := range []string{"li.na", "sun.min", "wang.fang"} {
		c = h.must(h.act(u, id, "approve", map[string]any{"revision": c.num("revision")}), http.StatusOK, "")
	}
	h.must(h.act("wu.xia", id, "pay", map[string]any{"revision": c.num("revision"), "reference": "BANK-Z-1",
		"paid_at": time.Now().UTC().Format(time.RFC3339)}), http.StatusOK, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The workflow ends once it has archived the case.
	if err := h.stack.Client.GetWorkflow(ctx, id, "").Get(ctx, nil); err != nil {
		t.Fatalf("workflow of %s: %v", id, err)
	}
	kept, err := h.stack.Store.CaseArchive(ctx, id)
	if err != nil {
		t.Fatalf("the paid claim was not archived: %v", err)
	}

	r := h.must(get(h, "tang.ning", path), http.StatusOK, "")
	if ct := r.Header.Get("Content-Type"); ct != "application/zip" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, id+"-archive.zip") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	checkFileHeaders(t, "archive", r.Header, door.Attachment)
	if !bytes.Equal(r.Raw, kept.Package) {
		t.Fatalf("downloaded %d bytes, not the %d kept", len(r.Raw), len(kept.Package))
	}
	if m, err := archive.Verify(r.Raw); err != nil || m.CaseID != id {
		t.Fatalf("the download does not verify as %s's package: %+v, %v", id, m.CaseID, err)
	}

	// The case page links the package for those holding audit.verify; the link downloads the
	// same bytes.
	auditor := h.browser()
	auditor.signIn("sun.min")
	link := byID(auditor.get("/cases/"+id).Doc, "archive-link")
	if link == nil {
		t.Fatal("the auditor's case page has no archive link")
	}
	href, _ := attr(link, "href")
	if p := auditor.get(href); p.Status != http.StatusOK || p.Body != string(kept.Package) {
		t.Fatalf("the page's link %s answered %d with %d bytes", href, p.Status, len(p.Body))
	}
	employee := h.browser()
	employee.signIn("zhang.wei")
	if page := employee.get("/cases/" + id); page.Status != http.StatusOK || byID(page.Doc, "archive-link") != nil {
		t.Errorf("the submitter's case page (%d) links the archive", page.Status)
	}
	if p := employee.get("/cases/" + id + "/archive"); p.Status != http.StatusForbidden {
		t.Errorf("the submitter's download from the page answered %d, want 403", p.Status)
	}

	// Each download is in the audit log, under its door, naming the case.
	for who, want := range map[string]string{"tang.ning": "GET /api/v1/cases/{id}/archive", "sun.min": "GET /cases/{id}/archive"} {
		downloads := h.auditEntries("download", who)
		if len(downloads) != 1 || downloads[0]["route"] != want {
			t.Errorf("%s's downloads: %v, want one of %s", who, downloads, want)
			continue
		}
		if d, _ := downloads[0]["details"].(map[string]any); d["id"] != id {
			t.Errorf("%s's download does not name the case: %v", who, downloads[0])
		}
	}

	// Without audit.verify: refused before the handler, and nothing recorded as a download.
	h.must(get(h, "zhang.wei", path), http.StatusForbidden, "capability_required")
	if d := h.auditEntries("download", "zhang.wei"); len(d) != 0 {
		t.Errorf("a refused download was recorded as one: %v", d)
	}
	h.must(get(h, "tang.ning", "/api/v1/cases/EXP-1999-000001/archive"), http.StatusNotFound, "not_found")
}
