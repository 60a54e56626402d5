package web

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// TestEveryTemplateIsAPage: the page list names every template file but the layout and the
// partials (partials*.html), once, so that no page is forgotten and none is parsed twice.
func TestEveryTemplateIsAPage(t *testing.T) {
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if name := strings.TrimSuffix(e.Name(), ".html"); name != "layout" && !strings.HasPrefix(name, "partials") {
			files = append(files, name)
		}
	}
	listed := slices.Sorted(slices.Values(pageNames))
	if !slices.Equal(listed, files) {
		t.Errorf("pageNames %v, templates %v", listed, files)
	}
	if len(slices.Compact(slices.Clone(listed))) != len(listed) {
		t.Errorf("pageNames names a page twice: %v", listed)
	}
}
