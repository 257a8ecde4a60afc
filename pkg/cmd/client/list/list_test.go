package list

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/client/internal/clienttest"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func TestNewCmdList(t *testing.T) {
	tests := []struct {
		args    []string
		onePage bool
		size    int
		token   string
		wantErr string
	}{
		{args: nil},
		{args: []string{"--page-size", "100"}, onePage: true, size: 100},
		{args: []string{"--page-token", "abc"}, onePage: true, token: "abc"},
		{args: []string{"--page-size", "0"}, wantErr: "between 1 and 1000"},
		{args: []string{"--page-size", "1001"}, wantErr: "between 1 and 1000"},
		{args: []string{"-q", "--format", "json"}, wantErr: "cannot be used together"},
		{args: []string{"x"}, wantErr: "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := cmdtest.Options(NewCmdList, nil, tt.args...)
			if tt.wantErr != "" {
				cmdtest.WantUsageError(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.OnePage != tt.onePage || got.PageSize != tt.size || got.PageToken != tt.token {
				t.Errorf("options = %+v", got)
			}
		})
	}
}

func manyClients(n int) []map[string]any {
	var cs []map[string]any
	for i := range n {
		cs = append(cs, map[string]any{"client_id": fmt.Sprintf("c%03d", i), "client_name": fmt.Sprintf("name %d", i), "grant_types": []any{"client_credentials"}, "scope": "a b"})
	}
	return cs
}

func run(t *testing.T, srv *clienttest.Server, args ...string) (string, string, error) {
	t.Helper()
	f, _, out, errOut := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdList(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return listRun(ctx, o)
	}), args...)
	return out.String(), errOut.String(), err
}

func TestListRunWalksAllPages(t *testing.T) {
	srv := clienttest.New(t, manyClients(7)...)
	srv.DefaultPageSize = 3
	out, errOut, err := run(t, srv, "-q")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Fields(out); len(got) != 7 || got[0] != "c000" || got[6] != "c006" {
		t.Errorf("want all 7 IDs in order, got %q", out)
	}
	if errOut != "" {
		t.Errorf("stderr = %q", errOut)
	}
	gets := 0
	for _, r := range srv.Requests() {
		if r.Method == "GET" {
			gets++
		}
	}
	if gets != 3 {
		t.Errorf("%d requests for 7 clients in pages of 3, want 3", gets)
	}
}

func TestListRunJSONIsOneArray(t *testing.T) {
	srv := clienttest.New(t, manyClients(5)...)
	srv.DefaultPageSize = 2
	out, _, err := run(t, srv, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 5 {
		t.Fatalf("want one JSON array of 5 clients: %v\n%s", err, out)
	}
}

func TestListRunTable(t *testing.T) {
	srv := clienttest.New(t, manyClients(2)...)
	out, _, err := run(t, srv)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "CLIENT ID") || !strings.Contains(lines[0], "GRANT TYPES") {
		t.Fatalf("want a header and 2 rows:\n%s", out)
	}
	if !strings.Contains(lines[1], "c000") || !strings.Contains(lines[1], "name 0") || !strings.Contains(lines[1], "client_credentials") {
		t.Errorf("row lacks the client's fields: %q", lines[1])
	}
}

func TestListRunOnePage(t *testing.T) {
	srv := clienttest.New(t, manyClients(5)...)
	out, errOut, err := run(t, srv, "--page-size", "2", "-q")
	if err != nil {
		t.Fatal(err)
	}
	if out != "c000\nc001\n" {
		t.Errorf("stdout = %q", out)
	}
	if errOut != "next page: --page-token 2\n" {
		t.Errorf("stderr = %q, want the next page token", errOut)
	}
	out, errOut, err = run(t, srv, "--page-size", "2", "--page-token", "4", "-q")
	if err != nil {
		t.Fatal(err)
	}
	if out != "c004\n" || errOut != "" {
		t.Errorf("last page: stdout %q, stderr %q", out, errOut)
	}
}

func TestAllStopsOnRepeatedToken(t *testing.T) {
	// A server whose next page is always the same would loop forever.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `</admin/clients?page_token=same>; rel="next"`)
		io.WriteString(w, `[{"client_id":"a"}]`)
	}))
	defer srv.Close()
	f, _, _, _ := cmdtest.Factory(nil)
	o := &Options{IO: f.IOStreams, Factory: f}
	o.Admin.Conn = (&clienttest.Server{Server: srv}).Conn()
	client, err := o.Admin.Client(f)
	if err != nil {
		t.Fatal(err)
	}
	_, err = All(context.Background(), client)
	if err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("error = %v, want it to stop on the repeated token", err)
	}
}

func TestAllStopsOnTooMuchData(t *testing.T) {
	// A server that always has a next page, with a new token each time.
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", fmt.Sprintf(`</admin/clients?page_token=t%d>; rel="next"`, n.Add(1)))
		io.WriteString(w, `[{"client_id":"a","client_name":"`+strings.Repeat("x", 1000)+`"}]`)
	}))
	defer srv.Close()
	defer func(old int) { api.MaxListBytes = old }(api.MaxListBytes)
	api.MaxListBytes = 10 << 10
	f, _, _, _ := cmdtest.Factory(nil)
	o := &Options{IO: f.IOStreams, Factory: f}
	o.Admin.Conn = (&clienttest.Server{Server: srv}).Conn()
	client, err := o.Admin.Client(f)
	if err != nil {
		t.Fatal(err)
	}
	_, err = All(context.Background(), client)
	if err == nil || !strings.Contains(err.Error(), "--page-token") {
		t.Fatalf("error = %v, want it to stop", err)
	}
	if got := n.Load(); got > 12 {
		t.Errorf("%d requests for 10 KiB of 1 KiB pages", got)
	}
}

// A body that is not an array, as a wrong endpoint or a proxy may send,
// is named as such, without Go's type names.
func TestListRunNonArrayBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"items":[{"client_id":"a"}]}`)
	}))
	defer srv.Close()
	_, _, err := run(t, &clienttest.Server{Server: srv})
	if err == nil || !strings.Contains(err.Error(), "the body is a JSON object, not the array of clients") || strings.Contains(err.Error(), "json.RawMessage") {
		t.Fatalf("error = %v", err)
	}
}

// An empty list is an empty result, whatever the selector.
func TestListRunEmptyWithSelector(t *testing.T) {
	srv := clienttest.New(t)
	for _, f := range []string{"jsonpath=$[*].client_id", "jsonpath=$[0]", "jsonpointer=/0/client_id"} {
		out, errOut, err := run(t, srv, "--format", f)
		if err != nil || out != "" || errOut != "" {
			t.Errorf("%s: stdout %q, stderr %q, error %v", f, out, errOut, err)
		}
	}
}

func runStyled(t *testing.T, srv *clienttest.Server, style printer.Style, args ...string) (string, error) {
	t.Helper()
	f, _, out, _ := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdListStyled(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		return listRun(ctx, o)
	}, style), args...)
	return out.String(), err
}

// TestListV1Page: Hydra v1's --limit and --page select one page, in Hydra
// v1's table; a server that pages by token is walked to it, and past the
// last page the table is empty.
func TestListV1Page(t *testing.T) {
	srv := clienttest.New(t, manyClients(5)...)
	v1 := printer.Style{HydraV1: true}
	header := "| CLIENT ID |  NAME  | RESPONSE TYPES | SCOPE | REDIRECT URIS |    GRANT TYPES     | TOKEN ENDPOINT AUTH METHOD |\n" +
		"|-----------|--------|----------------|-------|---------------|--------------------|----------------------------|\n"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--limit", "2", "--page", "2"}, header +
			"| c002      | name 2 |                | a b   |               | client_credentials |                            |\n" +
			"| c003      | name 3 |                | a b   |               | client_credentials |                            |\n"},
		{[]string{"--limit", "2", "--page", "3"}, header +
			"| c004      | name 4 |                | a b   |               | client_credentials |                            |\n"},
		{[]string{"--limit", "2", "--page", "9"}, "| CLIENT ID | NAME | RESPONSE TYPES | SCOPE | REDIRECT URIS | GRANT TYPES | TOKEN ENDPOINT AUTH METHOD |\n" +
			"|-----------|------|----------------|-------|---------------|-------------|----------------------------|\n"},
		{[]string{"--limit", "1", "-q"}, "c000\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, err := runStyled(t, srv, v1, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if out != tc.want {
				t.Errorf("got\n%s\nwant\n%s", out, tc.want)
			}
		})
	}
	for _, args := range [][]string{{"--limit", "0"}, {"--page", "0"}, {"--limit", "2", "--page-size", "3"}} {
		_, err := runStyled(t, srv, v1, args...)
		cmdtest.WantUsageError(t, err, "")
	}
}

// TestListHydraV2OnePage: Hydra v2's spelling fetches one page of 100, as
// its CLI does, and names the next page.
func TestListHydraV2OnePage(t *testing.T) {
	srv := clienttest.New(t, manyClients(101)...)
	out, err := runStyled(t, srv, printer.Style{Envelope: true}, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Items []json.RawMessage `json:"items"`
		Next  string            `json:"next_page_token"`
	}
	if err := json.Unmarshal([]byte(out), &page); err != nil || len(page.Items) != 100 || page.Next == "" {
		t.Errorf("want a page of 100 with a next token, got %d items, next %q (%v)", len(page.Items), page.Next, err)
	}
}
