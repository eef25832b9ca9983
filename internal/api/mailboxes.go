package api

import (
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/gofiber/fiber/v2"
)

// mailboxView is a mailbox with its sync state; never its password.
type mailboxView struct {
	model.Mailbox
	Folders     []model.FolderState `json:"folders"`
	LeaseHolder string              `json:"lease_holder,omitempty"`
	LeaseUntil  time.Time           `json:"lease_until,omitzero"`
}

// mailboxRoutes lists the routes of mailboxes (admin only).
func (a *API) mailboxRoutes() []route {
	return []route{
		{method: "GET", path: "/mailboxes", access: adminOnly, everyRegion: true, tag: "mailboxes", summary: "Mailboxes with the sync state of each folder and the lease",
			resp: list[mailboxView]{}, handle: a.listMailboxes},
		{method: "POST", path: "/mailboxes", status: 201, access: adminOnly, everyRegion: true, tag: "mailboxes", summary: "Add a mailbox to sync (password write-only)",
			body: model.MailboxInput{}, resp: mailboxView{}, handle: a.createMailbox},
		{method: "PATCH", path: "/mailboxes/:id", access: adminOnly, everyRegion: true, tag: "mailboxes", summary: "Change a mailbox added here (carry its version)",
			body: model.MailboxPatch{}, resp: mailboxView{}, handle: a.updateMailbox},
		{method: "DELETE", path: "/mailboxes/:id", status: 204, more: []int{422}, access: adminOnly, everyRegion: true, tag: "mailboxes", summary: "Stop syncing a mailbox added here (its messages stay)",
			handle: a.deleteMailbox},
	}
}

func (a *API) listMailboxes(c *fiber.Ctx) error {
	ctx := c.UserContext()
	boxes, err := a.store.ListMailboxes(ctx)
	if err != nil {
		return err
	}
	states, err := a.store.MailStates(ctx)
	if err != nil {
		return err
	}
	views := make([]mailboxView, len(boxes))
	for i, b := range boxes {
		st := states[b.ID]
		views[i] = mailboxView{Mailbox: b, Folders: nonNilSlice(st.Folders), LeaseHolder: st.LeaseHolder, LeaseUntil: st.LeaseUntil}
	}
	return c.JSON(newList(views, ""))
}

func (a *API) createMailbox(c *fiber.Ctx) error {
	var in model.MailboxInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := a.flows.CreateMailbox(c.UserContext(), auth.User(c), a.opts.MailboxKey, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(mailboxView{Mailbox: *m, Folders: []model.FolderState{}})
}

func (a *API) updateMailbox(c *fiber.Ctx) error {
	id, p, err := idAndBody[model.MailboxPatch](c)
	if err != nil {
		return err
	}
	m, err := a.flows.UpdateMailbox(c.UserContext(), auth.User(c), a.opts.MailboxKey, id, p)
	if err != nil {
		return err
	}
	states, err := a.store.FolderStates(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(mailboxView{Mailbox: *m, Folders: states})
}

func (a *API) deleteMailbox(c *fiber.Ctx) error { return deleteByID(c, a.flows.DeleteMailbox) }
