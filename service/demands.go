package service

// Which fields a form must not leave blank is its check's to say, never a page's. Demands asks
// the check itself: the check runs on a well-formed example with one field left blank at a time,
// and the field is demanded when the check then finds a problem with it. A page marks a field
// required from its form's Demands, so the mark and the refusal cannot disagree.

// Demands are the fields a form's check reads, by the paths its problems name ("note_no",
// "lines[0].unit_price" for a field of every line), each true when the check demands it.
type Demands map[string]bool

// Required reports whether the check demands the field.
func (d Demands) Required(field string) bool { return d[field] }

// Line reports whether the check demands the field of each line ("unit_price").
func (d Demands) Line(field string) bool { return d["lines[0]."+field] }

// demandsOf asks a check about each of fields: without(field) runs the check on the example
// with that field blank and returns its problems.
func demandsOf(fields []string, without func(field string) FieldErrors) Demands {
	d := make(Demands, len(fields))
	for _, f := range fields {
		_, demanded := without(f)[f]
		d[f] = demanded
	}
	return d
}
