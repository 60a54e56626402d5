package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
)

// The control center's boards as JSON: the big screen, the models board and the execution board
// (service/boards.go).

// Boards mounts the boards' JSON endpoints.
func (a *API) Boards(r chi.Router) {
	r.Get("/boards/center", a.BoardCenter)
	r.Get("/boards/models", a.getBoardModels)
	r.Get("/boards/execution", a.getBoardExecution)
}

// BoardCenter answers the center's board; the big screen re-reads it with its web session.
func (a *API) BoardCenter(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	b, err := a.svc.CenterBoard(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	door.WriteJSON(w, http.StatusOK, b)
}

func (a *API) getBoardModels(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	b, err := a.svc.ModelsBoard(ctx, r.URL.Query())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, b)
}

func (a *API) getBoardExecution(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	b, err := a.svc.ExecutionBoard(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, b)
}
