package testkit

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser tests drive Debian's Chromium headless through the DevTools protocol (chromedp). The
// test command installs Chromium when it is missing (scripts/ensure-chromium.sh); a machine
// without it fails the browser tests rather than skipping them, unless SIGNOFF_SKIP_BROWSER=1.

// chromiumPath finds the browser: $SIGNOFF_CHROMIUM, Debian's /usr/bin/chromium, or one on PATH.
func chromiumPath() string {
	if p := os.Getenv("SIGNOFF_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser starts a headless Chromium for one test, with a phone- or desktop-sized window, and
// returns the context chromedp actions run in. The browser is closed when the test ends.
func Browser(t testing.TB, width, height int) context.Context {
	t.Helper()
	if os.Getenv("SIGNOFF_SKIP_BROWSER") == "1" {
		t.Skip("SIGNOFF_SKIP_BROWSER=1")
	}
	path := chromiumPath()
	if path == "" {
		t.Fatal("no Chromium found: run `make test` (it installs Debian's chromium) or set SIGNOFF_CHROMIUM")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(width, height),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	// Start the browser now, so that a broken install fails here and not in the first step.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium %s: %v", path, err)
	}
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

// Step runs chromedp actions with a deadline, failing the test with what was being done.
func Step(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Into runs an action that reads something and stores it in dst, so that reads can sit in a
// Step among actions that return nothing.
func Into[T any](dst *T, a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		v, err := a(ctx, tg)
		if err == nil {
			*dst = v
		}
		return chromedp.Void{}, err
	}
}

// Discard runs an action for its effect and drops what it returns.
func Discard[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	var sink T
	return Into(&sink, a)
}

// Attr reads an attribute of the first element a selector finds ("" when it has none).
func Attr(sel chromedp.CSS, name string) chromedp.Action[string] {
	return func(ctx context.Context, tg *chromedp.Target) (string, error) {
		r, err := chromedp.AttributeValue(sel, name)(ctx, tg)
		return r.Value, err
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Screenshot saves the whole page as artifacts/screenshots/<test>/<name>.png at the top of the
// repository, where CI keeps it.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join(RepoRoot(t), "artifacts", "screenshots", unsafeName.ReplaceAllString(t.Name(), "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, unsafeName.ReplaceAllString(name, "_")+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// RepoRoot is the directory holding go.mod, found from the test's working directory up.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Nav follows a link of the top navigation as a person does: it opens the group holding the
// link (a <details> whose <summary> names the group; every group is closed when a page loads),
// waits for the link to show and clicks it. link is a CSS selector such as "#nav-problems".
func Nav(link string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Click(chromedp.CSS(".navgroup:has("+link+") > summary")),
		chromedp.WaitVisible(chromedp.CSS(link)),
		chromedp.Click(chromedp.CSS(link)),
	)
}
