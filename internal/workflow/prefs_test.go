package workflow_test

import (
	"context"
	"slices"
	"testing"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
)

func TestUpdatePrefs(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	u := fixture.As(w.Officer, model.RoleOfficer, w.CuscoOnly)
	bad := "hourly"
	if _, err := w.Flows.UpdatePrefs(ctx, u, model.PrefsPatch{Digest: &bad}); !slices.Contains(fieldsOf(err), "digest") {
		t.Fatalf("bad digest: %v", err)
	}
	weekly, en := " weekly ", "en"
	p, err := w.Flows.UpdatePrefs(ctx, u, model.PrefsPatch{Digest: &weekly, Lang: &en, MailServer: true})
	if err != nil || p.Digest != model.DigestWeekly || p.Lang != "en" {
		t.Fatalf("update: %+v %v", p, err)
	}
	if got, err := w.Store.Prefs(ctx, u.ID); err != nil || got.Digest != model.DigestWeekly || got.Lang != "en" {
		t.Fatalf("stored: %+v %v", got, err)
	}
	// The other user's settings stay the defaults.
	if got, err := w.Store.Prefs(ctx, w.Other.ID); err != nil || got.Digest != model.DigestOff {
		t.Fatalf("other user: %+v %v", got, err)
	}
}
