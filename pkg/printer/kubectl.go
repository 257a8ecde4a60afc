package printer

import (
	"errors"
	"fmt"
	"strings"
)

// kubectlForms says which kubectl-style expressions --format jsonpath= takes,
// for the error that refuses the others.
const kubectlForms = "jsonpath= takes one expression: kubectl's brace form wrapped whole, such as {.access_token} or {.items[*].client_id}; RFC 9535 JSONPath, such as $.items[*].client_id; or a gjson path, as Hydra's CLI takes, such as items.#.client_id. kubectl templates ({range}, {end}, literal text around or between expressions) are not supported"

// ErrKubectlTemplate is returned, wrapped, for a kubectl JSONPath template
// with more than one expression, {range} or literal text.
var ErrKubectlTemplate = errors.New("kubectl JSONPath templates are not supported")

// fromKubectl translates kubectl's brace form of a JSONPath, one expression
// wrapped whole in braces and starting with "." or "$" ({.access_token},
// {.items[*].client_id}), into RFC 9535 JSONPath ($.access_token). It
// reports whether expr was in that form. ({[0].client_id}, for a list, is
// $[0].client_id.) An expression that is a kubectl
// template ({range ...}{end}, several expressions, or literal text beside
// them) is an error: its output could not be what kubectl prints. Anything
// else, RFC 9535 and gjson paths included (gjson's own "{a,b}" multipaths
// among them), is returned as it is.
func fromKubectl(expr string) (string, bool, error) {
	t := strings.TrimSpace(expr)
	if strings.HasPrefix(t, "$") {
		return expr, false, nil
	}
	if !isKubectlish(t) {
		return expr, false, nil
	}
	end := closingBrace(t)
	if !strings.HasPrefix(t, "{") || end != len(t)-1 {
		return "", false, fmt.Errorf("%w in --format jsonpath=%s: %s", ErrKubectlTemplate, expr, kubectlForms)
	}
	inner := strings.TrimSpace(t[1:end])
	switch {
	case inner == "." || inner == "$":
		return "$", true, nil
	case strings.HasPrefix(inner, "$"):
		return inner, true, nil
	case strings.HasPrefix(inner, ".") || strings.HasPrefix(inner, "["):
		return "$" + inner, true, nil
	}
	return "", false, fmt.Errorf("%w in --format jsonpath=%s: %s", ErrKubectlTemplate, expr, kubectlForms)
}

// isKubectlish reports whether t holds a kubectl brace expression: "{"
// followed by ".", "$", "[", "range" or "end". gjson's multipaths
// ({client_id,client_name}, {"id":client_id}) hold none of these.
func isKubectlish(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i] != '{' {
			continue
		}
		rest := strings.TrimLeft(t[i+1:], " ")
		if strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "$") || strings.HasPrefix(rest, "[") ||
			strings.HasPrefix(rest, "range ") || strings.HasPrefix(rest, "end}") {
			return true
		}
	}
	return false
}

// closingBrace returns the index of the brace that closes the one at t[0],
// skipping quoted strings, or -1.
func closingBrace(t string) int {
	if !strings.HasPrefix(t, "{") {
		return -1
	}
	depth := 0
	var quote byte
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// RFCJSONPath returns the RFC 9535 form of a jsonpath= expression in
// kubectl's brace form, and any other expression as it is, for code that
// reads the expression (such as a hint about where a path starts).
func RFCJSONPath(expr string) string {
	if rfc, ok, err := fromKubectl(expr); ok && err == nil {
		return rfc
	}
	return expr
}
