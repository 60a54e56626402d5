package problem

// Assessed reports whether the problem counts in the problem-coordination completion rate:
// once published it does, whatever becomes of it; a rejected or merged problem never does. It
// counts in the period its due date (DueAt) falls in, for the departments and representatives
// of its assignments.
func (s *State) Assessed() bool { return !s.PublishedAt.IsZero() }

// ClosedOnTime reports whether the problem was verified closed no later than its due date, the
// one in force when it closed: the center may move it, with a reason, and every move is sealed
// and counted in DueChanges.
func (s *State) ClosedOnTime() bool {
	return s.Status == StatusClosed && !s.ClosedAt.After(s.DueAt)
}
