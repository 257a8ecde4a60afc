package shared

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
)

func TestDropped(t *testing.T) {
	sent := Doc{}
	for k, v := range map[string]any{
		"client_id": "c", "client_secret": "s", "client_name": "n", "skip_consent": true,
		"skip_logout_consent": true, "access_token_strategy": "jwt", "scope": "a b",
		"metadata": map[string]any{}, "audience": []string{}, "grant_type": "typo", "owner": "",
	} {
		sent.Set(k, v)
	}
	// Hydra v2.1: skip_logout_consent unknown; scope normalised.
	got, err := api.ParseClient([]byte(`{"client_id":"c","client_name":"n","skip_consent":true,"access_token_strategy":"jwt","scope":"b a","metadata":null,"audience":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if d := Dropped(sent, got); !reflect.DeepEqual(d, []string{"skip_logout_consent"}) {
		t.Errorf("v2.1: Dropped = %v", d)
	}
	// Hydra v2.0 answers skip_consent as false, and no strategy.
	got, _ = api.ParseClient([]byte(`{"client_id":"c","client_name":"n","skip_consent":false,"scope":"a b"}`))
	if d := Dropped(sent, got); !reflect.DeepEqual(d, []string{"access_token_strategy", "skip_consent", "skip_logout_consent"}) {
		t.Errorf("v2.0: Dropped = %v", d)
	}
}

func TestWarnDropped(t *testing.T) {
	sent := Doc{}
	sent.Set("skip_logout_consent", true)
	got, _ := api.ParseClient([]byte(`{"client_id":"c1"}`))
	var w bytes.Buffer
	WarnDropped(context.Background(), &w, &api.Client{Generation: api.V2}, sent, got, "created")
	if !strings.Contains(w.String(), "client c1 was created without skip_logout_consent: Hydra v2 does not support") {
		t.Errorf("warning: %q", w.String())
	}
	w.Reset()
	sent.Set("skip_logout_consent", false)
	WarnDropped(context.Background(), &w, nil, sent, got, "created")
	if w.Len() != 0 {
		t.Errorf("a field sent as false is not dropped: %q", w.String())
	}
}

func TestRefusesClientID(t *testing.T) {
	e := &api.Error{StatusCode: 400, Code: "invalid_request", Description: "It is no longer possible to set an OAuth2 Client ID as a user. The system will generate a unique ID for you."}
	if !RefusesClientID(e) || RefusesClientID(nil) || RefusesClientID(json.Unmarshal([]byte("x"), new(int))) {
		t.Error("RefusesClientID")
	}
}

// Hydra v25.4 added the device authorization grant's lifespans: they are
// no unknown fields, and Hydra v2.3.0, which drops them, is named for it.
func TestDeviceLifespans(t *testing.T) {
	sent := Doc{}
	for _, k := range []string{"device_authorization_grant_access_token_lifespan", "device_authorization_grant_id_token_lifespan", "device_authorization_grant_refresh_token_lifespan"} {
		sent.Set(k, "1h0m0s")
	}
	sent.Set("client_name", "n")
	if w := Warnings(sent); len(w) != 0 {
		t.Errorf("Warnings = %q, want none: Hydra v25.4 and later store these fields", w)
	}
	got, _ := api.ParseClient([]byte(`{"client_id":"c1","client_name":"n","device_authorization_grant_access_token_lifespan":null}`))
	var w bytes.Buffer
	WarnDropped(context.Background(), &w, &api.Client{Generation: api.V2}, sent, got, "created")
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "client c1 was created without device_authorization_grant_access_token_lifespan: Hydra v2 does not support the field and dropped it; Hydra v25.4 and later store it") {
		t.Errorf("warnings: %q", w.String())
	}
	w.Reset()
	got, _ = api.ParseClient([]byte(`{"client_id":"c1","client_name":"n","device_authorization_grant_access_token_lifespan":"1h0m0s","device_authorization_grant_id_token_lifespan":"1h0m0s","device_authorization_grant_refresh_token_lifespan":"1h0m0s"}`))
	WarnDropped(context.Background(), &w, &api.Client{Generation: api.V2}, sent, got, "created")
	if w.Len() != 0 {
		t.Errorf("stored fields are not dropped: %q", w.String())
	}
}
