package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// UnsubscribePurpose names the key of unsubscribe links
// (auth.Tokens.Derive): every instance sharing the secret derives it.
const UnsubscribePurpose = "alianza digest unsubscribe"

// UnsubscribePath is where an unsubscribe link points, under the public
// URL; the token follows. The API serves it without a session.
const UnsubscribePath = "/api/v1/unsubscribe/"

// ErrBadUnsubscribe: the token was not made with this key.
var ErrBadUnsubscribe = errors.New("notify: not a valid unsubscribe link")

// unsubscribeMACLen is the bytes of HMAC-SHA256 a token keeps (128 bits).
const unsubscribeMACLen = 16

// UnsubscribeToken is the user's unsubscribe link token: their id and a
// MAC over it, so the link works without signing in and cannot be made up
// for someone else. It does not expire: all it can do is turn the digest
// off, which the user can turn on again in their profile.
func UnsubscribeToken(key []byte, userID bson.ObjectID) string {
	return base64.RawURLEncoding.EncodeToString(append(userID[:], unsubscribeMAC(key, userID)...))
}

// UnsubscribeUser returns the user a token was made for.
func UnsubscribeUser(key []byte, token string) (bson.ObjectID, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != len(bson.ObjectID{})+unsubscribeMACLen {
		return bson.ObjectID{}, ErrBadUnsubscribe
	}
	var id bson.ObjectID
	copy(id[:], b)
	if !hmac.Equal(b[len(id):], unsubscribeMAC(key, id)) {
		return bson.ObjectID{}, ErrBadUnsubscribe
	}
	return id, nil
}

func unsubscribeMAC(key []byte, id bson.ObjectID) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("unsubscribe:"))
	mac.Write(id[:])
	return mac.Sum(nil)[:unsubscribeMACLen]
}
