package model

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestNewCommitmentDefaults(t *testing.T) {
	now := time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC) // still 31 March in Lima
	by := Actor{ID: bson.NewObjectID(), Email: "ofi@x.org", Name: "Ofi"}
	owner := bson.NewObjectID()
	st := Stakeholder{ID: bson.NewObjectID(), Name: "Fiscalía de la Nación", Kind: KindInstitution, Regions: []string{"NAC", "08"}}
	cusco := Scope{Regions: []string{"08"}}
	for _, tc := range []struct {
		name           string
		in             CommitmentInput
		scope          Scope
		region, madeOn string
		owner          bson.ObjectID
	}{
		{"defaults in scope", CommitmentInput{Text: "x"}, cusco, "08", "2026-03-31", by.ID},
		{"defaults with every region", CommitmentInput{Text: "x"}, Scope{All: true}, "NAC", "2026-03-31", by.ID},
		{"given", CommitmentInput{Text: "x", Region: "15", MadeOn: "2026-01-02", OwnerID: owner}, cusco, "15", "2026-01-02", owner},
	} {
		c := NewCommitment(tc.in, st, tc.scope, by, now)
		if c.Region != tc.region || c.MadeOn != tc.madeOn || c.OwnerID != tc.owner {
			t.Errorf("%s: region %q made %q owner %v", tc.name, c.Region, c.MadeOn, c.OwnerID)
		}
		if c.Status != StatusPending || len(c.History) != 1 || c.History[0].Status != StatusPending || c.History[0].By != by.ID ||
			c.History[0].ByName != "Ofi" || c.Version != 1 || c.StakeholderName != st.Name || c.StakeholderKind != st.Kind || c.ID.IsZero() {
			t.Errorf("%s: record %+v", tc.name, c)
		}
		if c.Search != CommitmentSearchWords(c) || c.Search == "" {
			t.Errorf("%s: search %q", tc.name, c.Search)
		}
	}
}

func TestNestedCommitment(t *testing.T) {
	m := &Meeting{ID: bson.NewObjectID(), Region: "08", StartsAt: time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC)} // 5 March in Lima
	got := NestedCommitment(CommitmentInput{Text: "x"}, m)
	if got.Region != "08" || got.MadeOn != "2026-03-05" || got.Origin == nil || got.Origin.Kind != "meeting" || got.Origin.ID != m.ID {
		t.Fatalf("defaults: %+v", got)
	}
	got = NestedCommitment(CommitmentInput{Text: "x", Region: "16", MadeOn: "2026-03-01", Origin: &Origin{Kind: "message"}}, m)
	if got.Region != "16" || got.MadeOn != "2026-03-01" || got.Origin.Kind != "meeting" {
		t.Fatalf("given: %+v", got)
	}
}

func TestSearchWords(t *testing.T) {
	c := &Commitment{Text: "Publicar el PROTOCOLO", StakeholderName: "Fiscalía"}
	if got := CommitmentSearchWords(c); got != "publicar el protocolo fiscalia" {
		t.Errorf("commitment: %q", got)
	}
	m := &Meeting{Summary: "Reunión", Agreements: "Acuerdo", NextSteps: "Oficio", Place: "Sede",
		Participants: []Participant{{Name: "Rosa Huamán"}}, Topics: []string{"budget"}, Training: &Training{Topics: []string{"víctimas"}}}
	if got := MeetingSearchWords(m); got != "reunion acuerdo oficio sede rosa huaman budget victimas" {
		t.Errorf("meeting: %q", got)
	}
}

func TestNewTaskAndMeeting(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	by := Actor{ID: bson.NewObjectID()}
	if tk := NewTask(TaskInput{Title: "x"}, "08", by, now); tk.AssigneeID != by.ID || tk.CreatedBy != by.ID || tk.Region != "08" || tk.Version != 1 {
		t.Errorf("task defaults: %+v", tk)
	}
	other := bson.NewObjectID()
	if tk := NewTask(TaskInput{Title: "x", AssigneeID: other}, "08", by, now); tk.AssigneeID != other || tk.CreatedBy != by.ID {
		t.Errorf("task assignee: %+v", tk)
	}
	p := bson.NewObjectID()
	m := NewMeeting(MeetingInput{StartsAt: "2026-03-05T15:00:00Z", Region: "08", Participants: []ParticipantInput{{StakeholderID: p, Role: "r"}}}, by, now)
	if m.OwnerID != by.ID || len(m.StakeholderIDs) != 1 || m.StakeholderIDs[0] != p || m.StaffIDs == nil || m.CommitmentIDs == nil || m.TaskIDs == nil {
		t.Errorf("meeting: %+v", m)
	}
	in := NestedTask(TaskInput{Title: "y"}, m)
	if in.Links.MeetingID != m.ID || in.Region != "08" {
		t.Errorf("nested task: %+v", in)
	}
}
