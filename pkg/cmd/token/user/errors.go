package user

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// authorizationError is an error callback: the authorization server, or the
// person, refused.
type authorizationError struct {
	params   url.Values
	redirect string
}

func (e *authorizationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "authorization failed: %s", e.params.Get("error"))
	if d := e.params.Get("error_description"); d != "" {
		fmt.Fprintf(&b, ": %s", d)
	}
	if h := e.params.Get("error_hint"); h != "" && !strings.Contains(e.params.Get("error_description"), h) {
		fmt.Fprintf(&b, "\nhint: %s", h)
	}
	switch e.params.Get("error") {
	case "access_denied":
		b.WriteString("\nThe person or the consent app refused the request; run the command again to retry.")
	case "invalid_scope":
		b.WriteString("\nThe client may not request these scopes: check --scope against the client's scope.")
	case "unauthorized_client":
		b.WriteString("\nThe client may not use this flow: it needs grant type authorization_code and response type code.")
	case "login_required", "consent_required", "interaction_required":
		b.WriteString("\n--prompt none needs an existing session; run without it.")
	case "invalid_request":
		if strings.Contains(e.params.Get("error_description"), "redirect") {
			fmt.Fprintf(&b, "\nThe client does not allow the redirect URL %s: add it to the client's redirect_uris, or pass the one it allows with --redirect (and --port).", e.redirect)
		}
	}
	return b.String()
}

// timeoutOr turns the end of the flow's deadline into a message that says
// what was waited for.
func timeoutOr(ctx context.Context, o *Options, err error) error {
	if errors.Is(err, context.Canceled) {
		return context.Canceled
	}
	if ctx.Err() == context.DeadlineExceeded {
		if o.Headless {
			return fmt.Errorf("timed out after %s waiting for the headless flow\nTo wait longer, raise --timeout %s", o.Timeout, o.Timeout)
		}
		return fmt.Errorf("timed out after %s waiting for the authorization callback on %s\nIf the browser shows an error page, check that the client allows the redirect URL %s; to wait longer, raise --timeout %s", o.Timeout, o.redirect, o.redirect, o.Timeout)
	}
	return err
}

// maxReasonLen bounds an error quoted inside a sentence, on the callback
// page or in the note that no browser could be opened.
const maxReasonLen = 200
