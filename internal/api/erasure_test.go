package api

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/backup"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
)

// erasedTraces reports what of Rosa Elena Huamán Quispe an answer or file
// still holds: her surname in any case or accent, her address, or her phone
// in any spacing.
func erasedTraces(b []byte) []string {
	var found []string
	text := search.Normalize(string(b))
	for _, w := range []string{"huaman", "rosa elena", "rosa huaman", "huaman quispe"} {
		if strings.Contains(" "+text+" ", " "+w+" ") {
			found = append(found, w)
		}
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, string(b))
	if strings.Contains(digits, "987654321") {
		found = append(found, "987654321")
	}
	for _, raw := range []string{"Huam\\u00e1n", "Huam\\u00c1n", "HUAM\\u00c1N"} {
		if bytes.Contains(b, []byte(raw)) {
			found = append(found, raw)
		}
	}
	return found
}

// Issue 20 point 4: after an erasure the person was still found through
// other records' notes, a message's review note, the audit entries of
// deleted records and the next backup. She is named here in every place
// text is kept, in different case, accents, word orders and phone formats;
// after the erasure no answer of the API (search, lists, records, audit,
// messages, Idempotency-Key replays) nor a fresh backup holds any of it,
// and the other people in those records stay.
func TestErasureLeavesNothingFindable(t *testing.T) {
	ta := mailApp(t)
	ctx := context.Background()
	must := func(r resp, status int) map[string]any {
		t.Helper()
		if r.status != status {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if len(r.body) == 0 {
			return nil
		}
		return r.json(t)
	}
	rosa := must(ta.do("admin", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Rosa Elena Huamán Quispe",
		"emails": []string{"rosa.huaman@ong.pe"}, "phones": []string{"+51 987 654 321"}, "regions": []string{"08"},
		"tags": []string{"madre de víctima"}, "notes": "Hija atendida en el CAR de Cusco"}, IdempotencyHeader, "create-rosa"), 201)
	rosaID := rosa["id"].(string)
	luis := must(ta.do("admin", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Luis Paredes",
		"emails": []string{"luis@ong.pe"}, "regions": []string{"08"},
		"notes": "Coordina con rosa huaman (987-654-321), correo ROSA.HUAMAN@ONG.PE"}, IdempotencyHeader, "create-luis"), 201)
	luisID := luis["id"].(string)
	must(ta.do("admin", "POST", "/api/v1/stakeholders/"+luisID+"/relationships", map[string]any{"stakeholder_id": rosaID, "kind": "advises",
		"role": "Asesor de Rosa E. Huamán"}), 201)
	meeting := must(ta.do("officer", "POST", "/api/v1/meetings", map[string]any{
		"starts_at": "2026-03-05T15:00:00Z", "duration_min": 60, "kind": "in_person", "region": "08", "place": "Casa de Rosa Huamán",
		"participants": []map[string]any{{"stakeholder_id": rosaID, "role": "madre"}, {"stakeholder_id": luisID, "role": "asesor"}},
		"topics":       []string{"budget"}, "summary": "Reunión con ROSA ELENA HUAMAN y Luis Paredes",
		"agreements": "HUAMÁN QUISPE, Rosa enviará el informe", "next_steps": "Llamar al 51-987-654-321 o escribir a Rosa.Huaman@ong.pe",
		"commitments": []map[string]any{{"stakeholder_id": luisID, "text": "Luis acompañará a Rosa E. Huamán", "type": "coordination"}},
		"tasks":       []map[string]any{{"title": "Llamar a Huamán Quispe", "notes": "+51 (987) 654 321"}},
	}, IdempotencyHeader, "log-meeting"), 201)
	meetingID := meeting["id"].(string)
	// A meeting that names her, deleted: its audit entry keeps the text.
	gone := must(ta.do("officer", "POST", "/api/v1/meetings", map[string]any{
		"starts_at": "2026-03-06T15:00:00Z", "duration_min": 30, "kind": "call", "region": "08",
		"participants": []map[string]any{{"stakeholder_id": luisID, "role": "asesor"}}, "topics": []string{},
		"summary": "Luis habló de Rosa Huamán, tel. 987654321"}), 201)
	must(ta.do("officer", "DELETE", "/api/v1/meetings/"+gone["id"].(string), nil), 204)

	// Her mail, and someone else's mail that names her, with a review note.
	now := ta.store.Now()
	hers := mkMessage(1, "rosa.huaman@ong.pe", []string{"equipo@alianza.org.pe"}, "Pedido de apoyo", now.Add(-48*time.Hour))
	other := mkMessage(2, "luis@ong.pe", []string{"equipo@alianza.org.pe"}, "Sobre Rosa Huamán", now.Add(-24*time.Hour))
	other.Message.Cc = []model.Address{{Name: "Rosa Huamán", Address: "otra.direccion@gmail.com"}}
	other.Message.MessageID = "CAF123@mail.ong.pe"
	other.Body.Text = "Rosa Elena Huamán Quispe pide ayuda; su teléfono es 987 654 321."
	other.Body.HTML = "<p>Rosa Elena <b>Huam&aacute;n</b> pide ayuda</p>"
	if _, err := ta.store.SaveMessages(ctx, []model.IncomingMessage{hers, other}, workflow.MatchMail(ta.store)); err != nil {
		t.Fatal(err)
	}
	otherID := other.Message.ID.Hex()
	must(ta.do("admin", "PATCH", "/api/v1/messages/"+otherID, map[string]any{"status": "follow_up",
		"notes": "Hablar con Rosa Huamán (rosa.huaman@ong.pe, +51987654321)", "version": 1}, IdempotencyHeader, "review-1"), 200)

	// Everything the checks below read finds her before the erasure.
	reads := []string{
		"/api/v1/search?q=" + url.QueryEscape("huaman"),
		"/api/v1/search?q=987%20654%20321",
		"/api/v1/stakeholders?q=" + url.QueryEscape("rosa huamán"),
		"/api/v1/stakeholders/" + luisID,
		"/api/v1/stakeholders/" + rosaID,
		"/api/v1/meetings",
		"/api/v1/meetings/" + meetingID,
		"/api/v1/commitments",
		"/api/v1/tasks",
		"/api/v1/messages",
		"/api/v1/messages/" + otherID,
		"/api/v1/messages/" + hers.Message.ID.Hex(),
		"/api/v1/audit?limit=200",
	}
	for _, path := range reads {
		if r := ta.do("admin", "GET", path, nil); r.status != 200 || len(erasedTraces(r.body)) == 0 {
			t.Fatalf("before the erasure %s: %d, found %v: %s", path, r.status, erasedTraces(r.body), r.body)
		}
	}

	rep := must(ta.do("admin", "POST", "/api/v1/admin/stakeholders/"+rosaID+"/erase", map[string]any{"confirm_name": "Rosa Elena Huamán Quispe"}), 200)
	fields, _ := rep["fields"].(map[string]any)
	for k, want := range map[string]float64{"stakeholders": 1, "meetings": 1, "commitments": 1, "tasks": 1, "messages": 2, "message_bodies": 2, "idempotent_answers": 4} {
		if rep[k] != want {
			t.Errorf("report %s = %v, want %v (%v)", k, rep[k], want, rep)
		}
	}
	for _, f := range []string{"stakeholders.notes", "stakeholders.relationships", "meetings.summary", "meetings.agreements", "meetings.next_steps",
		"meetings.place", "meetings.participants", "commitments.text", "tasks.title", "tasks.notes", "messages.notes", "messages.subject",
		"messages.addresses", "message_bodies.text", "message_bodies.html", "audit.changes"} {
		if n, _ := fields[f].(float64); n < 1 {
			t.Errorf("report fields %s = %v (%v)", f, fields[f], fields)
		}
	}

	for _, path := range append(reads, "/api/v1/search?q=rosa%20elena", "/api/v1/search?q=rosa.huaman%40ong.pe", "/api/v1/messages?q=huaman",
		"/api/v1/audit?entity=meeting&limit=200", "/api/v1/audit?entity=stakeholder&entity_id="+rosaID) {
		r := ta.do("admin", "GET", path, nil)
		if r.status != 200 {
			t.Errorf("after the erasure %s: %d %s", path, r.status, r.body)
		}
		if found := erasedTraces(r.body); len(found) > 0 {
			t.Errorf("after the erasure %s still holds %v: %s", path, found, r.body)
		}
	}
	// Replays of the writes made before the erasure answer redacted and
	// write nothing again.
	replays := []struct {
		key, method, path string
		body              map[string]any
	}{
		{"create-rosa", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Rosa Elena Huamán Quispe",
			"emails": []string{"rosa.huaman@ong.pe"}, "phones": []string{"+51 987 654 321"}, "regions": []string{"08"},
			"tags": []string{"madre de víctima"}, "notes": "Hija atendida en el CAR de Cusco"}},
		{"create-luis", "POST", "/api/v1/stakeholders", map[string]any{"kind": "person", "name": "Luis Paredes",
			"emails": []string{"luis@ong.pe"}, "regions": []string{"08"}, "notes": "Coordina con rosa huaman (987-654-321), correo ROSA.HUAMAN@ONG.PE"}},
		{"review-1", "PATCH", "/api/v1/messages/" + otherID, map[string]any{"status": "follow_up",
			"notes": "Hablar con Rosa Huamán (rosa.huaman@ong.pe, +51987654321)", "version": 1}},
	}
	for _, rp := range replays {
		r := ta.do("admin", rp.method, rp.path, rp.body, IdempotencyHeader, rp.key)
		if r.status >= 300 || len(erasedTraces(r.body)) > 0 || bytes.Contains(r.body, []byte("CAR de Cusco")) || bytes.Contains(r.body, []byte("madre de v")) {
			t.Errorf("replay %s: %d %s", rp.key, r.status, r.body)
		}
	}
	var list struct{ Items []model.Stakeholder }
	ta.do("admin", "GET", "/api/v1/stakeholders?limit=200", nil).decode(t, &list)
	if len(list.Items) != 2 {
		t.Errorf("stakeholders after the replays: %d, want 2 (nothing re-created)", len(list.Items))
	}
	// The audit entry of the erasure counts what changed, never what.
	entries, _, err := ta.store.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "stakeholder", EntityID: rosaID}, store.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	counted := map[string]any{}
	for _, en := range entries {
		if en.Action == "erase" {
			for _, c := range en.Changes {
				counted[c.Field] = c.New
			}
		}
	}
	if counted["meetings"] != int32(1) || counted["fields.meetings.summary"] != int32(1) || counted["fields.messages.notes"] == nil {
		t.Errorf("erase audit entry: %v", counted)
	}
	// The other people stay.
	l := must(ta.do("admin", "GET", "/api/v1/stakeholders/"+luisID, nil), 200)
	if l["name"] != "Luis Paredes" || l["notes"] != "Coordina con [erased] ([erased]), correo [erased]" {
		t.Errorf("Luis after the erasure: %v", l)
	}
	m := must(ta.do("admin", "GET", "/api/v1/meetings/"+meetingID, nil), 200)
	if m["summary"] != "Reunión con [erased] y Luis Paredes" || m["agreements"] != "[erased] enviará el informe" {
		t.Errorf("meeting after the erasure: %v", m)
	}

	lite := ta.store.Embedded()
	if lite == nil {
		return // the backup below is of the embedded store
	}
	// A fresh backup archive holds none of it either.
	data := t.TempDir()
	if err := os.Mkdir(filepath.Join(data, "db"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(lite.Path(), filepath.Join(data, "db", store.EmbeddedFile)); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "after.tar.gz")
	if _, err := backup.Create(ctx, backup.Options{DataDir: data, Database: "alianza", Out: archive}); err != nil {
		t.Fatal(err)
	}
	content := archiveContent(t, archive)
	if !bytes.Contains(content, []byte("Luis Paredes")) {
		t.Fatal("the backup does not hold the other records: the check below proves nothing")
	}
	if found := erasedTraces(content); len(found) > 0 {
		for _, f := range found {
			i := bytes.Index(bytes.ToLower(content), []byte("huam"))
			t.Errorf("the backup holds %q: ...%q...", f, content[max(0, i-100):min(len(content), max(i, 0)+100)])
		}
	}
}

// archiveContent is every entry of a backup archive, uncompressed.
func archiveContent(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	tr := tar.NewReader(zr)
	for {
		if _, err := tr.Next(); err != nil {
			break
		}
		_, _ = io.Copy(&out, tr)
	}
	return out.Bytes()
}
