package printer

import (
	"bytes"
	"strings"
	"testing"
)

// TestWriteV1Table checks the layout against what olekukonko/tablewriter
// v0.0.1, configured as Hydra v1.11.10's CLI configures it, printed for the
// same cells: centred headers, cells wrapped at 30 columns on spaces (a
// cell's lines flowed together first), a longer word kept whole, numbers
// aligned right.
func TestWriteV1Table(t *testing.T) {
	td := TableData{
		Headers: []string{"CLIENT ID", "NAME", "RESPONSE TYPES", "SCOPE", "REDIRECT URIS", "GRANT TYPES", "TOKEN ENDPOINT AUTH METHOD"},
		Rows: [][]string{
			{"a", "A rather long client name that wraps around", "code,id_token,token", "openid offline_access offline photos.read photos.write", "http://127.0.0.1:5555/callback\nhttp://localhost/cb", "authorization_code,refresh_token", "client_secret_basic"},
			{"12,345", "1.5", "", "x  y", "averyveryveryveryveryveryverylongwordthatexceedsthirty", "", "none"},
			{"-7", "", "", "", "", "", ""},
		},
	}
	want := strings.Join([]string{
		"| CLIENT ID |              NAME              |   RESPONSE TYPES    |             SCOPE              |                     REDIRECT URIS                      |           GRANT TYPES            | TOKEN ENDPOINT AUTH METHOD |",
		"|-----------|--------------------------------|---------------------|--------------------------------|--------------------------------------------------------|----------------------------------|----------------------------|",
		"| a         | A rather long client name that | code,id_token,token | openid offline_access offline  | http://127.0.0.1:5555/callback                         | authorization_code,refresh_token | client_secret_basic        |",
		"|           | wraps around                   |                     | photos.read photos.write       | http://localhost/cb                                    |                                  |                            |",
		"|    12,345 |                            1.5 |                     | x  y                           | averyveryveryveryveryveryverylongwordthatexceedsthirty |                                  | none                       |",
		"|        -7 |                                |                     |                                |                                                        |                                  |                            |",
		"",
	}, "\n")
	var b bytes.Buffer
	if err := WriteV1Table(&b, td); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestWriteV1TableNoRows is the header and its rule alone, as Hydra v1
// prints an empty list.
func TestWriteV1TableNoRows(t *testing.T) {
	var b bytes.Buffer
	if err := WriteV1Table(&b, TableData{Headers: []string{"CLIENT ID", "NAME"}}); err != nil {
		t.Fatal(err)
	}
	if want := "| CLIENT ID | NAME |\n|-----------|------|\n"; b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestV1Decimal(t *testing.T) {
	for s, want := range map[string]bool{
		"1": true, "-7": true, "12,345": true, "1,234,567.89": true, "1.5": true, "0012": true,
		"": false, "-": false, "1.": false, ".5": false, "12,34": false, "1,2345": false, "1234,567": false, "a1": false, "1e5": false,
	} {
		if got := v1Decimal(s); got != want {
			t.Errorf("v1Decimal(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestWriteV1JSON checks the shape of Hydra v1's SDK models: the model's
// members in its order, whatever the server's; empty ones dropped (an
// empty object kept, as a non-nil interface{}); times to the millisecond;
// members the model lacks lost; HTML characters escaped as encoding/json
// does; a tab per level.
func TestWriteV1JSON(t *testing.T) {
	for _, tc := range []struct {
		name  string
		model V1Model
		raw   string
		want  string
	}{
		{
			name:  "client",
			model: V1Client,
			raw: `{"updated_at":"2026-12-07T04:55:09.270123Z","client_id":"parity-cc","client_name":"Get <Me>","redirect_uris":[],` +
				`"grant_types":["client_credentials"],"scope":"read write","owner":"","client_secret_expires_at":0,"jwks":{},` +
				`"metadata":{"z":1,"a":[1.5,null]},"created_at":"2026-12-07T04:55:09Z","skip_consent":false,` +
				`"backchannel_logout_session_required":false,"authorization_code_grant_access_token_lifespan":null,"userinfo_signed_response_alg":"none"}`,
			want: "{\n\t\"client_id\": \"parity-cc\",\n\t\"client_name\": \"Get \\u003cMe\\u003e\",\n\t\"created_at\": \"2026-12-07T04:55:09.000Z\",\n" +
				"\t\"grant_types\": [\n\t\t\"client_credentials\"\n\t],\n\t\"jwks\": {},\n\t\"metadata\": {\n\t\t\"a\": [\n\t\t\t1.5,\n\t\t\tnull\n\t\t],\n\t\t\"z\": 1\n\t},\n" +
				"\t\"scope\": \"read write\",\n\t\"updated_at\": \"2026-12-07T04:55:09.270Z\",\n\t\"userinfo_signed_response_alg\": \"none\"\n}\n",
		},
		{
			name:  "client without times",
			model: V1Client,
			raw:   `{"client_id":"x","client_secret_expires_at":5,"backchannel_logout_session_required":true,"created_at":"2026-12-07T05:55:09.5+01:00"}`,
			want: "{\n\t\"backchannel_logout_session_required\": true,\n\t\"client_id\": \"x\",\n\t\"client_secret_expires_at\": 5,\n" +
				"\t\"created_at\": \"2026-12-07T05:55:09.500+01:00\",\n\t\"updated_at\": \"0001-01-01T00:00:00.000Z\"\n}\n",
		},
		{
			name:  "active token",
			model: V1Introspection,
			raw:   `{"active":true,"scope":"read","client_id":"c","sub":"c","exp":1796622702,"iat":1796619102,"nbf":1796619102,"aud":[],"iss":"http://h/","token_type":"Bearer","token_use":"access_token","ext":{}}`,
			want: "{\n\t\"active\": true,\n\t\"aud\": [],\n\t\"client_id\": \"c\",\n\t\"exp\": 1796622702,\n\t\"ext\": {},\n\t\"iat\": 1796619102,\n" +
				"\t\"iss\": \"http://h/\",\n\t\"nbf\": 1796619102,\n\t\"scope\": \"read\",\n\t\"sub\": \"c\",\n\t\"token_type\": \"Bearer\",\n\t\"token_use\": \"access_token\"\n}\n",
		},
		{
			name:  "inactive token",
			model: V1Introspection,
			raw:   `{"active":false}`,
			want:  "{\n\t\"active\": false,\n\t\"aud\": null\n}\n",
		},
		{
			name:  "a member of another type is printed as sent",
			model: V1Introspection,
			raw:   `{"active":"yes","exp":1.5}`,
			want:  "{\n\t\"active\": \"yes\",\n\t\"aud\": null,\n\t\"exp\": 1.5\n}\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteV1JSON(&b, []byte(tc.raw), tc.model); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tc.want)
			}
		})
	}
	if err := WriteV1JSON(&bytes.Buffer{}, []byte(`[1]`), V1Client); err == nil {
		t.Error("an array printed as a client")
	}
}
