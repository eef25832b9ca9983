package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestRevokedCalendarLinkStaysRevoked: settings were read whole, changed
// and replaced, so a "seen" mark running beside a revocation wrote the old
// calendar hash back and the revoked link worked again. Each write now
// changes only its own fields.
func TestRevokedCalendarLinkStaysRevoked(t *testing.T) {
	storetest.NeedsIsolation(t)
	s := storetest.Open(t)
	ctx := context.Background()
	actor := model.Actor{ID: bson.NewObjectID(), Email: "admin@alianza.test"}
	lang := "en"
	for i := range 25 {
		uid := bson.NewObjectID()
		if err := s.SetCalendarToken(ctx, actor, uid, "hash-"+uid.Hex()); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(3)
		go func() {
			defer wg.Done()
			if err := s.SetCalendarToken(ctx, actor, uid, ""); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if err := s.MarkNotificationsSeen(ctx, uid, time.Now()); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := s.UpdatePrefs(ctx, actor, uid, model.PrefsPatch{Lang: &lang}); err != nil {
				t.Error(err)
			}
		}()
		wg.Wait()
		p, err := s.Prefs(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		if p.CalendarHash != "" || p.SeenAt.IsZero() || p.Lang != "en" || p.Digest != model.DigestOff {
			t.Fatalf("round %d: hash %q seen %v lang %q digest %q", i, p.CalendarHash, p.SeenAt, p.Lang, p.Digest)
		}
		if _, err := s.UserByCalendarToken(ctx, "hash-"+uid.Hex()); err == nil {
			t.Fatalf("round %d: revoked link still finds a user", i)
		}
	}
	// A first write creates the settings with the defaults.
	uid := bson.NewObjectID()
	if err := s.MarkNotificationsSeen(ctx, uid, time.Now()); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Prefs(ctx, uid); err != nil || p.Lang != "es" || p.Digest != model.DigestOff || p.SeenAt.IsZero() {
		t.Fatalf("defaults on insert: %+v %v", p, err)
	}
}
