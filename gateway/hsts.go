package gateway

import "net/http"

// hstsValue is two years with subdomains: what browsers' preload lists ask of a site served only
// over TLS. It is sent only when gateway.public_url is https, so a laptop on plain HTTP never
// pins itself to TLS.
const hstsValue = "max-age=63072000; includeSubDomains"

// strictTransport adds Strict-Transport-Security to every answer when users reach the gateway over
// TLS: an https public URL (TLS ended by a proxy in front) or a request that itself came over TLS.
func strictTransport(https bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if https || r.TLS != nil {
				w.Header().Set("Strict-Transport-Security", hstsValue)
			}
			next.ServeHTTP(w, r)
		})
	}
}
