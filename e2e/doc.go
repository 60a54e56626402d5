// Package e2e holds the end-to-end tests: the gateway served over real HTTP, a real Temporal
// dev server, real workers and a real PostgreSQL database, driven as several demo users.
package e2e
