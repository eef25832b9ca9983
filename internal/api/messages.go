package api

import (
	"errors"
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/mailsync"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// messageView is a message as the API shows it. Viewers get metadata only:
// no snippet, text or HTML. text and html are filled on GET /messages/{id}.
type messageView struct {
	model.Message
	Snippet      string  `json:"snippet,omitempty"` // shadows Message.Snippet
	Text         *string `json:"text,omitempty"`
	HTML         *string `json:"html,omitempty"`
	RemoteImages int     `json:"remote_images,omitempty"`
	// StakeholderNames are the visible matched stakeholders' names.
	StakeholderNames []string `json:"stakeholder_names,omitempty"`
}

func viewMessage(m *model.Message, u *model.User) messageView {
	v := messageView{Message: withArrays(*m)}
	if u.Role != model.RoleViewer {
		v.Snippet = m.Snippet
	}
	v.Message.Snippet = ""
	return v
}

// withArrays gives m's lists [] where they are null, as the API document
// describes them.
func withArrays(m model.Message) model.Message {
	m.To, m.Cc = nonNilSlice(m.To), nonNilSlice(m.Cc)
	m.StakeholderIDs, m.Regions = nonNilSlice(m.StakeholderIDs), nonNilSlice(m.Regions)
	m.Attachments, m.SeenIn = nonNilSlice(m.Attachments), nonNilSlice(m.SeenIn)
	m.Links.MeetingIDs, m.Links.CommitmentIDs = nonNilSlice(m.Links.MeetingIDs), nonNilSlice(m.Links.CommitmentIDs)
	return m
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// threadView is a thread with its visible messages, oldest first.
type threadView struct {
	ID       bson.ObjectID `json:"id"`
	Subject  string        `json:"subject"`
	Messages []messageView `json:"messages"`
}

type bulkStatusRequest struct {
	IDs    []bson.ObjectID `json:"ids"`
	Status string          `json:"status"`
}

type bulkStatusResponse struct {
	Updated int `json:"updated"`
}

type messageTaskRequest struct {
	Title      string        `json:"title"`
	DueOn      string        `json:"due_on,omitempty"`
	AssigneeID bson.ObjectID `json:"assignee_id,omitzero"`
	// Region is needed only for an unmatched message, which has none.
	Region string `json:"region,omitempty"`
	Notes  string `json:"notes,omitempty"`
}

type messageCommitmentRequest struct {
	StakeholderID bson.ObjectID `json:"stakeholder_id"`
	Text          string        `json:"text"`
	Type          string        `json:"type"`
	DueOn         string        `json:"due_on,omitempty"`
	Region        string        `json:"region,omitempty"`
}

type newStakeholderRequest struct {
	Kind    string   `json:"kind"`
	Name    string   `json:"name"`
	Regions []string `json:"regions"`
}

type linkAddressRequest struct {
	Address        string                 `json:"address"`
	StakeholderID  bson.ObjectID          `json:"stakeholder_id,omitzero"`
	NewStakeholder *newStakeholderRequest `json:"new_stakeholder,omitempty"`
}

type linkAddressResponse struct {
	StakeholderID bson.ObjectID `json:"stakeholder_id"`
	Rematched     int           `json:"rematched"`
}

// messageRoutes lists the routes of correspondence. Static paths come
// before /messages/:id so Fiber does not take them for an id.
func (a *API) messageRoutes() []route {
	return []route{
		{method: "GET", path: "/messages", tag: "messages", summary: "Review queue of messages in your regions, newest first (unmatched ones need every region)",
			query: append(append([]string{}, exportQuery...), "status", "mailbox_id", "folder", "stakeholder_id", "region", "unmatched", "awaiting_reply", "assignee_id", "from", "to", "q"),
			resp:  list[messageView]{}, handle: a.listMessages},
		{method: "GET", path: "/messages/unmatched-addresses", tag: "messages", summary: "External addresses of unmatched messages, most frequent first (then latest, then by address), one page at a time",
			query: listQuery, resp: list[store.UnmatchedAddress]{}, handle: a.unmatchedAddresses},
		{method: "POST", path: "/messages/link-address", access: writers, tag: "messages", summary: "Add an address to a stakeholder (existing or new) and match its messages again",
			body: linkAddressRequest{}, resp: linkAddressResponse{}, handle: a.linkAddress},
		{method: "POST", path: "/messages/bulk-status", access: writers, tag: "messages", summary: "Set the review status of several messages",
			body: bulkStatusRequest{}, resp: bulkStatusResponse{}, handle: a.bulkMessageStatus},
		{method: "GET", path: "/messages/:id", tag: "messages", summary: "One message with its text and sanitised HTML (metadata only for viewers)",
			resp: messageView{}, handle: a.getMessage},
		{method: "PATCH", path: "/messages/:id", access: writers, tag: "messages", summary: "Review a message: status, assignee, notes, links (carry its version)",
			body: model.MessagePatch{}, resp: messageView{}, handle: a.updateMessage},
		{method: "POST", path: "/messages/:id/task", status: 201, access: writers, tag: "messages", summary: "Create a follow-up task linked to the message",
			body: messageTaskRequest{}, resp: taskView{}, handle: a.taskFromMessage},
		{method: "POST", path: "/messages/:id/commitment", status: 201, access: writers, tag: "messages", summary: "Record a commitment made in the message and link it",
			body: messageCommitmentRequest{}, resp: commitmentView{}, handle: a.commitmentFromMessage},
		{method: "GET", path: "/messages/:id/attachments/:index", more: []int{410}, access: writers, tag: "messages", summary: "Download an attachment from the mail server",
			handle: a.messageAttachment},
		{method: "GET", path: "/threads/:id", tag: "messages", summary: "A thread's messages in your regions, oldest first",
			resp: threadView{}, handle: a.getThread},
	}
}

// messageScope is the scope of correspondence (model.MailScope).
func messageScope(u *model.User) model.Scope { return model.MailScope(u) }

// seesFailed: only admins see messages that could not be parsed.
func seesFailed(u *model.User) bool { return model.SeesFailedMail(u) }

func (a *API) awaitingDays() int { return a.opts.AwaitingReplyDays }

func (a *API) listMessages(c *fiber.Ctx) error {
	q := queryOf(c)
	p := q.listPage()
	u := auth.User(c)
	status := q.enum("status", model.MessageStatuses)
	if status == model.MessageFailed && !seesFailed(u) {
		return auth.ErrForbidden
	}
	f := store.MessageFilter{
		AwaitingReplyDays: a.awaitingDays(),
		IncludeFailed:     seesFailed(u),
		Status:            status,
		MailboxID:         q.id("mailbox_id"),
		Folder:            q.value("folder"),
		StakeholderID:     q.id("stakeholder_id"),
		AssigneeID:        q.id("assignee_id"),
		Region:            q.region("region"),
		Unmatched:         q.flag("unmatched"),
		AwaitingReply:     q.flag("awaiting_reply"),
		From:              q.dayStart("from"),
		To:                q.dayEnd("to"),
		Q:                 q.text("q"),
	}
	if q.err != nil {
		return q.err
	}
	items, next, err := a.store.ListMessages(c.UserContext(), messageScope(u), f, p)
	if err != nil {
		return err
	}
	if err := a.hideForeign(c, u, items); err != nil {
		return err
	}
	views := viewAll(items, func(m *model.Message) messageView { return viewMessage(m, u) })
	if err := a.nameStakeholders(c, views); err != nil {
		return err
	}
	return sendList(c, "correos", messageColumns, views, next)
}

var messageColumns = []column[messageView]{
	{"date", "fecha", func(v messageView) string { return v.Date.In(lima).Format("2006-01-02 15:04") }},
	{"from", "de", func(v messageView) string { return v.From.Address }},
	{"subject", "asunto", func(v messageView) string { return v.Subject }},
	{"direction", "direccion", func(v messageView) string { return v.Direction }},
	{"status", "estado", func(v messageView) string { return v.Status }},
	{"regions", "regiones", func(v messageView) string { return strings.Join(regionNames(v.Regions), "; ") }},
	{"stakeholders", "actores", func(v messageView) string { return strconv.Itoa(len(v.StakeholderIDs)) }},
	{"unmatched", "sin_actor", func(v messageView) string { return yesNo(v.Unmatched) }},
	{"awaiting_reply", "espera_respuesta", func(v messageView) string { return yesNo(v.AwaitingReply) }},
	{"id", "id", func(v messageView) string { return v.ID.Hex() }},
}

// visibleMessage reads the :id message as the caller may see it.
func (a *API) visibleMessage(c *fiber.Ctx) (*model.Message, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	u := auth.User(c)
	m, err := a.store.MessageByID(c.UserContext(), messageScope(u), id, seesFailed(u))
	if err != nil {
		return nil, err
	}
	ms := []model.Message{*m}
	store.SetAwaitingReply(ms, a.store.Now(), a.awaitingDays())
	return &ms[0], nil
}

func (a *API) getMessage(c *fiber.Ctx) error {
	m, err := a.visibleMessage(c)
	if err != nil {
		return err
	}
	u := auth.User(c)
	one := []model.Message{*m}
	if err := a.hideForeign(c, u, one); err != nil {
		return err
	}
	v := viewMessage(&one[0], u)
	vs := []messageView{v}
	if err := a.nameStakeholders(c, vs); err != nil {
		return err
	}
	v = vs[0]
	if u.Role != model.RoleViewer {
		b, err := a.store.MessageBody(c.UserContext(), m.ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			empty := ""
			v.Text = &empty
		case err != nil:
			return err
		default:
			v.Text, v.HTML, v.RemoteImages = &b.Text, &b.HTML, b.RemoteImages
		}
	}
	return c.JSON(v)
}

func (a *API) updateMessage(c *fiber.Ctx) error {
	m, err := withIDAndBody(c, a.flows.UpdateMessage)
	if err != nil {
		return err
	}
	ms := []model.Message{*m}
	store.SetAwaitingReply(ms, a.store.Now(), a.awaitingDays())
	return c.JSON(viewMessage(&ms[0], auth.User(c)))
}

func (a *API) bulkMessageStatus(c *fiber.Ctx) error {
	var in bulkStatusRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	n, err := a.flows.SetMessagesStatus(c.UserContext(), auth.User(c), in.IDs, in.Status)
	if err != nil {
		return err
	}
	return c.JSON(bulkStatusResponse{Updated: n})
}

func (a *API) getThread(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u := auth.User(c)
	msgs, err := a.store.Thread(c.UserContext(), messageScope(u), id, seesFailed(u))
	if err != nil {
		return err
	}
	store.SetAwaitingReply(msgs, a.store.Now(), a.awaitingDays())
	if err := a.hideForeign(c, u, msgs); err != nil {
		return err
	}
	v := threadView{ID: id, Subject: msgs[0].Subject, Messages: viewAll(msgs, func(m *model.Message) messageView { return viewMessage(m, u) })}
	return c.JSON(v)
}

func (a *API) taskFromMessage(c *fiber.Ctx) error {
	id, in, err := idAndBody[messageTaskRequest](c)
	if err != nil {
		return err
	}
	t, err := a.flows.TaskFromMessage(c.UserContext(), auth.User(c), id, workflow.MessageTaskInput(in))
	return a.sendTask(c, fiber.StatusCreated, t, err)
}

func (a *API) commitmentFromMessage(c *fiber.Ctx) error {
	id, in, err := idAndBody[messageCommitmentRequest](c)
	if err != nil {
		return err
	}
	cm, err := a.flows.CommitmentFromMessage(c.UserContext(), auth.User(c), id, model.CommitmentInput{
		StakeholderID: in.StakeholderID, Text: in.Text, Type: in.Type, DueOn: in.DueOn, Region: in.Region,
	})
	return a.sendCommitment(c, fiber.StatusCreated, cm, err)
}

func (a *API) unmatchedAddresses(c *fiber.Ctx) error {
	q := queryOf(c)
	p := q.page()
	if q.err != nil {
		return q.err
	}
	internal, err := a.store.InternalAddresses(c.UserContext())
	if err != nil {
		return err
	}
	items, next, err := a.store.UnmatchedAddresses(c.UserContext(), messageScope(auth.User(c)), internal, p)
	if err != nil {
		return err
	}
	return c.JSON(newList(items, next))
}

func (a *API) linkAddress(c *fiber.Ctx) error {
	var in linkAddressRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	var fresh *model.StakeholderInput
	if ns := in.NewStakeholder; ns != nil {
		fresh = &model.StakeholderInput{Kind: ns.Kind, Name: ns.Name, Regions: ns.Regions}
	}
	id, n, err := a.flows.LinkAddress(c.UserContext(), auth.User(c), in.Address, in.StakeholderID, fresh)
	if err != nil {
		return err
	}
	return c.JSON(linkAddressResponse{StakeholderID: id, Rematched: n})
}

func (a *API) attachmentLimit() int64 { return a.opts.AttachmentMaxBytes }

// messageAttachment fetches one attachment from the mail server, trying each
// place the message was seen until one still has it.
func (a *API) messageAttachment(c *fiber.Ctx) error {
	m, err := a.visibleMessage(c)
	if err != nil {
		return err
	}
	idx, err := strconv.Atoi(c.Params("index"))
	if err != nil || idx < 0 || idx >= len(m.Attachments) {
		return coded(c, fiber.StatusNotFound, "attachment_missing")
	}
	att := m.Attachments[idx]
	limit := a.attachmentLimit()
	if att.Size > limit {
		return coded(c, fiber.StatusRequestEntityTooLarge, "attachment_too_large", limit>>20)
	}
	timeout := a.opts.IMAPTimeout
	ctx := c.UserContext()
	var lastErr error
	for _, loc := range m.SeenIn {
		mb, err := a.store.MailboxByID(ctx, loc.MailboxID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := store.DecryptMailboxPassword(a.opts.MailboxKey, mb); err != nil {
			lastErr = err
			continue
		}
		acct := mailsync.AccountFromMailbox(*mb)
		data, err := mailsync.FetchAttachment(ctx, acct, loc, att, timeout)
		if errors.Is(err, mailsync.ErrMessageGone) || errors.Is(err, mailsync.ErrNoAttachment) {
			lastErr = err
			continue
		}
		if err != nil {
			a.log.WarnContext(ctx, "attachment download failed", "request_id", requestID(c), "mailbox_id", loc.MailboxID.Hex(), "reason", mailsync.Reason(err))
			return coded(c, fiber.StatusBadGateway, "mail_server_unreachable")
		}
		if int64(len(data)) > limit {
			return coded(c, fiber.StatusRequestEntityTooLarge, "attachment_too_large", limit>>20)
		}
		ctype := att.Type
		if ctype == "" || strings.ContainsAny(ctype, "\r\n;") {
			ctype = "application/octet-stream"
		}
		if strings.HasPrefix(ctype, "text/") {
			ctype += "; charset=utf-8" // FetchAttachment converts text to UTF-8
		}
		name := att.Name
		if name == "" {
			name = "adjunto"
		}
		c.Set(fiber.HeaderContentType, ctype)
		c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		c.Set(fiber.HeaderCacheControl, "private, no-store")
		return c.Send(data)
	}
	if lastErr != nil {
		a.log.InfoContext(ctx, "attachment no longer on the server", "request_id", requestID(c), "err", lastErr)
	}
	return coded(c, fiber.StatusGone, "message_gone")
}

// hideForeign removes from messages the stakeholders and regions outside
// the user's scope: a message matched in Cusco and Loreto shows a Loreto
// user only its Loreto side, never the ids of records they may not see.
func (a *API) hideForeign(c *fiber.Ctx, u *model.User, msgs []model.Message) error {
	scope := u.Scope()
	if scope.All {
		return nil
	}
	var ids []bson.ObjectID
	for i := range msgs {
		ids = append(ids, msgs[i].StakeholderIDs...)
	}
	visible, err := a.store.StakeholdersByIDs(c.UserContext(), scope, ids)
	if err != nil {
		return err
	}
	for i := range msgs {
		m := &msgs[i]
		m.StakeholderIDs = slices.DeleteFunc(slices.Clone(m.StakeholderIDs), func(id bson.ObjectID) bool { _, ok := visible[id]; return !ok })
		m.Regions = slices.DeleteFunc(slices.Clone(m.Regions), func(r string) bool { return !scope.Allows(r) })
	}
	return nil
}
