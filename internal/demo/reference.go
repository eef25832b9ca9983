package demo

import (
	"fmt"
	"math/rand"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Reference dataset sizes at scale 1.
const (
	RefStakeholders = 2000
	RefMeetings     = 10000
	RefCommitments  = 3000
	RefTasks        = 5000
	refSeed         = 20260101
)

// refUsers are the reference dataset's staff: a manager and an officer per
// program region plus national staff. Their emails end in @ref.alianza.test.
var refUsers = func() []User {
	var us []User
	for _, r := range ProgramRegions {
		name := strings.ToLower(strings.ReplaceAll(model.RegionName(r), " ", ""))
		us = append(us,
			User{"ref-manager-" + r, "manager." + name + "@ref.alianza.test", "Gestor Ref " + model.RegionName(r) + " (ficticio)", model.RoleManager, []string{r}},
			User{"ref-officer-" + r, "officer." + name + "@ref.alianza.test", "Oficial Ref " + model.RegionName(r) + " (ficticia)", model.RoleOfficer, []string{r}},
		)
	}
	return append(us, User{"ref-admin", "admin@ref.alianza.test", "Admin Ref (ficticio)", model.RoleAdmin, []string{model.AllRegions}})
}()

// regionWeights makes the program regions eight times as busy as the others.
func regionWeights() (codes []string, cum []int) {
	total := 0
	for _, r := range model.Regions {
		w := 1
		switch {
		case r.Program:
			w = 8
		case r.Code == model.National:
			w = 4
		}
		total += w
		codes = append(codes, r.Code)
		cum = append(cum, total)
	}
	return codes, cum
}

var (
	firstNames = []string{"Rosa", "Julio", "Carmen", "Luis", "Ana", "Pedro", "Elena", "Mario", "Sonia", "Jorge", "Patricia", "Walter",
		"Lucía", "Nélida", "Héctor", "Rita", "David", "Gloria", "Tomás", "Sara", "Iván", "Carla", "Fredy", "Inés", "Raúl", "Marta"}
	lastNames = []string{"Quispe", "Huamán", "Vargas", "Paredes", "Tapia", "Shuña", "Cárdenas", "Condori", "Mamani", "Zegarra", "Ríos",
		"Ccori", "Ccahuana", "Apaza", "Ramos", "Sangama", "Huarcaya", "Aguirre", "Pari", "Villanueva", "Tello", "Choque", "Pinedo", "Salas"}
	subjects = []string{"presupuesto", "albergue", "fiscalía", "prevención", "víctimas", "capacitación", "ordenanza", "protocolo",
		"frontera", "minería", "escuelas", "transporte", "registro", "policía", "salud", "municipio", "reglamento", "dictamen"}
	actions = []string{"Revisión de", "Seguimiento a", "Coordinación sobre", "Propuesta de", "Informe sobre", "Diagnóstico de", "Taller sobre"}
	places  = []string{"oficina regional", "sede del gobierno regional", "municipalidad", "Congreso", "auditorio", "local comunal"}
)

// Reference builds the reference dataset at scale (1 = 2,000 stakeholders,
// 10,000 meetings, 3,000 commitments, 5,000 tasks), deterministically from a
// fixed seed, with dates relative to now. Program regions carry most records.
// The first stakeholder (a Lima legislator) is in ~2% of all meetings: the
// "busy stakeholder" of the timeline benchmark.
func Reference(scale float64, now time.Time, users map[string]bson.ObjectID) store.Dataset {
	rng := rand.New(rand.NewSource(refSeed))
	now = now.UTC()
	today := lima(now)
	n := func(base int) int { return max(1, int(float64(base)*scale)) }
	codes, cum := regionWeights()
	pickRegion := func() string {
		x := rng.Intn(cum[len(cum)-1])
		for i, c := range cum {
			if x < c {
				return codes[i]
			}
		}
		return codes[len(codes)-1]
	}
	owner := func(region string) bson.ObjectID {
		kind := "ref-officer-"
		if rng.Intn(3) == 0 {
			kind = "ref-manager-"
		}
		if id, ok := users[kind+region]; ok {
			return id
		}
		return users["ref-admin"]
	}
	var d store.Dataset

	// Stakeholders, and who can be met in each region.
	pools := map[string][]int{}
	index := map[bson.ObjectID]int{}
	kinds := []struct {
		kind string
		cum  int // out of 100
	}{{model.KindLegislator, 8}, {model.KindOversightCommittee, 11}, {model.KindInstitution, 26}, {model.KindOrganization, 40}, {model.KindPerson, 100}}
	for i := range n(RefStakeholders) {
		kind := model.KindPerson
		x := rng.Intn(100)
		for _, k := range kinds {
			if x < k.cum {
				kind = k.kind
				break
			}
		}
		region := pickRegion()
		if i == 0 {
			kind, region = model.KindLegislator, "15"
		}
		regions := []string{region}
		if rng.Intn(10) == 0 {
			if r2 := pickRegion(); r2 != region {
				regions = append(regions, r2)
			}
		}
		first, last := firstNames[rng.Intn(len(firstNames))], lastNames[rng.Intn(len(lastNames))]
		name := refName(kind, i, first, last, region)
		created := now.AddDate(0, 0, -rng.Intn(900)-30)
		s := model.Stakeholder{
			ID: ID(fmt.Sprintf("ref-stakeholder-%d", i)), Kind: kind, Name: name,
			Emails: []string{fmt.Sprintf("ref%04d@ejemplo.pe", i)}, Phones: []string{fmt.Sprintf("+51 900 %03d %03d", i/1000, i%1000)},
			Regions: regions, Tags: []string{subjects[rng.Intn(len(subjects))]}, Stance: model.Stances[rng.Intn(len(model.Stances))],
			Influence: model.Influences[rng.Intn(len(model.Influences))], OwnerID: owner(region), Notes: "",
			Archived: rng.Intn(50) == 0, Relationships: []model.Relationship{}, Version: 1, CreatedAt: created, UpdatedAt: created,
		}
		if i == 0 {
			s.Archived = false
		}
		switch kind {
		case model.KindLegislator:
			chamber, period := "congress", "2021-2026"
			if rng.Intn(4) == 0 {
				chamber, period = []string{"senate", "deputies"}[rng.Intn(2)], "2026-2031"
			}
			s.Legislator = &model.Legislator{Chamber: chamber, Period: period, ParliamentaryGroup: fmt.Sprintf("Bancada Ref %d", rng.Intn(8)+1),
				Party: fmt.Sprintf("Partido Ref %d", rng.Intn(10)+1), ElectoralDistrict: region, Committees: []string{"Justicia"}}
		case model.KindOversightCommittee:
			s.Committee = &model.Committee{Region: region, MemberIDs: []bson.ObjectID{}}
		}
		s.Search = StakeholderSearch(&s)
		index[s.ID] = len(d.Stakeholders)
		d.Stakeholders = append(d.Stakeholders, s)
		if !s.Archived {
			for _, r := range regions {
				pools[r] = append(pools[r], i)
			}
		}
	}

	// Meetings over the last two years; participants skewed towards the first
	// stakeholders of each region's pool, so some are much busier than others.
	start := now.AddDate(-2, 0, 0)
	span := now.Sub(start)
	for i := range n(RefMeetings) {
		region := pickRegion()
		pool := pools[region]
		at := start.Add(time.Duration(rng.Int63n(int64(span)))).Truncate(30 * time.Minute)
		m := model.Meeting{
			ID: ID(fmt.Sprintf("ref-meeting-%d", i)), StartsAt: at, DurationMin: 30 * (1 + rng.Intn(4)),
			Kind: model.MeetingKinds[rng.Intn(len(model.MeetingKinds))], Region: region,
			Place:  model.RegionName(region) + ", " + places[rng.Intn(len(places))],
			Topics: []string{model.Topics[rng.Intn(len(model.Topics))]}, CommitmentIDs: []bson.ObjectID{}, TaskIDs: []bson.ObjectID{},
			Participants: []model.Participant{}, StakeholderIDs: []bson.ObjectID{},
			Version: 1, CreatedAt: at, UpdatedAt: at,
		}
		m.OwnerID = owner(region)
		m.Training = trainingFor(m.Kind, i)
		m.StaffIDs = []bson.ObjectID{m.OwnerID}
		m.Summary = actions[rng.Intn(len(actions))] + " " + subjects[rng.Intn(len(subjects))] + " y " + subjects[rng.Intn(len(subjects))] + " en " + model.RegionName(region) + "."
		m.Agreements = "Se acordó revisar " + subjects[rng.Intn(len(subjects))] + "."
		m.NextSteps = "Enviar acta."
		seen := map[int]bool{}
		who := []int{}
		if rng.Intn(50) == 0 {
			who = append(who, 0) // the busy stakeholder
		}
		for range 1 + rng.Intn(3) {
			if len(pool) == 0 {
				break
			}
			// Squaring a uniform number favours the start of the pool.
			f := rng.Float64()
			who = append(who, pool[int(f*f*float64(len(pool)))])
		}
		for j, k := range who {
			if seen[k] {
				continue
			}
			seen[k] = true
			role := "participante"
			if j == 0 {
				role = "anfitrión"
			}
			st := d.Stakeholders[k]
			m.Participants = append(m.Participants, model.Participant{StakeholderID: st.ID, Name: st.Name, Role: role})
			m.StakeholderIDs = append(m.StakeholderIDs, st.ID)
		}
		m.Search = model.MeetingSearchWords(&m)
		d.Meetings = append(d.Meetings, m)
	}

	// Commitments from meetings that had participants.
	for i := range n(RefCommitments) {
		var m *model.Meeting
		for m == nil || len(m.Participants) == 0 {
			m = &d.Meetings[rng.Intn(len(d.Meetings))]
		}
		p := m.Participants[rng.Intn(len(m.Participants))]
		st := d.Stakeholders[index[p.StakeholderID]]
		made := m.StartsAt
		madeDay := lima(made)
		c := model.Commitment{
			ID: ID(fmt.Sprintf("ref-commitment-%d", i)), StakeholderID: st.ID, StakeholderName: st.Name, StakeholderKind: st.Kind,
			Text: "Compromiso sobre " + subjects[rng.Intn(len(subjects))] + " y " + subjects[rng.Intn(len(subjects))] + ".",
			Type: model.CommitmentTypes[rng.Intn(len(model.CommitmentTypes))], Region: m.Region,
			Origin: &model.Origin{Kind: "meeting", ID: m.ID}, MadeOn: madeDay.Format(time.DateOnly),
			DueOn: madeDay.AddDate(0, 0, 7+rng.Intn(90)).Format(time.DateOnly), Status: model.StatusPending,
			OwnerID: m.OwnerID, Version: 1, CreatedAt: made, UpdatedAt: made,
			History: []model.StatusChange{{Status: model.StatusPending, At: made, By: m.OwnerID}},
		}
		// Older commitments are more likely to have moved on.
		age := now.Sub(made)
		if rng.Int63n(int64(span)) < int64(age) {
			st := model.CommitmentStatuses[1+rng.Intn(len(model.CommitmentStatuses)-1)]
			at := made.Add(time.Duration(rng.Int63n(int64(age))))
			c.Status, c.UpdatedAt, c.Version = st, at, 2
			c.History = append(c.History, model.StatusChange{Status: st, At: at, By: m.OwnerID, Note: statusNote(st)})
		}
		c.Search = model.CommitmentSearchWords(&c)
		m.CommitmentIDs = append(m.CommitmentIDs, c.ID)
		d.Commitments = append(d.Commitments, c)
	}

	// Tasks: follow-ups of commitments and meetings, half of them done.
	for i := range n(RefTasks) {
		m := &d.Meetings[rng.Intn(len(d.Meetings))]
		due := lima(m.StartsAt).AddDate(0, 0, 3+rng.Intn(30))
		t := model.Task{
			ID: ID(fmt.Sprintf("ref-task-%d", i)), Title: "Seguimiento: " + subjects[rng.Intn(len(subjects))],
			DueOn: due.Format(time.DateOnly), AssigneeID: m.OwnerID, Region: m.Region, Links: model.TaskLinks{MeetingID: m.ID},
			CreatedBy: m.OwnerID, Version: 1, CreatedAt: m.StartsAt, UpdatedAt: m.StartsAt,
		}
		if len(m.CommitmentIDs) > 0 {
			t.Links.CommitmentID = m.CommitmentIDs[0]
		}
		if len(m.StakeholderIDs) > 0 {
			t.Links.StakeholderID = m.StakeholderIDs[0]
		}
		if due.Before(today) && rng.Intn(2) == 0 {
			at := due.UTC()
			t.Done, t.DoneAt, t.Version = true, &at, 2
		}
		m.TaskIDs = append(m.TaskIDs, t.ID)
		d.Tasks = append(d.Tasks, t)
	}
	referenceInitiatives(&d, scale, now, users)
	return d
}

// refName is a reference stakeholder's obviously fictional name.
func refName(kind string, i int, first, last, region string) string {
	switch kind {
	case model.KindLegislator:
		return fmt.Sprintf("Congresista Ref %04d %s %s (ficticio)", i, first, last)
	case model.KindOversightCommittee:
		return fmt.Sprintf("Comité Ref %04d de Vigilancia de %s (ficticio)", i, model.RegionName(region))
	case model.KindInstitution:
		return fmt.Sprintf("Institución Ref %04d de %s (ficticia)", i, model.RegionName(region))
	case model.KindOrganization:
		return fmt.Sprintf("Asociación Ref %04d %s (ficticia)", i, last)
	}
	return fmt.Sprintf("%s %s Ref %04d (ficticio)", first, last, i)
}

// BusyStakeholder is the id of the reference stakeholder in the most meetings.
func BusyStakeholder() bson.ObjectID { return ID("ref-stakeholder-0") }
