package config

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite REFERENCE.md from the key list")

// TestReference fails when REFERENCE.md no longer matches the key list.
// Regenerate with: go test ./config -run TestReference -update
func TestReference(t *testing.T) {
	const path = "REFERENCE.md"
	want := ReferenceMarkdown()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with: go test ./config -run TestReference -update)", err)
	}
	if string(got) != want {
		t.Errorf("%s is stale; regenerate it with: go test ./config -run TestReference -update", path)
	}
}
