package service

import (
	"fmt"
	"sync"
	"time"

	"signoff/policy"
)

// locations caches loaded time zones: time.LoadLocation reads the zone database each call.
var locations sync.Map

// LoadLocation loads a time zone by name, once.
func LoadLocation(name string) (*time.Location, error) {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, loc)
	return loc, nil
}

// Today is the day it is now in the policy calendar's timezone, as midnight UTC of that date
// (how days are stored).
func (s *Service) Today(doc *policy.Document) (time.Time, error) {
	loc, err := LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		return time.Time{}, Internal(fmt.Errorf("policy timezone: %w", err))
	}
	y, m, d := s.now().In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
}
