package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/golang-jwt/jwt/v5"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestPassword(t *testing.T) {
	h, err := HashPassword("una clave muy larga")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("not PHC argon2id: %s", h)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"una clave muy larga", true}, {"una clave muy larg", false}, {"", false}} {
		ok, err := CheckPassword(h, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA"} {
		if _, err := CheckPassword(bad, "x"); err == nil {
			t.Errorf("CheckPassword(%q) accepted a malformed hash", bad)
		}
	}
	// The unknown-account check costs what a real one does and admits nobody.
	if params := h[:strings.LastIndex(h[:strings.LastIndex(h, "$")], "$")]; !strings.HasPrefix(dummyHash, params+"$") {
		t.Errorf("dummy hash %s lacks the parameters %s", dummyHash, params)
	}
	if ok, err := CheckPassword(dummyHash, "una clave muy larga"); ok || err != nil {
		t.Errorf("dummy hash: %v %v", ok, err)
	}
}

func TestTokens(t *testing.T) {
	secret := []byte(strings.Repeat("k", 32))
	tk, err := NewTokens(secret)
	if err != nil {
		t.Fatal(err)
	}
	u := &model.User{ID: bson.NewObjectID(), Role: model.RoleManager}
	raw, err := tk.Issue(u)
	if err != nil {
		t.Fatal(err)
	}
	c, err := tk.Parse(raw)
	if err != nil || c.Subject != u.ID.Hex() || c.Role != model.RoleManager || c.ID == "" || c.IssuedAt == nil {
		t.Fatalf("parse: %+v %v", c, err)
	}
	if _, err := NewTokens([]byte("short")); err == nil {
		t.Fatal("short secret accepted")
	}

	sign := func(m jwt.SigningMethod, key any, mutate func(*Claims)) string {
		cl := Claims{Role: "admin", RegisteredClaims: jwt.RegisteredClaims{
			Subject: u.ID.Hex(), Issuer: Issuer, Audience: jwt.ClaimStrings{Audience},
			IssuedAt: jwt.NewNumericDate(time.Now()), ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Minute)),
		}}
		if mutate != nil {
			mutate(&cl)
		}
		s, err := jwt.NewWithClaims(m, cl).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := map[string]string{
		"expired":         sign(jwt.SigningMethodHS256, secret, func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Minute)) }),
		"no expiry":       sign(jwt.SigningMethodHS256, secret, func(c *Claims) { c.ExpiresAt = nil }),
		"wrong signature": sign(jwt.SigningMethodHS256, []byte(strings.Repeat("x", 32)), nil),
		"alg none":        sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil),
		"HS512":           sign(jwt.SigningMethodHS512, secret, nil),
		"wrong audience":  sign(jwt.SigningMethodHS256, secret, func(c *Claims) { c.Audience = jwt.ClaimStrings{"other"} }),
		"wrong issuer":    sign(jwt.SigningMethodHS256, secret, func(c *Claims) { c.Issuer = "other" }),
		"garbage":         "not.a.token",
	}
	for name, raw := range cases {
		if _, err := tk.Parse(raw); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
