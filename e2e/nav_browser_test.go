package e2e_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"signoff/testkit"
)

// TestBrowserNavigationGroupsByKeyboard works the top navigation with the keyboard only: the
// fourteen destinations sit in four named groups (报销, 采购, 生产管控, 管理) besides the inbox;
// Enter on a group's name opens it, opening another closes the first, Escape closes the open one
// and puts the focus back on its name, and Enter on a link follows it.
func TestBrowserNavigationGroupsByKeyboard(t *testing.T) {
	b := newBrowserApp(t, desktopW, desktopH)
	b.signIn("zhang.wei")

	var names []string
	b.step("read the groups", testkit.Into(&names, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(".mainnav .navgroup > summary")].map(s => s.textContent.trim())`)))
	if want := []string{"报销", "采购", "生产管控", "管理"}; !slices.Equal(names, want) {
		t.Fatalf("groups = %q, want %q", names, want)
	}
	if n := b.count(".mainnav .navgroup a:not([hidden])"); n < 10 {
		t.Errorf("%d links in the groups, want the destinations grouped", n)
	}
	if n := b.count(".navgroup[open]"); n != 0 {
		t.Errorf("%d groups open on a fresh page, want none", n)
	}

	b.step("open 报销 with Enter",
		chromedp.Focus(chromedp.CSS("#navg-expense > summary")),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#nav-new")),
	)
	b.step("open 生产管控 with Enter: 报销 closes",
		chromedp.Focus(chromedp.CSS("#navg-production > summary")),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#nav-problems")),
		waitClosed("#navg-expense"),
	)
	var focused string
	b.step("Escape closes it and returns to its name",
		chromedp.KeyEvent(kb.Escape),
		waitClosed("#navg-production"),
		testkit.Into(&focused, chromedp.Evaluate[string](`document.activeElement.parentElement.id`)),
	)
	if focused != "navg-production" {
		t.Errorf("focus after Escape is in %q, want the group's name", focused)
	}
	b.step("Enter on a link follows it",
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#nav-problems")),
		chromedp.Focus(chromedp.CSS("#nav-problems")),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#problem-filters")),
	)
	var path string
	b.step("read where it went", testkit.Into(&path, chromedp.Evaluate[string](`location.pathname`)))
	if path != "/problems" {
		t.Errorf("Enter on 问题 went to %q, want /problems", path)
	}
}

// waitClosed waits until a navigation group is closed (its <details> not open).
func waitClosed(group string) chromedp.Action[chromedp.Void] {
	return testkit.Discard(chromedp.Poll[bool](fmt.Sprintf(`!document.querySelector(%q).open`, group)))
}
