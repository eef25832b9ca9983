package api

import (
	"context"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/notify"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
)

// meView is the signed-in user with their own settings.
type meView struct {
	userView
	Digest       string `json:"digest"`        // off | daily | weekly
	Lang         string `json:"lang"`          // language of the digest
	CalendarFeed bool   `json:"calendar_feed"` // a private calendar feed is on
	// TwoFactorRequired: the user's role must sign in with a second factor
	// (ALIANZA_REQUIRE_2FA); with two_factor false they can only enrol.
	TwoFactorRequired bool `json:"two_factor_required"`
	// CalendarAlarmMin: minutes before each meeting the feed reminds; 0 none.
	CalendarAlarmMin int `json:"calendar_alarm_min"`
}

type notificationsView struct {
	Items  []notify.Item `json:"items"`
	Unread int           `json:"unread"`
}

type remindersAdminView struct {
	SMTPConfigured bool                 `json:"smtp_configured"`
	Runs           []store.DigestRun    `json:"runs"`
	Failed         []store.DigestRecord `json:"failed"`
}

// notifyRoutes: every signed-in user has their notifications and settings;
// the digest status is for admins.
func (a *API) notifyRoutes() []route {
	return []route{
		{method: "PATCH", path: "/me", tag: "auth", summary: "Change your own settings: email digest (off, daily, weekly), its language, and the calendar feed's reminder before meetings",
			body: model.PrefsPatch{}, resp: meView{}, handle: a.updateMe},
		{method: "GET", path: "/notifications", tag: "notifications", summary: "Your notifications: commitments and tasks due in 3 days, today or overdue, status changes by others on your commitments, stage changes by others of the initiatives you follow, messages assigned to you",
			resp: notificationsView{}, handle: a.notifications},
		{method: "POST", path: "/notifications/seen", status: 204, tag: "notifications", summary: "Mark your notifications as seen up to now", handle: a.notificationsSeen},
		{method: "GET", path: "/admin/reminders", access: adminOnly, everyRegion: true, tag: "notifications", summary: "Email digests: the last passes, and digests that failed",
			resp: remindersAdminView{}, handle: a.remindersAdmin},
	}
}

func (a *API) meOf(c *fiber.Ctx, u *model.User) error {
	p, err := a.store.Prefs(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	return a.sendMe(c, u, p)
}

func viewMe(u *model.User, p *model.Prefs) meView {
	return meView{userView: viewUser(u), Digest: p.Digest, Lang: p.Lang, CalendarFeed: p.CalendarHash != "", CalendarAlarmMin: p.CalendarAlarmMin}
}

func (a *API) getMe(c *fiber.Ctx) error { return a.meOf(c, auth.User(c)) }

func (a *API) updateMe(c *fiber.Ctx) error {
	p, err := withBody(c, func(ctx context.Context, u *model.User, in model.PrefsPatch) (*model.Prefs, error) {
		in.MailServer = a.opts.SMTPConfigured
		return a.flows.UpdatePrefs(ctx, u, in)
	})
	if err != nil {
		return err
	}
	return a.sendMe(c, auth.User(c), p)
}

func (a *API) notifications(c *fiber.Ctx) error {
	u := auth.User(c)
	ctx := c.UserContext()
	items, err := notify.Compute(ctx, a.store, u, a.store.Now(), notify.AppHorizon)
	if err != nil {
		return err
	}
	p, err := a.store.Prefs(ctx, u.ID)
	if err != nil {
		return err
	}
	out := notificationsView{Items: items}
	for _, it := range items {
		if it.At.After(p.SeenAt) {
			out.Unread++
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (a *API) notificationsSeen(c *fiber.Ctx) error {
	if err := a.store.MarkNotificationsSeen(c.UserContext(), auth.User(c).ID, a.store.Now()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) remindersAdmin(c *fiber.Ctx) error {
	ctx := c.UserContext()
	runs, err := a.store.DigestRuns(ctx, 20)
	if err != nil {
		return err
	}
	failed, err := a.store.Digests(ctx, store.DigestFailed, 50)
	if err != nil {
		return err
	}
	if runs == nil {
		runs = []store.DigestRun{}
	}
	if failed == nil {
		failed = []store.DigestRecord{}
	}
	return c.JSON(remindersAdminView{SMTPConfigured: a.opts.SMTPConfigured, Runs: runs, Failed: failed})
}
