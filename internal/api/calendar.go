package api

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/calendar"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/words"
	"github.com/gofiber/fiber/v2"
)

// calendarPrefix is the path of the private feeds; the access log never
// writes the token that follows it.
const calendarPrefix = "/api/v1/calendar/"

// feedPast is how far back a feed lists meetings.
const feedPast = 180 * 24 * time.Hour

type calendarLink struct {
	URL string `json:"url"` // shown once: only its hash is kept
}

// calendarRoutes: each user turns their own feed on, renews or revokes it;
// the feed itself is public to whoever holds the secret link (calendar apps
// cannot sign in) and shows what its user may see.
func (a *API) calendarRoutes() []route {
	return []route{
		{method: "POST", path: "/me/calendar", status: 201, tag: "calendar", summary: "Turn on (or renew) your private calendar feed; answers its secret link once, and the previous link stops working",
			// The answer holds the secret link: it must not be kept for replays,
			// and renewing twice is harmless.
			resp: calendarLink{}, handle: a.createCalendarFeed, noIdempotency: true},
		{method: "DELETE", path: "/me/calendar", status: 204, tag: "calendar", summary: "Turn off your private calendar feed", handle: a.deleteCalendarFeed, noIdempotency: true},
		{method: "GET", path: "/calendar/:token.ics", public: true, tag: "calendar", summary: "A private iCalendar feed: its user's meetings and due dates, within their regions",
			handle: a.calendarFeed},
		{method: "GET", path: "/meetings/:id/calendar.ics", tag: "meetings", summary: "One meeting as an iCalendar event", handle: a.meetingCalendar},
	}
}

// publicURL is where the links the server hands out (calendar feeds)
// point: ALIANZA_PUBLIC_URL; without it the request's own address only when
// its Host is the listen address or a loopback name on its port, else the
// listen address. A Host header is the client's to write, and a feed link
// built from a forged one would send a colleague's calendar client (and
// its secret token) to another server.
func (a *API) publicURL(c *fiber.Ctx) string {
	if a.opts.PublicURL != "" {
		return strings.TrimRight(a.opts.PublicURL, "/")
	}
	listen := a.opts.ListenAddr
	lhost, port, err := net.SplitHostPort(listen)
	if err != nil {
		return c.Protocol() + "://127.0.0.1"
	}
	if ip, err := netip.ParseAddr(lhost); lhost == "" || err == nil && ip.IsUnspecified() {
		listen = net.JoinHostPort("127.0.0.1", port)
	}
	host := string(c.Request().Host())
	if h, p, err := net.SplitHostPort(host); err == nil && p == port && (host == listen || loopbackName(h)) {
		return c.Protocol() + "://" + host
	}
	return c.Protocol() + "://" + listen
}

// loopbackName reports whether h names this machine's loopback interface.
func loopbackName(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(h, "[]"))
	return err == nil && ip.IsLoopback()
}

func (a *API) createCalendarFeed(c *fiber.Ctx) error {
	u := auth.User(c)
	token := auth.RandomToken(32)
	if err := a.store.SetCalendarToken(c.UserContext(), auth.Actor(c), u.ID, auth.HashToken(token)); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(calendarLink{URL: a.publicURL(c) + calendarPrefix + token + ".ics"})
}

func (a *API) deleteCalendarFeed(c *fiber.Ctx) error {
	if err := a.store.SetCalendarToken(c.UserContext(), auth.Actor(c), auth.User(c).ID, ""); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) calendarFeed(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u, err := a.store.UserByCalendarToken(ctx, auth.HashToken(c.Params("token")))
	if errors.Is(err, store.ErrNotFound) {
		return coded(c, fiber.StatusNotFound, "calendar_link_off")
	}
	if err != nil {
		return err
	}
	prefs, err := a.store.Prefs(ctx, u.ID)
	if err != nil {
		return err
	}
	now := a.store.Now()
	scope := u.Scope()
	f := calendar.Feed{Name: "Alianza – " + u.Name, PublicURL: a.publicURL(c), Lang: words.Choose(prefs.Lang), Now: now, AlarmMin: prefs.CalendarAlarmMin}
	if f.Meetings, err = a.store.MeetingsOf(ctx, scope, u.ID, now.Add(-feedPast)); err != nil {
		return err
	}
	if f.Commitments, _, err = a.store.ListCommitments(ctx, scope, store.CommitmentFilter{OwnerID: u.ID}, store.Page{All: true}); err != nil {
		return err
	}
	notDone := false
	if f.Tasks, _, err = a.store.ListTasks(ctx, scope, store.TaskFilter{AssigneeID: u.ID, Done: &notDone}, store.Page{All: true}); err != nil {
		return err
	}
	return sendICS(c, f.ICS(), "")
}

func (a *API) meetingCalendar(c *fiber.Ctx) error {
	m, err := pathRecord(c, a.store.MeetingByID)
	if err != nil {
		return err
	}
	lang := words.ES
	if p, err := a.store.Prefs(c.UserContext(), auth.User(c).ID); err == nil {
		lang = words.Choose(p.Lang)
	}
	return sendICS(c, calendar.Meeting(m, a.publicURL(c), lang, a.store.Now()), "reunion-"+m.StartsAt.In(model.Lima).Format("2006-01-02")+".ics")
}

// sendICS answers an iCalendar document, as a download when name is set.
// Calendar apps poll feeds: the ETag (a hash of the text, which stays the
// same while nothing in it changes) lets them ask If-None-Match and get a
// 304 without the body. Private, and revalidated on every use.
func sendICS(c *fiber.Ctx, body, name string) error {
	sum := sha256.Sum256([]byte(body))
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	// Weak: the compress middleware may send the same text gzipped.
	c.Set(fiber.HeaderETag, "W/"+etag)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	if name != "" {
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	}
	return c.SendString(body)
}

// etagMatches is If-None-Match's weak comparison (RFC 9110 13.1.2): any
// listed tag with or without W/, or *.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
