package hydratest

import (
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
)

// Person plays a person at a browser in front of login and consent pages
// that ask with HTML forms, such as the ones that Hydra's CLI and this
// tool's perform authorization-code serve on their callback port: it
// follows redirects with a cookie jar, and on each page with a form it
// fills the user name, keeps what is checked, and presses the button
// whose value is Action.
type Person struct {
	// Username is typed into the form's text field.
	Username string
	// Action is the value of the button pressed: "accept" (the default)
	// or "deny".
	Action string
	// Jar keeps the browser's cookies; nil starts with none.
	Jar http.CookieJar
}

// Page is the last page a Person saw.
type Page struct {
	URL    *url.URL
	Status int
	Body   string
	// Forms counts the forms the person submitted.
	Forms int
}

// SignIn opens authURL and goes through every form until a page without
// one, such as the CLI's answer to its callback, which it returns.
func (p Person) SignIn(authURL string) (Page, error) {
	jar := p.Jar
	if jar == nil {
		jar, _ = cookiejar.New(nil)
	}
	client := &http.Client{Jar: jar, Timeout: httpClient.Timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) > 20 {
			return errors.New("too many redirects")
		}
		return nil
	}}
	action := p.Action
	if action == "" {
		action = "accept"
	}
	resp, err := client.Get(authURL)
	page := Page{}
	for range 6 {
		if err != nil {
			return page, err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		page.URL, page.Status, page.Body = resp.Request.URL, resp.StatusCode, string(body)
		target, values, ok := fillForm(page.Body, p.Username, action)
		if !ok {
			return page, nil
		}
		u, perr := resp.Request.URL.Parse(target)
		if perr != nil {
			return page, perr
		}
		page.Forms++
		req, _ := http.NewRequest(http.MethodPost, u.String(), strings.NewReader(values.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// As a browser does for a form on the page's own origin.
		req.Header.Set("Origin", resp.Request.URL.Scheme+"://"+resp.Request.URL.Host)
		resp, err = client.Do(req)
	}
	return page, fmt.Errorf("more forms than a login and a consent, the last at %s", page.URL)
}

var (
	formRE = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	tagRE  = regexp.MustCompile(`(?is)<(input|button)\b([^>]*)>`)
	attrRE = regexp.MustCompile(`(?is)([a-z][a-z0-9_-]*)(?:\s*=\s*"([^"]*)")?`)
)

// fillForm fills the first post form of body: hidden fields as they are,
// text fields with username, checked boxes, and the submit button whose
// value is action.
func fillForm(body, username, action string) (target string, v url.Values, ok bool) {
	m := formRE.FindStringSubmatch(body)
	if m == nil {
		return "", nil, false
	}
	form := attrs(m[1])
	if !strings.EqualFold(form["method"], "post") {
		return "", nil, false
	}
	v = url.Values{}
	pressed := false
	for _, t := range tagRE.FindAllStringSubmatch(m[2], -1) {
		a := attrs(t[2])
		name := a["name"]
		if name == "" {
			continue
		}
		switch typ := strings.ToLower(a["type"]); {
		case strings.EqualFold(t[1], "button") || typ == "submit":
			if a["value"] == action && !pressed {
				v.Add(name, a["value"])
				pressed = true
			}
		case typ == "hidden":
			v.Add(name, a["value"])
		case typ == "checkbox":
			if _, checked := a["checked"]; checked {
				val := a["value"]
				if val == "" {
					val = "on"
				}
				v.Add(name, val)
			}
		case typ == "" || typ == "text":
			v.Add(name, username)
		}
	}
	if !pressed {
		return "", nil, false
	}
	return form["action"], v, true
}

func attrs(s string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRE.FindAllStringSubmatch(s, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2])
	}
	return m
}
