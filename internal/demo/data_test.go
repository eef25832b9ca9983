package demo

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func demoUserIDs() map[string]bson.ObjectID {
	ids := map[string]bson.ObjectID{}
	for _, u := range Users {
		ids[u.Key] = ID("user-" + u.Key)
	}
	return ids
}

// TestDemoDataIsConsistent checks the hand-written plans against each other:
// who commits was at the meeting, every status appears, names look fictional.
func TestDemoDataIsConsistent(t *testing.T) {
	now := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	d := Build(now, demoUserIDs())
	ids := map[bson.ObjectID]bool{}
	for _, s := range d.Stakeholders {
		if ids[s.ID] {
			t.Errorf("duplicate id for %s", s.Name)
		}
		ids[s.ID] = true
		if !strings.Contains(s.Name, "Demo") || !strings.Contains(s.Name, "(") {
			t.Errorf("name %q does not look fictional", s.Name)
		}
		if !strings.HasSuffix(s.Emails[0], "@ejemplo.pe") {
			t.Errorf("email %q", s.Emails[0])
		}
		for _, r := range s.Regions {
			if !model.ValidRegion(r) {
				t.Errorf("%s: region %q", s.Name, r)
			}
		}
		for _, r := range s.Relationships {
			if !ids[r.StakeholderID] && !slices.ContainsFunc(d.Stakeholders, func(x model.Stakeholder) bool { return x.ID == r.StakeholderID }) {
				t.Errorf("%s: relationship to unknown stakeholder", s.Name)
			}
		}
		if s.Search == "" {
			t.Errorf("%s: empty search field", s.Name)
		}
	}
	if n := len(d.Meetings); n < 35 || n > 45 {
		t.Errorf("%d meetings, want about 40", n)
	}
	statuses := map[string]bool{}
	today := model.Today(now)
	overdue := 0
	for i, c := range d.Commitments {
		m := meetingByID(d.Meetings, c.Origin.ID)
		if !slices.Contains(m.StakeholderIDs, c.StakeholderID) {
			t.Errorf("commitment %d: %s was not at meeting %q", i, c.StakeholderName, m.Summary)
		}
		if c.Region != m.Region {
			t.Errorf("commitment %d: region %s, meeting in %s", i, c.Region, m.Region)
		}
		if c.History[len(c.History)-1].Status != c.Status {
			t.Errorf("commitment %d: history does not end in the status", i)
		}
		statuses[c.Status] = true
		if c.Overdue(today) {
			overdue++
		}
	}
	for _, st := range model.CommitmentStatuses {
		if !statuses[st] {
			t.Errorf("no commitment in status %s", st)
		}
	}
	if overdue < 3 {
		t.Errorf("%d overdue commitments, want several", overdue)
	}
	var done, late int
	for i, tk := range d.Tasks {
		if tk.Links.CommitmentID != (bson.ObjectID{}) {
			c := commitmentByID(d.Commitments, tk.Links.CommitmentID)
			if c.Origin.ID != tk.Links.MeetingID {
				t.Errorf("task %d: commitment from another meeting", i)
			}
		}
		if tk.Done {
			done++
		} else if tk.DueOn < today {
			late++
		}
	}
	if done == 0 || late == 0 {
		t.Errorf("tasks: %d done, %d overdue; want some of each", done, late)
	}
	// Deterministic: same input, same records.
	again := Build(now, demoUserIDs())
	if again.Commitments[3].ID != d.Commitments[3].ID || again.Meetings[7].StartsAt != d.Meetings[7].StartsAt {
		t.Error("Build is not deterministic")
	}
}

func meetingByID(ms []model.Meeting, id bson.ObjectID) *model.Meeting {
	for i := range ms {
		if ms[i].ID == id {
			return &ms[i]
		}
	}
	return &model.Meeting{}
}

func commitmentByID(cs []model.Commitment, id bson.ObjectID) *model.Commitment {
	for i := range cs {
		if cs[i].ID == id {
			return &cs[i]
		}
	}
	return &model.Commitment{}
}

func TestReferenceSizesAndDeterminism(t *testing.T) {
	now := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	ids := map[string]bson.ObjectID{}
	for _, u := range refUsers {
		ids[u.Key] = ID(u.Key)
	}
	d := Reference(0.1, now, ids)
	if len(d.Stakeholders) != 200 || len(d.Meetings) != 1000 || len(d.Commitments) != 300 || len(d.Tasks) != 500 || len(d.Initiatives) != 30 {
		t.Fatalf("sizes %d %d %d %d %d", len(d.Stakeholders), len(d.Meetings), len(d.Commitments), len(d.Tasks), len(d.Initiatives))
	}
	program := 0
	for _, m := range d.Meetings {
		for _, r := range ProgramRegions[:6] {
			if m.Region == r {
				program++
			}
		}
		if m.Search == "" {
			t.Fatal("meeting without search field")
		}
	}
	if program < 500 {
		t.Errorf("%d of 1000 meetings in program regions, want most", program)
	}
	again := Reference(0.1, now, ids)
	if again.Meetings[500].Summary != d.Meetings[500].Summary || again.Commitments[100].StakeholderID != d.Commitments[100].StakeholderID {
		t.Error("Reference is not deterministic")
	}
}
