package shared

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/text"
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
		return fmt.Errorf("a client with ID %q already exists: %w\nChoose another --id, or change the client with '%s'", id, err, text.Command("hydra", "client", "update", id))
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
		return fmt.Errorf("a client with ID %q already exists: %w\nChoose another --id, or change the client with '%s'", id, err, text.Command("hydra", "client", "update", id))
	case "":
		return fmt.Errorf("a client with ID %q already exists: %w\nThe ID was chosen at random: run the command again", id, err)
	}
	return fmt.Errorf("a client with ID %q already exists: %w\nChange the client_id in %s, or change the existing client with '%s'", id, err, idFrom, text.Command("hydra", "client", "update", id))
}
