package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/hkdf"
)

// Token settings.
const (
	Issuer     = "alianza"
	Audience   = "alianza-api"
	AccessTTL  = 15 * time.Minute
	RefreshTTL = 30 * 24 * time.Hour
)

// Claims are the access token's claims.
type Claims struct {
	Role string `json:"role"`
	jwt.RegisteredClaims
}

// Derive returns a 32-byte key for purpose from the secret (HKDF-SHA256):
// every instance sharing the secret derives the same key, and no purpose's
// key reveals the secret or another purpose's key.
func (t *Tokens) Derive(purpose string) []byte {
	key := make([]byte, 32)
	if _, err := io.ReadFull(hkdf.New(sha256.New, t.secret, nil, []byte(purpose)), key); err != nil {
		panic("auth: hkdf: " + err.Error()) // cannot happen for 32 bytes of SHA-256
	}
	return key
}

// Tokens signs and checks access tokens with one HS256 secret.
type Tokens struct {
	secret []byte
	now    func() time.Time
}

// NewTokens returns a signer for secret (at least 32 bytes).
func NewTokens(secret []byte) (*Tokens, error) {
	if len(secret) < 32 {
		return nil, errors.New("auth: JWT secret must be at least 32 bytes")
	}
	return &Tokens{secret: secret, now: time.Now}, nil
}

// Issue returns a signed access token for u.
func (t *Tokens) Issue(u *model.User) (string, error) {
	now := t.now()
	claims := Claims{
		Role: u.Role,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   u.ID.Hex(),
			Issuer:    Issuer,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(AccessTTL)),
			ID:        RandomToken(16),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
	if err != nil {
		return "", fmt.Errorf("auth: sign token: %w", err)
	}
	return s, nil
}

// Parse checks signature (HS256 only), issuer, audience and expiry.
func (t *Tokens) Parse(raw string) (*Claims, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return &c, nil
}

// RandomToken returns n random bytes, base64url encoded.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how refresh tokens are stored.
func HashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}
