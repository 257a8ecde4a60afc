package shared

import "encoding/json"

// SetSecret returns the server's answer raw with client_secret set to
// secret (the encrypted secret of --pgp-key), in the member's place, or
// last when the answer has none; the other members keep their order and
// bytes.
func SetSecret(raw json.RawMessage, secret string) json.RawMessage {
	vb, _ := json.Marshal(secret)
	out, err := editMember(raw, "client_secret", vb)
	if err != nil {
		return raw
	}
	return out
}
