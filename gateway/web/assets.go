package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"signoff/gateway/door"
	"time"

	"github.com/go-chi/chi/v5"
)

// The templates and static assets, embedded in the binary: every page parsed once with the layout
// and the partials, every asset fingerprinted for caching.

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageNames are the page templates, one per file of templates/ besides the layout and the
// partials (partials*.html); each is parsed with those. TestEveryTemplateIsAPage keeps the list and the files
// in step.
var pageNames = []string{
	"login", "error", "inbox", "search", "case", "delegations", // everyone's
	"expense_form", "purchase_form", // filing
	"orders", "order", "suppliers", "supplier", "supplier_new", // purchasing
	"problem_form", "problem", "problems", "role_board", "meetings", "meeting", "representatives", // production
	"boards_center", "boards_models", "boards_execution", "kpi", "kpi_problems", // the boards
	"review_results", "audit", // audit
	"password", "password_reset", "people", // sign-in and people
}

// webUI holds the parsed templates and the fingerprinted static assets.
type webUI struct {
	pages  map[string]*template.Template
	assets map[string]asset // by file name
}

type asset struct {
	body    []byte
	hash    string // first 12 hex digits of its SHA-256: the cache-busting version
	ctype   string
	modTime time.Time
}

// loadWebUI parses every page with the layout and partials and reads the static assets.
func loadWebUI() (*webUI, error) {
	ui := &webUI{pages: map[string]*template.Template{}, assets: map[string]asset{}}
	for _, name := range pageNames {
		t, err := template.New(name).ParseFS(templateFS, "templates/layout.html",
			"templates/partials*.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web ui: template %s: %w", name, err)
		}
		ui.pages[name] = t
	}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
			".svg": "image/svg+xml"}[path.Ext(p)]
		if ctype == "" {
			ctype = http.DetectContentType(b)
		}
		ui.assets[path.Base(p)] = asset{body: b, hash: hex.EncodeToString(sum[:6]), ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web ui: assets: %w", err)
	}
	return ui, nil
}

// staticAsset serves an embedded asset; versioned URLs may be cached for a year.
func (s *server) staticAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := s.ui.assets[chi.URLParam(r, "name")]
	if !ok {
		s.errorPage(w, r, door.ErrNotFound)
		return
	}
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("ETag", `"`+a.hash+`"`)
	if r.URL.Query().Get("v") == a.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", a.modTime, bytes.NewReader(a.body))
}
