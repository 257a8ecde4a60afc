package shared

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hydratoken/hydra/pkg/api"
)

// ClientError rewords the admin API's answers about one client: a missing
// client or a taken ID is named, with what to do. Other errors pass through.
func ClientError(id string, err error) error {
	var apiErr *api.Error
	if !errors.As(err, &apiErr) {
		return err
	}
	// A 404 without a JSON error body is a wrong endpoint, not a missing
	// client: api.Error already says so.
	fromHydra := apiErr.Code != "" || apiErr.Description != ""
	switch {
	case apiErr.StatusCode == http.StatusNotFound && fromHydra:
		return fmt.Errorf("no client with ID %q: %w\nList the clients with 'hydra client list'", id, err)
	case apiErr.StatusCode == http.StatusConflict && id != "":
		return fmt.Errorf("a client with ID %q already exists: %w\nChoose another --id, or change the client with 'hydra client update %s'", id, err, id)
	case apiErr.StatusCode == http.StatusConflict:
		return fmt.Errorf("the client already exists: %w", err)
	case apiErr.Code == "invalid_redirect_uri" && apiErr.Advice == "":
		apiErr.Advice = "Redirect URIs must be absolute URLs, such as https://app.example/callback, without a fragment (#)."
	}
	return err
}

// CreateError is ClientError for a client being created, whose ID may come
// from --id, from a file, or from this tool. A taken ID gets the advice that
// fits: idFrom is "--id", or the place in a file whose client_id it was,
// such as "clients.json[2]", or "" when this tool chose the ID.
func CreateError(id, idFrom string, err error) error {
	var apiErr *api.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict || id == "" {
		return ClientError(id, err)
	}
	switch idFrom {
	case "--id":
		return fmt.Errorf("a client with ID %q already exists: %w\nChoose another --id, or change the client with 'hydra client update %s'", id, err, id)
	case "":
		return fmt.Errorf("a client with ID %q already exists: %w\nThe ID was chosen at random: run the command again", id, err)
	}
	return fmt.Errorf("a client with ID %q already exists: %w\nChange the client_id in %s, or change the existing client with 'hydra client update %s'", id, err, idFrom, id)
}

// ServerFailed reports whether err says that the server failed, rather than
// that one client was refused: nothing answered, a redirect, 401 or 403, a
// 5xx, an answer that was not Hydra's JSON error, or a success whose body
// could not be used. A batch stops at such an error instead of repeating it
// for every client that follows.
func ServerFailed(err error) bool {
	var ce *api.ConnError
	if errors.As(err, &ce) {
		return true
	}
	var ae *api.Error
	if !errors.As(err, &ae) {
		return false
	}
	switch {
	case ae.StatusCode >= 500, ae.StatusCode/100 == 3, ae.StatusCode/100 == 2,
		ae.StatusCode == http.StatusUnauthorized, ae.StatusCode == http.StatusForbidden:
		return true
	}
	return ae.Code == "" && ae.Description == ""
}

// Batch decides when a command that sends one request per client stops
// after a failure: at the first one that says the server failed
// (ServerFailed), or when the server refused three clients in a row alike,
// which says that it refuses them all. A 404 or 409 from Hydra is about the
// one client (missing, or taken), however often it comes. Either way, the next requests would
// fail the same, and a message per client would flood the terminal.
type Batch struct {
	last    string
	repeats int
}

// Stop records a failure and reports whether the batch should stop.
func (b *Batch) Stop(err error) bool {
	if ServerFailed(err) {
		return true
	}
	key := err.Error()
	var ae *api.Error
	if errors.As(err, &ae) {
		if ae.StatusCode == http.StatusNotFound || ae.StatusCode == http.StatusConflict {
			return false
		}
		// Alike: the same answer, whatever the client's URL.
		key = fmt.Sprint(ae.StatusCode, ae.Code, ae.Description, ae.Hint)
	}
	if key == b.last {
		b.repeats++
	} else {
		b.last, b.repeats = key, 1
	}
	return b.repeats >= 3
}
