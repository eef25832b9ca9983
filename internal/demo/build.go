package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Build returns the demo dataset with dates relative to now (so overdue and
// this-month figures look alive) and owners taken from users (demo user key
// -> id). The same now and users give the same records with the same ids.
func Build(now time.Time, users map[string]bson.ObjectID) store.Dataset {
	now = now.UTC()
	today := lima(now)
	byKey := map[string]*actor{}
	for i := range actors {
		byKey[actors[i].key] = &actors[i]
	}
	var d store.Dataset

	for _, a := range actors {
		d.Stakeholders = append(d.Stakeholders, buildStakeholder(a, now, users))
	}

	for i, mp := range meetings {
		day := today.AddDate(0, 0, -mp.daysAgo)
		hour := 9 + (i*3)%8
		starts := time.Date(day.Year(), day.Month(), day.Day(), hour, 0, 0, 0, model.Lima).UTC()
		owner := users[ownerByRegion[mp.region]]
		m := model.Meeting{
			ID: ID(fmt.Sprintf("meeting-%d", i)), StartsAt: starts, DurationMin: 60 + 30*(i%3), Kind: mp.kind,
			Region: mp.region, Place: place(mp.kind, mp.region), Topics: mp.topics, Summary: mp.summary,
			Agreements: "Se acordó dar seguimiento en la próxima reunión.", NextSteps: "El equipo enviará un resumen por correo.",
			StaffIDs: []bson.ObjectID{owner}, OwnerID: owner, CommitmentIDs: []bson.ObjectID{}, TaskIDs: []bson.ObjectID{},
			Version: 1, CreatedAt: starts.Add(2 * time.Hour), UpdatedAt: starts.Add(2 * time.Hour),
		}
		m.Training = trainingFor(mp.kind, i)
		for j, k := range mp.cast {
			a := byKey[k]
			role := "participante"
			if j == 0 {
				role = "anfitrión"
			}
			m.Participants = append(m.Participants, model.Participant{StakeholderID: ID(k), Name: a.name, Role: role})
			m.StakeholderIDs = append(m.StakeholderIDs, ID(k))
		}
		m.Search = model.MeetingSearchWords(&m)
		d.Meetings = append(d.Meetings, m)
	}

	for i, cp := range commitments {
		m := &d.Meetings[cp.meeting]
		a := byKey[cp.stakeholder]
		made := m.StartsAt
		madeOn := lima(made).Format(time.DateOnly)
		owner := users[ownerByRegion[m.Region]]
		c := model.Commitment{
			ID: ID(fmt.Sprintf("commitment-%d", i)), StakeholderID: ID(a.key), StakeholderName: a.name, StakeholderKind: a.kind,
			Text: cp.text, Type: cp.kind, Region: m.Region, Origin: &model.Origin{Kind: "meeting", ID: m.ID},
			MadeOn: madeOn, DueOn: lima(made).AddDate(0, 0, cp.dueIn).Format(time.DateOnly),
			Status: model.StatusPending, OwnerID: owner, Version: 1, CreatedAt: made, UpdatedAt: made,
			History: []model.StatusChange{{Status: model.StatusPending, At: made, Note: "Registrado en la reunión.", By: owner}},
		}
		// Status changes are spread between the meeting and today.
		for j, st := range cp.path {
			at := made.Add(time.Duration(j+1) * now.Sub(made) / time.Duration(len(cp.path)+1))
			ch := model.StatusChange{Status: st, At: at, By: owner, Note: statusNote(st)}
			if model.IsFinal(st) && st != model.StatusWithdrawn {
				ch.Evidence = "https://ejemplo.pe/evidencia/" + c.ID.Hex()
			}
			c.History = append(c.History, ch)
			c.Status, c.UpdatedAt, c.Version = st, at, c.Version+1
		}
		if !model.IsFinal(c.Status) {
			c.NextFollowUpOn = today.AddDate(0, 0, 3+i%10).Format(time.DateOnly)
		}
		c.Search = model.CommitmentSearchWords(&c)
		m.CommitmentIDs = append(m.CommitmentIDs, c.ID)
		d.Commitments = append(d.Commitments, c)
	}

	for i, tp := range tasks {
		m := &d.Meetings[tp.meeting]
		assignee := users[ownerByRegion[m.Region]]
		t := model.Task{
			ID: ID(fmt.Sprintf("task-%d", i)), Title: tp.title, DueOn: today.AddDate(0, 0, tp.dueFromToday).Format(time.DateOnly),
			AssigneeID: assignee, Region: m.Region, Links: model.TaskLinks{MeetingID: m.ID},
			CreatedBy: assignee, Version: 1, CreatedAt: m.StartsAt.Add(3 * time.Hour), UpdatedAt: m.StartsAt.Add(3 * time.Hour),
		}
		if tp.commitment >= 0 {
			c := d.Commitments[tp.commitment]
			t.Links.CommitmentID, t.Links.StakeholderID = c.ID, c.StakeholderID
		} else if len(m.StakeholderIDs) > 0 {
			t.Links.StakeholderID = m.StakeholderIDs[0]
		}
		if tp.done {
			at := now.AddDate(0, 0, tp.dueFromToday)
			t.Done, t.DoneAt, t.UpdatedAt, t.Version = true, &at, at, 2
		}
		m.TaskIDs = append(m.TaskIDs, t.ID)
		d.Tasks = append(d.Tasks, t)
	}
	buildInitiatives(&d, now, users, byKey)
	return d
}

func buildStakeholder(a actor, now time.Time, users map[string]bson.ObjectID) model.Stakeholder {
	created := now.AddDate(0, -7, 0)
	region := a.regions[0]
	s := model.Stakeholder{
		ID: ID(a.key), Kind: a.kind, Name: a.name, Emails: []string{email(a)}, Phones: []string{phone(a.key)},
		Regions: a.regions, Tags: a.tags, Stance: a.stance, Influence: a.infl, OwnerID: users[ownerByRegion[region]],
		Notes: a.notes, Archived: a.archived, Relationships: []model.Relationship{}, Version: 1, CreatedAt: created, UpdatedAt: created,
	}
	if s.Tags == nil {
		s.Tags = []string{}
	}
	if a.kind == model.KindLegislator {
		s.Legislator = &model.Legislator{Chamber: a.chamber, Period: a.period, ParliamentaryGroup: a.group, Party: a.party,
			ElectoralDistrict: a.district, Committees: a.committees}
		if s.Legislator.Committees == nil {
			s.Legislator.Committees = []string{}
		}
	}
	if a.kind == model.KindOversightCommittee {
		s.Committee = &model.Committee{Region: a.committeeRegion, MemberIDs: []bson.ObjectID{}}
		if a.coordinator != "" {
			s.Committee.CoordinatorID = ID(a.coordinator)
		}
		for _, m := range a.members {
			s.Committee.MemberIDs = append(s.Committee.MemberIDs, ID(m))
		}
	}
	for _, r := range a.rels {
		s.Relationships = append(s.Relationships, model.Relationship{StakeholderID: ID(r.to), Kind: r.kind, Role: r.role, Since: r.since})
	}
	s.Search = StakeholderSearch(&s)
	return s
}

// StakeholderSearch is the search field of a stakeholder, built the way
// the store builds it.
func StakeholderSearch(s *model.Stakeholder) string { return search.Words(s.SearchParts()...) }

// email makes a fictional address at ejemplo.pe from the record key.
func email(a actor) string {
	_, rest, _ := strings.Cut(a.key, "-")
	return strings.ReplaceAll(rest, "-", ".") + "@ejemplo.pe"
}

// phone makes a fictional number in the 900 000 xxx range from the key.
func phone(key string) string {
	id := ID(key)
	return fmt.Sprintf("+51 900 000 %03d", int(id[0])*4%1000)
}

func place(kind, region string) string {
	switch kind {
	case "virtual":
		return "Videollamada"
	case "call":
		return "Llamada telefónica"
	}
	if region == model.National {
		return "Lima, sede del Congreso"
	}
	return model.RegionName(region) + ", oficina regional"
}

func statusNote(st string) string {
	switch st {
	case model.StatusInProgress:
		return "Hay avances según el despacho."
	case model.StatusFulfilled:
		return "Cumplido; se adjunta evidencia."
	case model.StatusPartiallyFulfilled:
		return "Cumplido solo en parte."
	case model.StatusNotFulfilled:
		return "Venció el plazo sin respuesta."
	case model.StatusWithdrawn:
		return "Retirado por cambio de prioridades."
	}
	return ""
}

// lima is t as a Lima calendar day at midnight.
func lima(t time.Time) time.Time {
	l := t.In(model.Lima)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, model.Lima)
}
