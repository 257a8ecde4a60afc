package shared

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
)

// The suggested command quotes the ID, so that it runs as printed: before,
// an ID with a space was suggested as 'hydra client update my app'.
func TestClientErrorQuotesTheSuggestedCommand(t *testing.T) {
	err := ClientError("my app", &api.Error{StatusCode: http.StatusConflict, Code: "resource_conflict"})
	if want := `'hydra client update "my app"'`; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not suggest %s", err, want)
	}
}
