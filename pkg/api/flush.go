package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// FlushPath is Hydra v1's admin endpoint that removes inactive access and
// refresh tokens. Hydra v2 removed it: there, 'hydra janitor' flushes
// tokens on the server.
const FlushPath = "/oauth2/flush"

// flushFeature names the feature in a *GenerationError.
const flushFeature = "Flushing tokens through the admin API (Hydra v1's POST /oauth2/flush)"

// FlushInactiveTokens asks a Hydra v1 admin API to remove the access and
// refresh tokens that expired before notAfter. Against Hydra v2, given or
// detected, it returns a *GenerationError. It is not retried: it is a
// write, and Hydra answers it only when done.
func (c *Client) FlushInactiveTokens(ctx context.Context, notAfter time.Time) error {
	if c.Generation == V2 {
		return c.RequireGeneration(ctx, V1, flushFeature)
	}
	body, err := json.Marshal(map[string]string{"notAfter": notAfter.UTC().Format(time.RFC3339)})
	if err != nil {
		return err
	}
	_, err = c.Do(ctx, Request{Method: http.MethodPost, Path: FlushPath, JSON: body, Answer: AnswerEmpty})
	var e *Error
	if errors.As(err, &e) && e.StatusCode == http.StatusNotFound && c.Generation == GenerationUnknown {
		// Hydra v2 has no route for it: say so, rather than a bare 404.
		if gerr := c.RequireGeneration(ctx, V1, flushFeature); gerr != nil {
			return gerr
		}
	}
	return err
}
