package api

import (
	"bytes"
	"errors"
	"html/template"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/notify"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/words"
	"github.com/gofiber/fiber/v2"
)

// unsubscribeRoutes: the link in every digest turns it off without signing
// in. Mail providers POST to it (RFC 8058 one-click); a person who opens it
// gets a page with a button, because link scanners GET every link in mail
// and must not turn anything off.
func (a *API) unsubscribeRoutes() []route {
	return []route{
		{method: "GET", path: "/unsubscribe/:token", public: true, tag: "notifications", summary: "The email digest's unsubscribe link: a page asking to confirm (HTML)",
			handle: a.unsubscribePage},
		{method: "POST", path: "/unsubscribe/:token", public: true, tag: "notifications", summary: "Turn the email digest off from its link, without a session (RFC 8058 one-click; audited); answers a page (HTML)",
			handle: a.unsubscribe},
	}
}

// unsubscriber is the user a link was made for.
func (a *API) unsubscriber(c *fiber.Ctx) (*model.User, *model.Prefs, error) {
	id, err := notify.UnsubscribeUser(a.tokens.Derive(notify.UnsubscribePurpose), c.Params("token"))
	if err != nil {
		return nil, nil, coded(c, fiber.StatusNotFound, "unsubscribe_invalid")
	}
	ctx := c.UserContext()
	u, err := a.store.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, coded(c, fiber.StatusNotFound, "unsubscribe_invalid")
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := a.store.Prefs(ctx, u.ID)
	if err != nil {
		return nil, nil, err
	}
	return u, p, nil
}

func (a *API) unsubscribePage(c *fiber.Ctx) error {
	_, p, err := a.unsubscriber(c)
	if err != nil {
		return err
	}
	return sendUnsubscribePage(c, words.Choose(p.Lang), false)
}

// unsubscribe turns the digest off as its user (the audit entry names
// them: the signed link stands for their session), whatever the body.
func (a *API) unsubscribe(c *fiber.Ctx) error {
	u, p, err := a.unsubscriber(c)
	if err != nil {
		return err
	}
	off := model.DigestOff
	if _, err := a.flows.UpdatePrefs(c.UserContext(), u, model.PrefsPatch{Digest: &off}); err != nil {
		return err
	}
	return sendUnsubscribePage(c, words.Choose(p.Lang), true)
}

func sendUnsubscribePage(c *fiber.Ctx, lang words.Lang, done bool) error {
	w := func(k string) string { return words.Digest.In(k, lang) }
	var b bytes.Buffer
	err := unsubscribeHTML.Execute(&b, map[string]any{"Lang": lang, "Title": w("unsubscribe_title"), "Done": done,
		"Ask": w("unsubscribe_ask"), "Button": w("unsubscribe_button"), "DoneText": w("unsubscribe_done")})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Type("html").Send(b.Bytes())
}

// unsubscribeHTML has no script and no inline style (the CSP allows none);
// the form posts back to the same link.
var unsubscribeHTML = template.Must(template.New("unsubscribe").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title></head><body>
<h1>{{.Title}}</h1>
{{if .Done}}<p>{{.DoneText}}</p>{{else}}<p>{{.Ask}}</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">{{.Button}}</button></form>{{end}}
</body></html>`))
