package mailsync

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestNormalizeSubject(t *testing.T) {
	checkText(t, "NormalizeSubject", NormalizeSubject, []textCase{
		{"Reunión", "Reunión"},
		{"Re: Reunión", "Reunión"},
		{"RE: RV: Reunión", "Reunión"},
		{"Fwd: FW: re: Reunión", "Reunión"},
		{"Rpta: Solicitud de información", "Solicitud de información"},
		{"RPTA : Solicitud", "Solicitud"},
		{"Resp: Respuesta: Oficio 123", "Oficio 123"},
		{"Re[2]: Re(3): acta", "acta"},
		{"[lista-ddhh] Re: Pronunciamiento", "Pronunciamiento"},
		{"RE: [lista] RV: Pronunciamiento", "Pronunciamiento"},
		{"  Re:   muchos    espacios ", "muchos espacios"},
		{"Reenv: Informe", "Informe"},
		{"Recordatorio: sesión", "Recordatorio: sesión"}, // a word that starts like "re" is not a marker
		{"Rev: informe", "Rev: informe"},
		{"RE:", ""},
	})
}

func TestIsReplySubject(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Reunión", false},
		{"RE: Reunión", true},
		{"RV: Reunión", true},
		{"Rpta: oficio", true},
		{"[lista] Pronunciamiento", false},
		{"[lista] Re: Pronunciamiento", true},
		{"Recordatorio: sesión", false},
	}
	for _, tt := range tests {
		if got := IsReplySubject(tt.in); got != tt.want {
			t.Errorf("IsReplySubject(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSubjectKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Reunión con la Comisión", "RE: reunion con la comision"},
		{"RV: PRESUPUESTO  2026", "presupuesto 2026"},
		{"Rpta: Ñandú", "ñandu"},
	}
	for _, tt := range tests {
		if SubjectKey(tt.a) != SubjectKey(tt.b) {
			t.Errorf("SubjectKey(%q) = %q != SubjectKey(%q) = %q", tt.a, SubjectKey(tt.a), tt.b, SubjectKey(tt.b))
		}
	}
}

func TestThreadID(t *testing.T) {
	root := IDForMessageID("root@x.pe")
	tests := []struct {
		name       string
		messageID  string
		inReplyTo  []string
		references []string
		want       bson.ObjectID
	}{
		{"a root is its own thread", "root@x.pe", nil, nil, root},
		{"reply by In-Reply-To", "r1@x.pe", []string{"root@x.pe"}, nil, root},
		{"first reference wins", "r2@x.pe", []string{"r1@x.pe"}, []string{"root@x.pe", "r1@x.pe"}, root},
		{"nothing known", "", nil, nil, bson.ObjectID{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ThreadID(tt.messageID, tt.inReplyTo, tt.references); got != tt.want {
				t.Errorf("ThreadID = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestThreadIndexWindow(t *testing.T) {
	day := 24 * time.Hour
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	thread := IDForMessageID("a@x.pe")
	ix := newThreadIndex()
	ix.add("reunion", thread, start)
	ix.add("reunion", IDForMessageID("later@x.pe"), start.Add(2*day)) // the earlier thread stays

	tests := []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"inside the window", start.Add(3 * day), true},
		{"before the thread started", start.Add(-day), false},
		{"after the window", start.Add(SubjectWindow + day), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ix.lookup("reunion", tt.at)
			if ok != tt.ok || (ok && got != thread) {
				t.Errorf("lookup = %v, %v; want %v", got, ok, tt.ok)
			}
		})
	}
	if _, ok := ix.lookup("otro asunto", start); ok {
		t.Error("unknown subject found")
	}
}
