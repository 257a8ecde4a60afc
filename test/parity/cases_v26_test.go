package parity

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/test/hydratest"
)

// Hydra v26.2.0 is the third reference (issue 25, and issue 24's "where a
// newer Hydra changed its CLI's output, follow the newest"). Every case of
// Hydra v2.3.0's spelling, in whichever area's file, also runs against
// v26.2.0's CLI and server (v26Twin), and so do the commands that v26 added
// (perform device-code). Where v26's CLI prints otherwise than v2.3.0's,
// this tool prints v26's, and the v2.3.0 case is a documented intentional
// difference (followsV26).

func init() {
	caseSets = append(caseSets, caseSet{name: "v26.2.0", cases: v26Cases, known: v26CasesKnown, knownFrom: v26KnownTwins})
	// What v2.3.0's spelling has on purpose, or has no case for yet, is
	// the same under v26.2.0: the same command of this tool answers both.
	for name, reason := range maps.Clone(intentional) {
		if twin, ok := v26TwinName(name); ok {
			intentional[twin] = reason
		}
	}
	for name := range maps.Clone(uncovered) {
		if twin, ok := v26TwinName(name); ok {
			uncovered[twin] = true
		}
	}
	for name, reason := range followsV26 {
		intentional[name] = reason
	}
	for name, reason := range v26Intentional {
		intentional[name] = reason
	}
}

// v26Name is the version of v26's cases in their names.
const v26Name = hydratest.HydraV26 + " "

// v26TwinName returns the name of the v26.2.0 twin of a Hydra v2.3.0 case
// or command.
func v26TwinName(name string) (string, bool) {
	v2 := hydratest.HydraVersion + " "
	if rest, ok := strings.CutPrefix(name, v2); ok {
		return v26Name + rest, true
	}
	// A case with environment variables names them first (pcase.name).
	if i := strings.Index(name, " "+v2); i > 0 && strings.Contains(name[:i], "=") {
		return name[:i+1] + v26Name + name[i+1+len(v2):], true
	}
	return "", false
}

// v26Twin is a Hydra v2.3.0 case run against Hydra v26.2.0's CLI and server.
func v26Twin(c pcase) pcase {
	c.version = hydratest.HydraV26
	c.args = slices.Clone(c.args)
	return c
}

// v26Cases are the twins of every other area's v2.3.0 cases, and the
// commands that v26 added.
func v26Cases() []pcase {
	var cs []pcase
	for _, set := range caseSets {
		if set.name == hydratest.HydraV26 {
			continue
		}
		for _, c := range set.cases() {
			if c.version == hydratest.HydraVersion {
				cs = append(cs, v26Twin(c))
			}
		}
	}
	// perform device-code (Hydra v25.4 and later), played through by the
	// test as a person who signs in through the verification app.
	device := func(args ...string) pcase { return pcase{version: hydratest.HydraV26, args: args, signIn: true} }
	cs = append(cs, formats(device, []string{"perform", "device-code", "-e", "{public}", "--client-id", deviceClientID}, "-q", "jsonpath=access_token", "jsonpointer=/token_type", "jsonpath=id_token")...)
	// A confidential client, with the method that Hydra's help asks for
	// (client_secret_post).
	cs = append(cs, device("perform", "device-code", "-e", "{public}", "--client-id", devicePostClientID, "--client-secret", devicePostSecret))
	return cs
}

// v26Intentional are the intentional differences of the v26.2.0 cases
// that have no v2.3.0 twin, each with the sentence of
// docs/v1-v2-command-map.md that says why.
var v26Intentional = map[string]string{
	v26Name + "perform device-code -e {public} --client-id " + deviceClientID + " --format jsonpath=id_token": "drops the ID token that it printed in its table",
}

// deviceClientID is the public client of the device flow's cases, which
// startServer makes on a Hydra with the grant.
const deviceClientID = "parity-device"

// deviceClient is that client: public (token_endpoint_auth_method none),
// as Hydra v26's perform device-code expects, with the scopes of its
// default --scope, offline and openid.
var deviceClient = map[string]any{
	"client_id":                  deviceClientID,
	"grant_types":                []string{"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"},
	"scope":                      "openid offline",
	"token_endpoint_auth_method": "none",
}

// devicePostClientID and devicePostSecret are the confidential client of
// the device flow's cases, which authenticates with client_secret_post.
const (
	devicePostClientID = "parity-device-post"
	devicePostSecret   = "parity-device-secret-1"
)

// devicePostClient is that client.
var devicePostClient = map[string]any{
	"client_id":                  devicePostClientID,
	"client_secret":              devicePostSecret,
	"grant_types":                []string{"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"},
	"scope":                      "openid offline",
	"token_endpoint_auth_method": "client_secret_post",
}

// deviceConfig is the configuration of a Hydra with the device grant: it
// tells devices to poll every second rather than every 5, so that the
// flow of each case is over soon after the person has signed in.
// hydratest sets urls.device.verification and urls.device.success.
const deviceConfig = "oauth2:\n  device_authorization:\n    token_polling_interval: 1s\n"

// v26KnownTwins are the twins of the v2.3.0 cases that other areas list
// as known differences: v26's CLI prints those commands as v2.3.0's does
// (its cmd/ output code is v2.3.0's), so its twin differs alike, and it
// leaves the list when the v2.3.0 case does.
func v26KnownTwins() []string {
	var names []string
	for _, set := range caseSets {
		if set.name == hydratest.HydraV26 {
			continue
		}
		for _, n := range set.known {
			if twin, ok := v26TwinName(n); ok && !slices.Contains(v26TwinsThatMatch, twin) {
				names = append(names, twin)
			}
		}
	}
	return names
}

// v26TwinsThatMatch are twins of known v2.3.0 differences that match
// v26.2.0's CLI already.
var v26TwinsThatMatch = []string{}

// v26CasesKnown are the v26.2.0 cases whose output does not match Hydra
// v26.2.0's CLI yet, besides v26KnownTwins; see knownDifferences.
var v26CasesKnown = []string{}

// followsV26 are the v2.3.0 cases where Hydra v26.2.0's CLI prints
// otherwise than v2.3.0's: this tool follows v26, the newest (issue 24).
// Each names the sentence of docs/v1-v2-command-map.md that says what
// changed.
var followsV26 = map[string]string{}

// goPointer is a line that prints a Go pointer.
var goPointer = regexp.MustCompile(`(?m)^0x[0-9a-f]+$`)

// TestHydraV26PrintsAsV2 runs each v2.3.0 case with Hydra v2.3.0's CLI
// and with v26.2.0's, one after the other against the same Hydra v26.2.0,
// and compares the two: what differs is a change of v26's CLI, which this
// tool follows, listed in followsV26 (and a listed case that stops
// differing fails, so that the list stays true). What v26's server
// changed, this tool prints as the server sends it, under either
// spelling.
func TestHydraV26PrintsAsV2(t *testing.T) {
	v2bin, v26s := servers[hydratest.HydraVersion].bin, servers[hydratest.HydraV26]
	for _, set := range caseSets {
		if set.name == hydratest.HydraV26 {
			continue
		}
		for _, c := range set.cases() {
			if c.version != hydratest.HydraVersion {
				continue
			}
			t.Run(c.name(), func(t *testing.T) {
				old := v26s.run(t, v2bin, c)
				now := v26s.run(t, v26s.bin, v26Twin(c))
				// Both print Go pointers for -q of a list (an intentional
				// difference): an address is not an output to follow.
				old.stdout = goPointer.ReplaceAllString(old.stdout, "<POINTER>")
				now.stdout = goPointer.ReplaceAllString(now.stdout, "<POINTER>")
				// A document that one CLI prints with more members than
				// the other is one that this tool's output, which keeps
				// what the server sends, covers in both: only what both
				// print, with other values, is a change to follow.
				diff, back := compare(c, old, now), compare(c, now, old)
				if diff == "" || back == "" {
					if diff+back != "" {
						t.Logf("one CLI prints members that the other does not; this tool's document covers both:\n%s", diff+back)
					}
					diff = ""
				}
				_, listed := followsV26[c.name()]
				switch {
				case diff == "" && listed:
					t.Errorf("Hydra v26.2.0's CLI prints as v2.3.0's now: remove it from followsV26")
				case diff != "" && !listed:
					t.Errorf("Hydra v26.2.0's CLI prints otherwise than v2.3.0's: follow v26, and list it in followsV26:\n%s", diff)
				}
			})
		}
	}
}
