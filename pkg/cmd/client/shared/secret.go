package shared

import (
	"bytes"
	"encoding/json"
	"errors"
)

// SetSecret returns the server's answer raw with client_secret set to
// secret (the encrypted secret of --pgp-key), in the member's place, or
// last when the answer has none; the other members keep their order and
// bytes.
func SetSecret(raw json.RawMessage, secret string) json.RawMessage {
	out, err := setMember(raw, "client_secret", secret)
	if err != nil {
		return raw
	}
	return out
}

func setMember(raw json.RawMessage, key, value string) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	vb, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	kb, _ := json.Marshal(key)
	var b bytes.Buffer
	b.WriteByte('{')
	first, done := true, false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if k == key {
			if done {
				continue
			}
			v, done = vb, true
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		mk, _ := json.Marshal(k)
		b.Write(mk)
		b.WriteByte(':')
		b.Write(v)
	}
	if !done {
		if !first {
			b.WriteByte(',')
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
