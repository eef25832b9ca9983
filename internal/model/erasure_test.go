package model

import (
	"reflect"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestErasureText(t *testing.T) {
	e := NewErasure(bson.NewObjectID(), true, []string{"Rosa Elena Huamán Quispe", "Rosa Huamán"}, []string{"a@x.pe", "", "lima.a@x.pe"},
		[]string{"+51 987 654 321", "(01) 426-1234", "12"})
	tests := []struct{ in, want string }{
		{"Acordado con Rosa Huamán.", "Acordado con [erased]."},
		{"acordado con ROSA ELENA HUAMÁN QUISPE hoy", "acordado con [erased] hoy"},
		// Accents, case, order, initials, particles and joiners do not matter.
		{"rosa huaman; HUAMAN QUISPE, Rosa Elena; Rosa E. Huamán", "[erased]; [erased]; [erased]"},
		{"Elena Huamán firmó; la sra. Huamán-Quispe también", "[erased] firmó; la sra. [erased] también"},
		{"Escribe desde rosa.huaman@gmail.com", "Escribe desde [erased]@gmail.com"},
		{"Rosa Elena Huama\u0301n", "[erased]"},
		// A longer word that only starts with the name stays.
		{"Rosa Huamánita revisa", "Rosa Huamánita revisa"},
		// One word alone, or a pair that is more likely someone else, stays.
		{"Rosa Quispe Mamani trajo flores rosa; Quispe llamó", "Rosa Quispe Mamani trajo flores rosa; Quispe llamó"},
		{"Rosa; Huamán", "Rosa; Huamán"},
		// Every address, whatever its case; a longer address goes whole.
		{"De A@X.pe y Lima.A@x.pe para otros@x.pe", "De [erased] y [erased] para otros@x.pe"},
		// Every phone, whatever its spacing, country code or trunk prefix.
		{"Tel. 987654321, +51 987 654 321, 51-987-654-321 o (+51) 987.654.321", "Tel. [erased], [erased], [erased] o ([erased]"},
		{"fijo 01 426 1234 / +51 1 4261234", "fijo [erased] / [erased]"},
		// Other numbers, and a phone inside a longer number, stay.
		{"En 2026 atendimos 987 654 casos; cuenta 19876543210", "En 2026 atendimos 987 654 casos; cuenta 19876543210"},
		{"12 personas", "12 personas"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := e.Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := NewErasure(bson.NewObjectID(), true, nil, nil, nil).Text("Rosa a@x.pe 987654321"); got != "Rosa a@x.pe 987654321" {
		t.Errorf("nothing to erase changed %q", got)
	}
	if got := NewErasure(bson.NewObjectID(), true, []string{"Xiomara"}, nil, nil).Text("Llamó xiomara."); got != "Llamó [erased]." {
		t.Errorf("a one-word name: %q", got)
	}
	body := NewErasure(bson.NewObjectID(), false, []string{"Gobierno Regional Demo de Puno"}, nil, nil)
	for in, want := range map[string]string{
		"Con el gobierno regional demo de PUNO y el Gobierno Regional Demo de Arequipa": "Con el [erased] y el Gobierno Regional Demo de Arequipa",
		"Puno, oficina regional; Demo de Puno":                                          "Puno, oficina regional; Demo de Puno",
	} {
		if got := body.Text(in); got != want {
			t.Errorf("an institution: Text(%q) = %q, want %q", in, got, want)
		}
	}
	v := e.Value(bson.D{{Key: "old", Value: bson.A{"a@x.pe", "b@x.pe", 3}}, {Key: "new", Value: "Rosa Huamán"}})
	want := bson.D{{Key: "old", Value: bson.A{ErasedName, "b@x.pe", 3}}, {Key: "new", Value: ErasedName}}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("Value = %v, want %v", v, want)
	}
}

func TestErasureJSON(t *testing.T) {
	id := bson.NewObjectID()
	e := NewErasure(id, true, []string{"Rosa Huamán"}, []string{"rosa@ong.pe"}, []string{"987654321"})
	tests := []struct {
		name, in, want string
		changed        bool
	}{
		{"their own record", `{"id":"` + id.Hex() + `","name":"Rosa Huamán","notes":"hija en Cusco","tags":["madre"],"version":2,"legislator":{"party":"P"}}`,
			`{"id":"` + id.Hex() + `","name":"[erased]","notes":"","tags":[],"version":2}`, true},
		{"a meeting naming them", `{"id":"x","summary":"con rosa HUAMAN (987 654 321)","n":1.50}`, `{"id":"x","n":1.50,"summary":"con [erased] ([erased])"}`, true},
		{"nothing of theirs", `{"b":1,"a":"Rosa"}`, `{"b":1,"a":"Rosa"}`, false},
		{"not JSON", `Rosa Huamán`, `[erased]`, true},
	}
	for _, tt := range tests {
		got, changed := e.JSON([]byte(tt.in))
		if string(got) != tt.want || changed != tt.changed {
			t.Errorf("%s: JSON = %s %v, want %s %v", tt.name, got, changed, tt.want, tt.changed)
		}
	}
}

func TestErasureRecords(t *testing.T) {
	id, other := bson.NewObjectID(), bson.NewObjectID()
	e := NewErasure(id, true, []string{"Rosa Huamán"}, []string{"rosa@ong.pe"}, []string{"987 654 321"})

	m := Meeting{Participants: []Participant{{StakeholderID: id, Name: "Rosa Huamán"}, {StakeholderID: other, Name: "Luis"}},
		Summary: "Con Rosa Huamán y Luis", Place: "Casa de rosa@ong.pe", NextSteps: "Llamar al 987654321"}
	if !e.Meeting(&m) || m.Participants[0].Name != ErasedName || m.Participants[1].Name != "Luis" || m.Summary != "Con [erased] y Luis" ||
		m.Place != "Casa de [erased]" || m.NextSteps != "Llamar al [erased]" {
		t.Errorf("meeting: %+v", m)
	}
	untouched := Meeting{Participants: []Participant{{StakeholderID: other, Name: "Luis"}}, Summary: "Con Luis"}
	if e.Meeting(&untouched) {
		t.Errorf("a meeting without them changed: %+v", untouched)
	}

	c := Commitment{StakeholderID: id, StakeholderName: "Rosa Huamán", Text: "Rosa Huamán enviará", History: []StatusChange{{Note: "llamar a rosa@ong.pe"}}}
	if !e.Commitment(&c) || c.StakeholderName != ErasedName || c.Text != "[erased] enviará" || c.History[0].Note != "llamar a [erased]" {
		t.Errorf("commitment: %+v", c)
	}
	c2 := Commitment{StakeholderID: other, StakeholderName: "Luis", Text: "Luis enviará"}
	if e.Commitment(&c2) || c2.StakeholderName != "Luis" || c2.Text != "Luis enviará" {
		t.Errorf("someone else's commitment changed: %+v", c2)
	}

	tk := Task{Title: "Llamar a Rosa Huamán", Notes: "rosa@ong.pe"}
	if !e.Task(&tk) || tk.Title != "Llamar a [erased]" || tk.Notes != ErasedName {
		t.Errorf("task: %+v", tk)
	}

	msg := Message{From: Address{Name: "Rosa", Address: "Rosa@ONG.pe"}, To: []Address{{Name: "Equipo", Address: "equipo@alianza.pe"}},
		Cc: []Address{{Address: "rosa@ong.pe"}}, Subject: "Hola", SubjectKey: "hola", Snippet: "texto", Attachments: []Attachment{{Name: "cv.pdf"}},
		Notes: "Pide apoyo para su hija"}
	e.Message(&msg, true)
	if msg.From != (Address{Name: ErasedName}) || msg.To[0].Address != "equipo@alianza.pe" || msg.Cc[0] != (Address{Name: ErasedName}) ||
		msg.Subject != ErasedName || msg.SubjectKey != "" || msg.Snippet != "" || msg.Attachments[0].Name != ErasedName || msg.Notes != ErasedName {
		t.Errorf("their message: %+v", msg)
	}
	naming := Message{From: Address{Name: "Equipo", Address: "equipo@alianza.pe"}, To: []Address{{Name: "Rosa Huamán", Address: "otra@x.pe"}},
		Subject: "Reunión con Rosa Huamán", SubjectKey: "reunion con rosa huaman", Notes: "Ver rosa@ong.pe", Attachments: []Attachment{{Name: "acta.pdf"}}}
	if !e.Message(&naming, false) || naming.Subject != "Reunión con [erased]" || naming.SubjectKey != "reunion con [erased]" ||
		naming.Notes != "Ver [erased]" || naming.To[0] != (Address{Name: ErasedName, Address: "otra@x.pe"}) || naming.Attachments[0].Name != "acta.pdf" {
		t.Errorf("a message naming them: %+v", naming)
	}
	body := MessageBody{Text: "Hola Rosa Huamán", HTML: "<p>Hola Rosa <b>Huam&aacute;n</b></p>", Header: "To: Rosa Huamán <otra@x.pe>"}
	if !e.MessageBody(&body) || body.Text != "Hola [erased]" || body.HTML != "" || body.Header != "To: [erased] <otra@x.pe>" {
		t.Errorf("a body naming them: %+v", body)
	}

	st := Stakeholder{ID: other, Name: "Luis", Notes: "Trabaja con Rosa Huamán (987-654-321)", Tags: []string{"rosa huaman"},
		Relationships: []Relationship{{Role: "asesor de Rosa Huamán"}}}
	if !e.OtherStakeholder(&st) || st.Name != "Luis" || st.Notes != "Trabaja con [erased] ([erased])" || st.Tags[0] != ErasedName || st.Relationships[0].Role != "asesor de [erased]" {
		t.Errorf("another stakeholder: %+v", st)
	}

	own := Stakeholder{ID: id, Kind: KindPerson, Name: "Rosa Huamán", Emails: []string{"rosa@ong.pe"}, Phones: []string{"1"}, Tags: []string{"x"},
		Notes: "n", Stance: "ally", Influence: "high", Regions: []string{"08"}, Search: "rosa"}
	e.Stakeholder(&own)
	if own.Name != ErasedName || len(own.Emails)+len(own.Phones)+len(own.Tags) != 0 || own.Notes != "" || own.Search != "" ||
		own.Stance != DefaultStance || own.Influence != DefaultInfluence || own.Kind != KindPerson || !slices.Equal(own.Regions, []string{"08"}) {
		t.Errorf("stakeholder: %+v", own)
	}
	want := map[string]int{"meetings.participants": 1, "meetings.summary": 1, "meetings.place": 1, "meetings.next_steps": 1,
		"commitments.stakeholder_name": 1, "commitments.text": 1, "commitments.history": 1, "tasks.title": 1, "tasks.notes": 1,
		"messages.addresses": 3, "messages.subject": 3, "messages.notes": 2, "messages.attachments": 1,
		"message_bodies.text": 1, "message_bodies.html": 1, "message_bodies.header": 1,
		"stakeholders.notes": 1, "stakeholders.tags": 1, "stakeholders.relationships": 1, "stakeholder.personal_fields": 1}
	if !reflect.DeepEqual(e.Changed, want) {
		t.Errorf("changed fields %v, want %v", e.Changed, want)
	}
}

func TestConfirmErasure(t *testing.T) {
	tests := []struct {
		name, typed string
		ok          bool
	}{
		{"Rosa Huamán", "Rosa Huamán", true},
		{"Rosa Huamán", "  Rosa Huamán ", true},
		{"Rosa Huamán", "rosa huamán", false},
		{"Rosa Huamán", "", false},
	}
	for _, tt := range tests {
		err := ConfirmErasure(tt.name, tt.typed)
		if (err == nil) != tt.ok || (err != nil && !slices.Equal(problemFields(err), []string{"confirm_name"})) {
			t.Errorf("ConfirmErasure(%q, %q) = %v", tt.name, tt.typed, err)
		}
	}
}

// FuzzErasureText: redacting never panics (any bytes), and what it leaves
// names the person no more.
func FuzzErasureText(f *testing.F) {
	for _, s := range []string{"Rosa Elena Huamán Quispe", "HUAMAN QUISPE, Rosa E. y rosa.huaman@ong.pe", "+51 987-654-321 / (01) 426 1234",
		"Rosa <b>Huam&aacute;n</b>", "rosa\u00a0huama\u0301n", "\xff\xfeRosa Huamán\x00"} {
		f.Add(s)
	}
	e := NewErasure(bson.NewObjectID(), true, []string{"Rosa Elena Huamán Quispe"}, []string{"rosa.huaman@ong.pe"}, []string{"+51 987 654 321", "(01) 426-1234"})
	f.Fuzz(func(t *testing.T, s string) {
		if out := e.Text(s); e.Mentions(out) {
			t.Errorf("Text(%q) = %q still names the person", s, out)
		}
	})
}
