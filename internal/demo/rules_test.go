package demo

import (
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The demo and reference datasets are bulk-inserted, not written through
// the workflows (historical records with fixed ids, created_at in the past,
// thousands per second): this checks that what they insert still obeys the
// rules the workflows apply to a record written today.
func TestDatasetsObeyTheDomainRules(t *testing.T) {
	now := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	refIDs := map[string]bson.ObjectID{}
	for _, u := range refUsers {
		refIDs[u.Key] = ID(u.Key)
	}
	for name, d := range map[string]store.Dataset{"demo": Build(now, demoUserIDs()), "reference": Reference(0.05, now, refIDs)} {
		for i := range d.Stakeholders {
			st := d.Stakeholders[i]
			if err := st.Validate(); err != nil {
				t.Errorf("%s stakeholder %s: %v", name, st.Name, err)
			}
			if st.Version < 1 || st.Search == "" {
				t.Errorf("%s stakeholder %s: version %d, search %q", name, st.Name, st.Version, st.Search)
			}
		}
		for _, m := range d.Meetings {
			if !model.MeetingKinds.Valid(m.Kind) || !model.ValidRegion(m.Region) || m.Version < 1 {
				t.Errorf("%s meeting %s: kind %q region %q version %d", name, m.ID.Hex(), m.Kind, m.Region, m.Version)
			}
			seen := map[bson.ObjectID]bool{}
			for _, p := range m.Participants {
				if p.StakeholderID.IsZero() || seen[p.StakeholderID] || p.Name == "" {
					t.Errorf("%s meeting %s: participant %+v", name, m.ID.Hex(), p)
				}
				seen[p.StakeholderID] = true
			}
		}
		for _, c := range d.Commitments {
			if !model.CommitmentStatuses.Valid(c.Status) || !model.CommitmentTypes.Valid(c.Type) || len(c.History) == 0 ||
				c.History[len(c.History)-1].Status != c.Status || !model.ValidDate(c.MadeOn) || c.Version < 1 {
				t.Errorf("%s commitment %s: status %q type %q history %d", name, c.ID.Hex(), c.Status, c.Type, len(c.History))
			}
		}
		for _, tk := range d.Tasks {
			if tk.Title == "" || !model.ValidDate(tk.DueOn) || tk.Version < 1 {
				t.Errorf("%s task %s: %+v", name, tk.ID.Hex(), tk)
			}
		}
		if len(d.Initiatives) == 0 {
			t.Errorf("%s: no initiatives", name)
		}
		linked := 0
		for _, it := range d.Initiatives {
			if err := it.Validate(); err != nil || it.History[len(it.History)-1].Stage != it.Stage || it.Version < 1 || it.Search == "" {
				t.Errorf("%s initiative %s: %v %+v", name, it.Title, err, it)
			}
		}
		for _, c := range d.Commitments {
			if !c.InitiativeID.IsZero() {
				linked++
			}
		}
		if linked == 0 {
			t.Errorf("%s: no commitment is about an initiative", name)
		}
	}
}
