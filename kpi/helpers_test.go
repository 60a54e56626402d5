package kpi

import (
	"testing"
	"time"

	_ "time/tzdata" // the tests name zones; do not depend on the host's zoneinfo
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return l
}

// at parses a wall-clock time "2006-01-02 15:04:05" in loc.
func at(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation(time.DateTime, s, loc)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}
