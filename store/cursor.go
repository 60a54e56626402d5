package store

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrBadCursor is returned for a cursor this package did not make, or made for a list in
// another order.
var ErrBadCursor = errors.New("bad cursor")

// Cursor formats, one per list order. <at> is a time in microseconds since the Unix epoch in
// base 36, <id> the case ID:
//
//	newest first    <at>.<id>               at = submitted_at (the format of the first release)
//	overdue first   o_<0|1>.<at>.<id>       the overdue flag, at = submitted_at
//	done            d_<at>.<id>             at = the user's latest decision (case_done.acted_at)
//	copied          c_<at>.<id>             at = the copy (case_copies.copied_at)
//
// "_" is not a base-36 digit, so the newest-first decoder refuses the tagged formats, and each
// tagged decoder wants its own tag: a cursor of one order never reads as another's.
const (
	tagNewest  = ""
	tagOverdue = "o"
	tagDone    = "d"
	tagCopied  = "c"
)

// cursor is a position in a list: the keyset values of the last item of a page.
type cursor struct {
	overdue bool // overdue-first lists only
	at      time.Time
	id      string
}

func encodeCursor(tag string, c cursor) string {
	pos := strconv.FormatInt(c.at.UnixMicro(), 36) + "." + c.id
	switch tag {
	case tagNewest:
		return pos
	case tagOverdue:
		if c.overdue {
			return tagOverdue + "_1." + pos
		}
		return tagOverdue + "_0." + pos
	}
	return tag + "_" + pos
}

func decodeCursor(tag, s string) (cursor, error) {
	var c cursor
	if tag != tagNewest {
		rest, ok := strings.CutPrefix(s, tag+"_")
		if !ok {
			return cursor{}, ErrBadCursor
		}
		s = rest
	}
	if tag == tagOverdue {
		flag, rest, _ := strings.Cut(s, ".")
		switch flag {
		case "1":
			c.overdue = true
		case "0":
		default:
			return cursor{}, ErrBadCursor
		}
		s = rest
	}
	ts, id, ok := strings.Cut(s, ".")
	if !ok || id == "" {
		return cursor{}, ErrBadCursor
	}
	us, err := strconv.ParseInt(ts, 36, 64)
	if err != nil {
		return cursor{}, ErrBadCursor
	}
	c.at, c.id = time.UnixMicro(us), id
	return c, nil
}
