package model

import (
	"reflect"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestErasureText(t *testing.T) {
	e := NewErasure(bson.NewObjectID(), []string{"Rosa Huamán Quispe", "Rosa Huamán"}, []string{"a@x.pe", "", "lima.a@x.pe"})
	tests := []struct{ in, want string }{
		{"Acordado con Rosa Huamán.", "Acordado con [erased]."},
		{"acordado con ROSA HUAMÁN QUISPE hoy", "acordado con [erased] hoy"},
		// A longer word that only starts with the name stays.
		{"Rosa Huamánita revisa", "Rosa Huamánita revisa"},
		// Every address, whatever its case; a longer address goes whole.
		{"De A@X.pe y Lima.A@x.pe para otros@x.pe", "De [erased] y [erased] para otros@x.pe"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := e.Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := NewErasure(bson.NewObjectID(), nil, nil).Text("Rosa a@x.pe"); got != "Rosa a@x.pe" {
		t.Errorf("nothing to erase changed %q", got)
	}
	v := e.Value(bson.D{{Key: "old", Value: bson.A{"a@x.pe", "b@x.pe", 3}}, {Key: "new", Value: "Rosa Huamán"}})
	want := bson.D{{Key: "old", Value: bson.A{ErasedName, "b@x.pe", 3}}, {Key: "new", Value: ErasedName}}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("Value = %v, want %v", v, want)
	}
}

func TestErasureRecords(t *testing.T) {
	id, other := bson.NewObjectID(), bson.NewObjectID()
	e := NewErasure(id, []string{"Rosa Huamán"}, []string{"rosa@ong.pe"})

	m := Meeting{Participants: []Participant{{StakeholderID: id, Name: "Rosa Huamán"}, {StakeholderID: other, Name: "Luis"}},
		Summary: "Con Rosa Huamán y Luis", Place: "Casa de rosa@ong.pe"}
	e.Meeting(&m)
	if m.Participants[0].Name != ErasedName || m.Participants[1].Name != "Luis" || m.Summary != "Con [erased] y Luis" || m.Place != "Casa de [erased]" {
		t.Errorf("meeting: %+v", m)
	}

	c := Commitment{StakeholderID: id, StakeholderName: "Rosa Huamán", Text: "Rosa Huamán enviará", History: []StatusChange{{Note: "llamar a rosa@ong.pe"}}}
	e.Commitment(&c)
	if c.StakeholderName != ErasedName || c.Text != "[erased] enviará" || c.History[0].Note != "llamar a [erased]" {
		t.Errorf("commitment: %+v", c)
	}
	c2 := Commitment{StakeholderID: other, StakeholderName: "Luis", Text: "Luis enviará"}
	e.Commitment(&c2)
	if c2.StakeholderName != "Luis" || c2.Text != "Luis enviará" {
		t.Errorf("someone else's commitment changed: %+v", c2)
	}

	tk := Task{Title: "Llamar a Rosa Huamán", Notes: "rosa@ong.pe"}
	e.Task(&tk)
	if tk.Title != "Llamar a [erased]" || tk.Notes != ErasedName {
		t.Errorf("task: %+v", tk)
	}

	msg := Message{From: Address{Name: "Rosa", Address: "Rosa@ONG.pe"}, To: []Address{{Name: "Equipo", Address: "equipo@alianza.pe"}},
		Cc: []Address{{Address: "rosa@ong.pe"}}, Subject: "Hola", SubjectKey: "hola", Snippet: "texto", Attachments: []Attachment{{Name: "cv.pdf"}}}
	e.Message(&msg)
	if msg.From != (Address{Name: ErasedName}) || msg.To[0].Address != "equipo@alianza.pe" || msg.Cc[0] != (Address{Name: ErasedName}) ||
		msg.Subject != ErasedName || msg.SubjectKey != "" || msg.Snippet != "" || msg.Attachments[0].Name != ErasedName {
		t.Errorf("message: %+v", msg)
	}

	st := Stakeholder{ID: id, Kind: KindPerson, Name: "Rosa Huamán", Emails: []string{"rosa@ong.pe"}, Phones: []string{"1"}, Tags: []string{"x"},
		Notes: "n", Stance: "ally", Influence: "high", Regions: []string{"08"}, Search: "rosa"}
	e.Stakeholder(&st)
	if st.Name != ErasedName || len(st.Emails)+len(st.Phones)+len(st.Tags) != 0 || st.Notes != "" || st.Search != "" ||
		st.Stance != DefaultStance || st.Influence != DefaultInfluence || st.Kind != KindPerson || !slices.Equal(st.Regions, []string{"08"}) {
		t.Errorf("stakeholder: %+v", st)
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
