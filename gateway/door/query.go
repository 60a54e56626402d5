package door

import (
	"net/url"

	"signoff/service"
)

// CaseQuery reads a case list's query parameters as typed; the service checks them.
func CaseQuery(q url.Values) service.CaseQuery {
	return service.CaseQuery{Scope: q.Get("scope"), Status: q.Get("status"), Kind: q.Get("kind"),
		Department: q.Get("department"), Overdue: q.Get("overdue"), From: q.Get("from"), To: q.Get("to"),
		Limit: q.Get("limit"), Cursor: q.Get("cursor")}
}
