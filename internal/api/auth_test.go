package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/golang-jwt/jwt/v5"
)

func login(ta *testApp, email, pw string, headers ...string) resp {
	ta.t.Helper()
	return ta.do("", "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": pw}, headers...)
}

func refreshCookieOf(t *testing.T, r resp) string {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == refreshCookie {
			return c.Value
		}
	}
	t.Fatalf("no refresh cookie in %v", r.header)
	return ""
}

func TestLogin(t *testing.T) {
	ta := newTestApp(t)
	r := login(ta, "Officer@Alianza.test", testPassword)
	if r.status != 200 {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	m := r.json(t)
	if m["token_type"] != "Bearer" || m["expires_in"] != float64(900) || m["access_token"] == "" {
		t.Fatalf("token response: %v", m)
	}
	u := m["user"].(map[string]any)
	for _, k := range []string{"id", "email", "name", "role", "regions"} {
		if _, ok := u[k]; !ok {
			t.Errorf("user.%s missing", k)
		}
	}
	if _, ok := u["password_hash"]; ok {
		t.Error("password hash leaked")
	}
	sc := r.header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "path=/api/v1/auth"} {
		if !strings.Contains(sc, want) {
			t.Errorf("refresh cookie %q lacks %s", sc, want)
		}
	}
	// The access token works for /me.
	req := httptest.NewRequest("GET", "/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+m["access_token"].(string))
	res, err := ta.app.Test(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("/me with issued token: %v %v", res.StatusCode, err)
	}

	wrongPw := login(ta, "officer@alianza.test", "wrong password!!")
	noUser := login(ta, "nobody@alianza.test", "wrong password!!")
	if wrongPw.status != 401 || noUser.status != 401 {
		t.Fatalf("bad credentials: %d %d", wrongPw.status, noUser.status)
	}
	if wrongPw.json(t)["detail"] != noUser.json(t)["detail"] {
		t.Error("the message tells whether the email exists")
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	ta := newTestApp(t)
	first := refreshCookieOf(t, login(ta, "manager@alianza.test", testPassword))
	refresh := func(tok string) resp {
		return ta.do("", "POST", "/api/v1/auth/refresh", nil, "Cookie", refreshCookie+"="+tok)
	}
	r := refresh(first)
	if r.status != 200 || r.json(t)["access_token"] == "" {
		t.Fatalf("refresh: %d %s", r.status, r.body)
	}
	second := refreshCookieOf(t, r)
	if second == first {
		t.Fatal("refresh token not rotated")
	}
	// Another client replaying the rotated token is reuse.
	if r := ta.do("", "POST", "/api/v1/auth/refresh", nil, "Cookie", refreshCookie+"="+first, "User-Agent", "thief"); r.status != 401 {
		t.Fatalf("reuse of rotated token: %d, want 401", r.status)
	}
	if r := refresh(second); r.status != 401 {
		t.Fatalf("newest token after reuse: %d, want 401 (family revoked)", r.status)
	}
	if r := ta.do("", "POST", "/api/v1/auth/refresh", nil); r.status != 401 {
		t.Fatalf("no cookie: %d", r.status)
	}

	// Logout revokes the family.
	tok := refreshCookieOf(t, login(ta, "manager@alianza.test", testPassword))
	if r := ta.do("", "POST", "/api/v1/auth/logout", nil, "Cookie", refreshCookie+"="+tok); r.status != 204 {
		t.Fatalf("logout: %d", r.status)
	}
	if r := refresh(tok); r.status != 401 {
		t.Fatalf("refresh after logout: %d", r.status)
	}
}

// TestRefreshFromTwoTabs: two tabs refreshing at once both sent the same
// cookie and the second signed the user out. Within the grace the second
// gets a sibling session; a third use is reuse and revokes the family.
func TestRefreshFromTwoTabs(t *testing.T) {
	ta := newTestApp(t)
	tok := refreshCookieOf(t, login(ta, "manager@alianza.test", testPassword))
	refresh := func(tok string) resp {
		return ta.do("", "POST", "/api/v1/auth/refresh", nil, "Cookie", refreshCookie+"="+tok, "User-Agent", "Firefox")
	}
	tab1, tab2 := refresh(tok), refresh(tok)
	if tab1.status != 200 || tab2.status != 200 {
		t.Fatalf("two tabs: %d, %d", tab1.status, tab2.status)
	}
	next1, next2 := refreshCookieOf(t, tab1), refreshCookieOf(t, tab2)
	if next1 == next2 {
		t.Fatal("both tabs got the same new token")
	}
	if r := refresh(next2); r.status != 200 {
		t.Fatalf("the sibling works: %d", r.status)
	}
	if r := refresh(tok); r.status != 401 {
		t.Fatalf("a third use of the rotated token: %d, want 401", r.status)
	}
	if r := refresh(next1); r.status != 401 {
		t.Fatalf("the family survives reuse: %d", r.status)
	}
}

func TestRejectedTokens(t *testing.T) {
	ta := newTestApp(t)
	u := ta.users["admin"]
	sign := func(m jwt.SigningMethod, key any, mutate func(*auth.Claims)) string {
		c := auth.Claims{Role: u.Role, RegisteredClaims: jwt.RegisteredClaims{
			Subject: u.ID.Hex(), Issuer: auth.Issuer, Audience: jwt.ClaimStrings{auth.Audience},
			IssuedAt: jwt.NewNumericDate(time.Now()), ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Minute)),
		}}
		if mutate != nil {
			mutate(&c)
		}
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	secret := []byte(strings.Repeat("s", 32))
	disabled := ta.users["viewer"]
	if _, err := ta.store.UpdateUser(context.Background(), model.SystemActor, disabled.ID, model.UserPatch{Disabled: ptr(true)}, ""); err != nil {
		t.Fatal(err)
	}
	disabledTok, _ := ta.tokens.Issue(disabled)
	cases := map[string]string{
		"no token":        "",
		"expired":         sign(jwt.SigningMethodHS256, secret, func(c *auth.Claims) { c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Second)) }),
		"wrong signature": sign(jwt.SigningMethodHS256, []byte(strings.Repeat("x", 32)), nil),
		"alg none":        sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil),
		"other algorithm": sign(jwt.SigningMethodHS384, secret, nil),
		"wrong audience":  sign(jwt.SigningMethodHS256, secret, func(c *auth.Claims) { c.Audience = jwt.ClaimStrings{"someone-else"} }),
		"disabled user":   disabledTok,
		"not a jwt":       "abc",
	}
	if ok := sign(jwt.SigningMethodHS256, secret, nil); ta.do("", "GET", "/api/v1/me", nil, "Authorization", "Bearer "+ok).status != 200 {
		t.Fatal("control token rejected")
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			var r resp
			if tok == "" {
				r = ta.do("", "GET", "/api/v1/me", nil)
			} else {
				r = ta.do("", "GET", "/api/v1/me", nil, "Authorization", "Bearer "+tok)
			}
			if r.status != 401 || r.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d (%s), want 401 problem+json", r.status, r.header.Get("Content-Type"))
			}
			if !strings.Contains(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Error("no WWW-Authenticate: Bearer")
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
