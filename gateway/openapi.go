package gateway

import (
	_ "embed"
	"net/http"
)

// OpenAPI is the API's description (openapi.yaml, OpenAPI 3.0), served at /api/v1/openapi.yaml.
// Tests check real requests and responses against it.
//
//go:embed openapi.yaml
var OpenAPI []byte

func (s *server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(OpenAPI)
}
