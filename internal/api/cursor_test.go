package api

import (
	"encoding/base64"
	"net/url"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// A cursor the client made (an operator where the value goes) or edited is
// a 400, never a 500 and never placed in a filter.
func TestForgedCursorIs400(t *testing.T) {
	ta := newTestApp(t)
	insertStakeholders(t, ta)
	forged, _ := bson.Marshal(bson.D{{Key: "v", Value: bson.D{{Key: "$ne", Value: ""}}}, {Key: "id", Value: bson.NewObjectID()}})
	expr, _ := bson.Marshal(bson.D{{Key: "v", Value: bson.D{{Key: "$expr", Value: true}}}, {Key: "id", Value: bson.NewObjectID()}})
	r := ta.do("viewer", "GET", "/api/v1/stakeholders?limit=1", nil)
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	r.decode(t, &page)
	if page.NextCursor == "" {
		t.Fatalf("no next cursor: %s", r.body)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(page.NextCursor)
	raw[0] ^= 1
	for name, c := range map[string]string{
		"$ne":    base64.RawURLEncoding.EncodeToString(forged),
		"$expr":  base64.RawURLEncoding.EncodeToString(expr),
		"edited": base64.RawURLEncoding.EncodeToString(raw),
	} {
		for _, path := range []string{"/api/v1/stakeholders", "/api/v1/meetings", "/api/v1/commitments", "/api/v1/tasks", "/api/v1/messages"} {
			if r := ta.do("admin", "GET", path+"?cursor="+url.QueryEscape(c), nil); r.status != 400 {
				t.Errorf("%s cursor on %s: %d %s", name, path, r.status, r.body)
			}
		}
	}
	if r := ta.do("viewer", "GET", "/api/v1/stakeholders?limit=1&cursor="+url.QueryEscape(page.NextCursor), nil); r.status != 200 {
		t.Fatalf("genuine cursor: %d %s", r.status, r.body)
	}
}
