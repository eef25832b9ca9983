package workflow_test

import (
	"context"
	"slices"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
)

func TestUpdatePrefs(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	u := as(w.officer, model.RoleOfficer, w.cuscoOnly)
	bad := "hourly"
	if _, err := w.f.UpdatePrefs(ctx, u, model.PrefsPatch{Digest: &bad}); !slices.Contains(fieldsOf(err), "digest") {
		t.Fatalf("bad digest: %v", err)
	}
	weekly, en := " weekly ", "en"
	p, err := w.f.UpdatePrefs(ctx, u, model.PrefsPatch{Digest: &weekly, Lang: &en})
	if err != nil || p.Digest != model.DigestWeekly || p.Lang != "en" {
		t.Fatalf("update: %+v %v", p, err)
	}
	if got, err := w.s.Prefs(ctx, u.ID); err != nil || got.Digest != model.DigestWeekly || got.Lang != "en" {
		t.Fatalf("stored: %+v %v", got, err)
	}
	// The other user's settings stay the defaults.
	if got, err := w.s.Prefs(ctx, w.other.ID); err != nil || got.Digest != model.DigestOff {
		t.Fatalf("other user: %+v %v", got, err)
	}
}
