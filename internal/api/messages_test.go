package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// mailApp is a test app whose API has a mailbox key and the team domain.
func mailApp(t *testing.T) *testApp {
	t.Helper()
	return newTestApp(t).withMail()
}

// teamDomains are mailApp's store's team domains.
var teamDomains = []string{"alianza.org.pe"}

// withMail gives ta's API a mailbox key and its store the team domains.
func (ta *testApp) withMail() *testApp {
	ta.t.Helper()
	key := mailKey(ta.t)
	ta.store.SetTeamDomains(teamDomains)
	ta.app = ta.newApp(func(o *Options) { o.MailboxKey, o.AwaitingReplyDays = key, 7 })
	return ta
}

// mailKey is the key mailApp's API encrypts mailbox passwords with.
func mailKey(t testing.TB) []byte {
	t.Helper()
	key, err := store.MailboxKey([]byte(strings.Repeat("s", 32)))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// mailFixtures are stakeholders with emails and messages from them.
type mailFixtures struct {
	rosa, asoc                  model.Stakeholder
	cusco, loreto, unknown, out model.IncomingMessage
	failed                      model.IncomingMessage
	threadOut                   bson.ObjectID
}

func mkMessage(id byte, from string, to []string, subject string, date time.Time) model.IncomingMessage {
	mid := bson.ObjectID{0xee, id}
	m := model.Message{
		ID: mid, MessageID: subject + "@test", ThreadID: mid, Subject: subject, From: model.Address{Name: "Remitente", Address: from},
		Date: date, Snippet: "Resumen de " + subject, Direction: model.Inbound, Status: model.MessageNew, Version: 1,
		SeenIn: []model.Location{{MailboxID: bson.ObjectID{0xb0}, Folder: "INBOX", UID: uint32(id), UIDValidity: 1}},
	}
	for _, a := range to {
		m.To = append(m.To, model.Address{Address: a})
	}
	return model.IncomingMessage{Message: m, Body: model.MessageBody{ID: mid, Text: "Texto completo de " + subject, HTML: "<p>hola</p>"}}
}

func insertMail(t *testing.T, ta *testApp) mailFixtures {
	t.Helper()
	ctx := context.Background()
	f := mailFixtures{
		rosa: model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindPerson, Name: "Rosa Huamán", Emails: []string{"rosa@congreso.gob.pe"},
			Regions: []string{"08"}, Stance: "unknown", Influence: "medium", Version: 1},
		asoc: model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindOrganization, Name: "Asociación Amazónica", Emails: []string{"asoc@amazonia.org"},
			Regions: []string{"16"}, Stance: "unknown", Influence: "medium", Version: 1},
	}
	if err := ta.store.InsertStakeholders(ctx, []model.Stakeholder{f.rosa, f.asoc}); err != nil {
		t.Fatal(err)
	}
	now := ta.store.Now()
	f.cusco = mkMessage(1, "rosa@congreso.gob.pe", []string{"equipo@alianza.org.pe"}, "Presupuesto de prevención", now.Add(-48*time.Hour))
	f.cusco.Message.Attachments = []model.Attachment{{Index: 0, Name: "acta.pdf", Type: "application/pdf", Size: 1234, Part: "2"}}
	f.loreto = mkMessage(2, "asoc@amazonia.org", []string{"equipo@alianza.org.pe"}, "Reunión en Iquitos", now.Add(-24*time.Hour))
	f.unknown = mkMessage(3, "nadie@gmail.com", []string{"equipo@alianza.org.pe"}, "Consulta", now.Add(-12*time.Hour))
	f.unknown.Message.Cc = []model.Address{{Address: "otro@alianza.org.pe"}}
	f.out = mkMessage(4, "equipo@alianza.org.pe", []string{"rosa@congreso.gob.pe"}, "Pedido de reunión", now.Add(-10*24*time.Hour))
	f.out.Message.Direction = model.Outbound
	f.threadOut = f.out.Message.ThreadID
	f.failed = mkMessage(5, "roto@example.org", nil, "(mensaje ilegible)", now.Add(-time.Hour))
	f.failed.Message.Status = model.MessageFailed
	if _, err := ta.store.SaveMessages(ctx, []model.IncomingMessage{f.cusco, f.loreto, f.unknown, f.out, f.failed}, workflow.MatchMail(ta.store)); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestMessagesAPI(t *testing.T) {
	ta, f := appWith(t, mailApp, insertMail)
	cusco, loreto, unknown, out, failed := f.cusco.Message.ID.Hex(), f.loreto.Message.ID.Hex(), f.unknown.Message.ID.Hex(), f.out.Message.ID.Hex(), f.failed.Message.ID.Hex()
	missing := bson.NewObjectID().Hex()
	ta.run(t, []scenario{
		{name: "admin lists all, failed too", as: "admin", method: "GET", path: "/api/v1/messages", status: 200,
			want: map[string]any{"items.0.id": failed, "items.0.status": "failed", "items.1.id": unknown, "items.2.id": loreto, "items.3.id": cusco, "items.4.id": out, "items.1.unmatched": true}},
		{name: "manager lists all but failed", as: "manager", method: "GET", path: "/api/v1/messages", status: 200,
			want: map[string]any{"items.0.id": unknown, "items.1.id": loreto, "items.2.id": cusco, "items.3.id": out}},
		{name: "regional officer", as: "cusco_officer", method: "GET", path: "/api/v1/messages", status: 200,
			want: map[string]any{"items.0.id": cusco, "items.0.snippet": "Resumen de Presupuesto de prevención", "items.0.stakeholder_ids.0": f.rosa.ID.Hex(), "items.1.id": out}},
		{name: "viewer sees no snippet", as: "loreto_viewer", method: "GET", path: "/api/v1/messages", status: 200,
			want: map[string]any{"items.0.id": loreto, "items.0.regions": []string{"16"}}},
		{name: "unmatched needs every region", as: "cusco_manager", method: "GET", path: "/api/v1/messages?unmatched=true", status: 200, want: map[string]any{"items": []any{}}},
		{name: "unmatched", as: "manager", method: "GET", path: "/api/v1/messages?unmatched=true", status: 200, want: map[string]any{"items.0.id": unknown}},
		{name: "awaiting reply", as: "officer", method: "GET", path: "/api/v1/messages?awaiting_reply=true", status: 200,
			want: map[string]any{"items.0.id": out, "items.0.awaiting_reply": true, "items.0.direction": "outbound"}},
		{name: "by stakeholder", as: "officer", method: "GET", path: "/api/v1/messages?stakeholder_id=" + f.asoc.ID.Hex(), status: 200, want: map[string]any{"items.0.id": loreto}},
		{name: "by region", as: "admin", method: "GET", path: "/api/v1/messages?region=16", status: 200, want: map[string]any{"items.0.id": loreto}},
		{name: "q", as: "admin", method: "GET", path: "/api/v1/messages?q=iquitos", status: 200, want: map[string]any{"items.0.id": loreto}},
		{name: "from", as: "manager", method: "GET", path: "/api/v1/messages?from=" + ta.store.Now().Add(-13*time.Hour).Format(time.RFC3339), status: 200, want: map[string]any{"items.0.id": unknown}},
		{name: "failed for admins", as: "admin", method: "GET", path: "/api/v1/messages?status=failed", status: 200, want: map[string]any{"items.0.id": failed}},
		{name: "failed forbidden to managers", as: "manager", method: "GET", path: "/api/v1/messages?status=failed", status: 403},
		{name: "failed hidden from managers", as: "manager", method: "GET", path: "/api/v1/messages/" + failed, status: 404},
		{name: "bad status filter", as: "admin", method: "GET", path: "/api/v1/messages?status=later", status: 422, want: map[string]any{"errors.0.field": "status"}},
		{name: "bad bool filter", as: "admin", method: "GET", path: "/api/v1/messages?unmatched=maybe", status: 422, want: map[string]any{"errors.0.field": "unmatched"}},
		{name: "bad id filter", as: "admin", method: "GET", path: "/api/v1/messages?mailbox_id=x", status: 422, want: map[string]any{"errors.0.field": "mailbox_id"}},
		{name: "csv", as: "officer", method: "GET", path: "/api/v1/messages?format=csv", status: 200},

		{name: "get with body", as: "cusco_officer", method: "GET", path: "/api/v1/messages/" + cusco, status: 200,
			want: map[string]any{"text": "Texto completo de Presupuesto de prevención", "html": "<p>hola</p>", "attachments.0.name": "acta.pdf", "version": float64(1)}},
		{name: "get out of region", as: "loreto_manager", method: "GET", path: "/api/v1/messages/" + cusco, status: 404},
		{name: "get missing", as: "admin", method: "GET", path: "/api/v1/messages/" + missing, status: 404},
		{name: "get bad id", as: "admin", method: "GET", path: "/api/v1/messages/nope", status: 404},
	})
	ta.steps(t, []scenario{
		{name: "patch", as: "cusco_officer", method: "PATCH", path: "/api/v1/messages/" + cusco,
			body: map[string]any{"status": "follow_up", "notes": "Responder el lunes", "assignee_id": ta.users["cusco_officer"].ID.Hex(), "version": 1}, status: 200,
			want: map[string]any{"status": "follow_up", "notes": "Responder el lunes", "version": float64(2)}},
		{name: "patch stale", as: "cusco_officer", method: "PATCH", path: "/api/v1/messages/" + cusco, body: map[string]any{"status": "done", "version": 1}, status: 409},
		{name: "patch no version", as: "cusco_officer", method: "PATCH", path: "/api/v1/messages/" + cusco, body: map[string]any{"status": "done"}, status: 422,
			want: map[string]any{"errors.0.field": "version"}},
		{name: "patch to failed", as: "admin", method: "PATCH", path: "/api/v1/messages/" + cusco, body: map[string]any{"status": "failed", "version": 2}, status: 422},
		{name: "patch unknown meeting", as: "admin", method: "PATCH", path: "/api/v1/messages/" + cusco, body: map[string]any{"meeting_ids": []string{missing}, "version": 2}, status: 422,
			want: map[string]any{"errors.0.field": "meeting_ids[0]"}},
		{name: "patch by viewer", as: "viewer", method: "PATCH", path: "/api/v1/messages/" + cusco, body: map[string]any{"status": "done", "version": 2}, status: 403},
		{name: "patch out of region", as: "loreto_manager", method: "PATCH", path: "/api/v1/messages/" + cusco, body: map[string]any{"status": "done", "version": 2}, status: 404},

		{name: "bulk in scope only", as: "cusco_manager", method: "POST", path: "/api/v1/messages/bulk-status",
			body: map[string]any{"ids": []string{cusco, loreto, out}, "status": "done"}, status: 200, want: map[string]any{"updated": float64(2)}},
		{name: "bulk again changes nothing", as: "cusco_manager", method: "POST", path: "/api/v1/messages/bulk-status",
			body: map[string]any{"ids": []string{cusco}, "status": "done"}, status: 200, want: map[string]any{"updated": float64(0)}},
		{name: "bulk bad status", as: "admin", method: "POST", path: "/api/v1/messages/bulk-status", body: map[string]any{"ids": []string{cusco}, "status": "x"}, status: 422},
		{name: "bulk by viewer", as: "viewer", method: "POST", path: "/api/v1/messages/bulk-status", body: map[string]any{"ids": []string{cusco}, "status": "done"}, status: 403},
		{name: "loreto untouched", as: "admin", method: "GET", path: "/api/v1/messages/" + loreto, status: 200, want: map[string]any{"status": "new"}},

		{name: "thread", as: "officer", method: "GET", path: "/api/v1/threads/" + f.threadOut.Hex(), status: 200,
			want: map[string]any{"id": f.threadOut.Hex(), "subject": "Pedido de reunión", "messages.0.id": out}},
		{name: "thread out of region", as: "loreto_viewer", method: "GET", path: "/api/v1/threads/" + f.threadOut.Hex(), status: 404},
		{name: "thread missing", as: "admin", method: "GET", path: "/api/v1/threads/" + missing, status: 404},

		{name: "task from message", as: "cusco_officer", method: "POST", path: "/api/v1/messages/" + cusco + "/task",
			body: map[string]any{"title": "Responder a Rosa", "due_on": "2026-12-01"}, status: 201,
			want: map[string]any{"links.message_id": cusco, "region": "08", "assignee_id": ta.users["cusco_officer"].ID.Hex()}},
		{name: "task from unmatched needs a region", as: "officer", method: "POST", path: "/api/v1/messages/" + unknown + "/task",
			body: map[string]any{"title": "Identificar remitente"}, status: 422, want: map[string]any{"errors.0.field": "region"}},
		{name: "task from unmatched with region", as: "officer", method: "POST", path: "/api/v1/messages/" + unknown + "/task",
			body: map[string]any{"title": "Identificar remitente", "region": "15"}, status: 201, want: map[string]any{"links.message_id": unknown}},
		{name: "task invalid", as: "cusco_officer", method: "POST", path: "/api/v1/messages/" + cusco + "/task", body: map[string]any{"title": ""}, status: 422},
		{name: "task out of region", as: "loreto_manager", method: "POST", path: "/api/v1/messages/" + cusco + "/task", body: map[string]any{"title": "x"}, status: 404},
		{name: "task by viewer", as: "viewer", method: "POST", path: "/api/v1/messages/" + cusco + "/task", body: map[string]any{"title": "x"}, status: 403},

		{name: "commitment from message", as: "cusco_officer", method: "POST", path: "/api/v1/messages/" + cusco + "/commitment",
			body: map[string]any{"stakeholder_id": f.rosa.ID.Hex(), "text": "Presentar el proyecto", "type": "legislative", "due_on": "2026-12-15"}, status: 201,
			want: map[string]any{"origin.kind": "message", "origin.id": cusco, "region": "08"}},
		{name: "commitment invalid", as: "cusco_officer", method: "POST", path: "/api/v1/messages/" + cusco + "/commitment",
			body: map[string]any{"stakeholder_id": f.rosa.ID.Hex(), "text": "", "type": "magic"}, status: 422},
		{name: "commitment stakeholder out of region", as: "cusco_officer", method: "POST", path: "/api/v1/messages/" + cusco + "/commitment",
			body: map[string]any{"stakeholder_id": f.asoc.ID.Hex(), "text": "x", "type": "other"}, status: 422, want: map[string]any{"errors.0.field": "stakeholder_id"}},
		{name: "commitment linked on the message", as: "admin", method: "GET", path: "/api/v1/messages/" + cusco, status: 200,
			want: map[string]any{"links.commitment_ids.0": present}},

		{name: "attachment by viewer", as: "viewer", method: "GET", path: "/api/v1/messages/" + cusco + "/attachments/0", status: 403},
		{name: "attachment index missing", as: "admin", method: "GET", path: "/api/v1/messages/" + cusco + "/attachments/3", status: 404},
		{name: "attachment out of region", as: "loreto_manager", method: "GET", path: "/api/v1/messages/" + cusco + "/attachments/0", status: 404},
		{name: "attachment whose mailbox is gone", as: "admin", method: "GET", path: "/api/v1/messages/" + cusco + "/attachments/0", status: 410},
	})

	// Viewers get metadata only.
	r := ta.do("viewer", "GET", "/api/v1/messages/"+cusco, nil)
	m := r.json(t)
	for _, k := range []string{"text", "html", "snippet"} {
		if _, ok := m[k]; ok {
			t.Errorf("viewer sees %s", k)
		}
	}
	if m["subject"] != "Presupuesto de prevención" {
		t.Errorf("viewer metadata: %v", m)
	}
	// Every change was audited.
	r = ta.do("admin", "GET", "/api/v1/audit?entity=message&entity_id="+cusco, nil)
	if items := r.json(t)["items"].([]any); len(items) < 3 {
		t.Errorf("%d audit entries for the message, want status, bulk status and the commitment link", len(items))
	}
}

func TestUnmatchedAndLinkAddress(t *testing.T) {
	ta, f := appWith(t, mailApp, insertMail)
	other := mkMessage(6, "prensa@diario.pe", []string{"equipo@alianza.org.pe"}, "Entrevista", ta.store.Now().Add(-time.Hour))
	again := mkMessage(7, "nadie@gmail.com", []string{"equipo@alianza.org.pe"}, "Otra consulta", ta.store.Now().Add(-30*time.Minute))
	if _, err := ta.store.SaveMessages(context.Background(), []model.IncomingMessage{other, again}, workflow.MatchMail(ta.store)); err != nil {
		t.Fatal(err)
	}
	unknown := f.unknown.Message.ID.Hex()
	ta.run(t, []scenario{
		{name: "unmatched addresses", as: "manager", method: "GET", path: "/api/v1/messages/unmatched-addresses", status: 200,
			want: map[string]any{"items.0.address": "nadie@gmail.com", "items.0.count": float64(2), "items.1.address": "prensa@diario.pe"}},
		{name: "regional users see none", as: "cusco_manager", method: "GET", path: "/api/v1/messages/unmatched-addresses", status: 200, want: map[string]any{"items": []any{}}},
		{name: "link needs a target", as: "officer", method: "POST", path: "/api/v1/messages/link-address", body: map[string]any{"address": "nadie@gmail.com"}, status: 422},
		{name: "link bad address", as: "officer", method: "POST", path: "/api/v1/messages/link-address", body: map[string]any{"address": "nadie", "stakeholder_id": f.rosa.ID.Hex()}, status: 422,
			want: map[string]any{"errors.0.field": "address"}},
		{name: "link team address", as: "admin", method: "POST", path: "/api/v1/messages/link-address", body: map[string]any{"address": "otro@alianza.org.pe", "stakeholder_id": f.rosa.ID.Hex()}, status: 422},
		{name: "link by viewer", as: "viewer", method: "POST", path: "/api/v1/messages/link-address", body: map[string]any{"address": "nadie@gmail.com", "stakeholder_id": f.rosa.ID.Hex()}, status: 403},
		{name: "link to stakeholder out of region", as: "loreto_manager", method: "POST", path: "/api/v1/messages/link-address",
			body: map[string]any{"address": "nadie@gmail.com", "stakeholder_id": f.rosa.ID.Hex()}, status: 422, want: map[string]any{"errors.0.field": "stakeholder_id"}},
		{name: "officer may not edit others' stakeholder", as: "cusco_officer", method: "POST", path: "/api/v1/messages/link-address",
			body: map[string]any{"address": "nadie@gmail.com", "stakeholder_id": f.rosa.ID.Hex()}, status: 403},
		{name: "regional users cannot claim unmatched mail", as: "cusco_manager", method: "POST", path: "/api/v1/messages/link-address",
			body: map[string]any{"address": "nadie@gmail.com", "stakeholder_id": f.rosa.ID.Hex()}, status: 422, want: map[string]any{"errors.0.field": "address"}},
	})
	ta.steps(t, []scenario{
		{name: "link to existing", as: "manager", method: "POST", path: "/api/v1/messages/link-address",
			body: map[string]any{"address": "Nadie@Gmail.com", "stakeholder_id": f.rosa.ID.Hex()}, status: 200,
			want: map[string]any{"stakeholder_id": f.rosa.ID.Hex(), "rematched": float64(2)}},
		{name: "re-matched", as: "cusco_officer", method: "GET", path: "/api/v1/messages/" + unknown, status: 200,
			want: map[string]any{"unmatched": false, "regions": []string{"08"}, "stakeholder_ids.0": f.rosa.ID.Hex()}},
		{name: "email added", as: "admin", method: "GET", path: "/api/v1/stakeholders/" + f.rosa.ID.Hex(), status: 200,
			want: map[string]any{"emails": []string{"rosa@congreso.gob.pe", "nadie@gmail.com"}}},
		{name: "new stakeholder invalid", as: "officer", method: "POST", path: "/api/v1/messages/link-address",
			body: map[string]any{"address": "prensa@diario.pe", "new_stakeholder": map[string]any{"kind": "press", "name": "Diario", "regions": []string{"16"}}}, status: 422,
			want: map[string]any{"errors.0.field": "new_stakeholder.kind"}},
		{name: "new stakeholder", as: "officer", method: "POST", path: "/api/v1/messages/link-address",
			body: map[string]any{"address": "prensa@diario.pe", "new_stakeholder": map[string]any{"kind": "organization", "name": "Diario Oriente", "regions": []string{"16"}}}, status: 200,
			want: map[string]any{"rematched": float64(1)}},
		{name: "now visible in Loreto", as: "loreto_viewer", method: "GET", path: "/api/v1/messages?q=entrevista", status: 200,
			want: map[string]any{"items.0.id": other.Message.ID.Hex(), "items.0.unmatched": false}},
		{name: "nothing left unmatched", as: "admin", method: "GET", path: "/api/v1/messages/unmatched-addresses", status: 200, want: map[string]any{"items": []any{}}},
	})
}

// TestStakeholderEmailEditRematches: adding an address to a stakeholder
// through the stakeholder API links that address's waiting messages, and
// removing it unlinks them.
func TestStakeholderEmailEditRematches(t *testing.T) {
	ta, f := appWith(t, mailApp, insertMail)
	path := "/api/v1/stakeholders/" + f.rosa.ID.Hex()
	msg := "/api/v1/messages/" + f.unknown.Message.ID.Hex()
	r := ta.do("admin", "PATCH", path, map[string]any{"emails": []string{"rosa@congreso.gob.pe", "Nadie@Gmail.com"}, "version": 1})
	if r.status != 200 {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	m := ta.do("admin", "GET", msg, nil).json(t)
	if m["unmatched"] != false || !jsonEqual(m["regions"], []string{"08"}) {
		t.Fatalf("after adding the address: unmatched=%v regions=%v", m["unmatched"], m["regions"])
	}
	if r := ta.do("cusco_officer", "GET", msg, nil); r.status != 200 {
		t.Fatalf("a Cusco officer should now see the message: %d", r.status)
	}
	r = ta.do("admin", "PATCH", path, map[string]any{"emails": []string{"rosa@congreso.gob.pe"}, "version": 2})
	if r.status != 200 {
		t.Fatalf("patch back: %d %s", r.status, r.body)
	}
	if m := ta.do("admin", "GET", msg, nil).json(t); m["unmatched"] != true {
		t.Fatalf("after removing the address: unmatched=%v", m["unmatched"])
	}
}
