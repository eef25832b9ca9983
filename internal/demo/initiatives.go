package demo

import (
	"fmt"
	"math/rand"
	"slices"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// initiativePlan is one demo initiative: its stages with the days before
// today each was reached, and who plays which role (actor key -> role).
type initiativePlan struct {
	kind, title, number, region string
	stages                      []string
	daysAgo                     []int
	cast                        [][2]string
	tags                        []string
}

var initiatives = []initiativePlan{
	{model.KindBill, "Ley que fortalece la prevención de la trata de personas en zonas de minería ilegal", "PL 9123/2026-CR", model.National,
		[]string{"presented", "in_committee", "committee_report"}, []int{200, 120, 20},
		[][2]string{{"leg-elena-cardenas", "author"}, {"sen-patricia-rios", "co_author"}, {"leg-sonia-mamani", "opponent"}, {"ins-ministerio-mujer", "supporter"}}, []string{"minería ilegal"}},
	{model.KindRegionalActionPlan, "Plan Regional de Acción contra la Trata de Personas de Cusco 2026-2030", "", "08",
		[]string{"drafting", "approved"}, []int{150, 25},
		[][2]string{{"ins-fiscalia-cusco", "implementer"}, {"com-cusco", "committee"}, {"leg-rosa-quispe", "supporter"}}, []string{"plan regional"}},
	{model.KindRegionalActionPlan, "Plan Regional de Acción contra la Trata de Personas de Puno 2026-2030", "", "21",
		[]string{"drafting", "approved"}, []int{100, 10},
		[][2]string{{"ins-gore-puno", "implementer"}, {"com-puno", "committee"}}, []string{"plan regional"}},
	{model.KindRegionalOrdinance, "Ordenanza regional que crea la mesa regional contra la trata en Loreto", "OR 012-2026-GRL", "16",
		[]string{"draft", "presented"}, []int{90, 40},
		[][2]string{{"leg-ana-tapia", "supporter"}, {"com-loreto", "committee"}}, []string{"ordenanza"}},
	{model.KindNationalPolicy, "Política Nacional frente a la Trata de Personas y sus formas de explotación al 2030", "", model.National,
		[]string{"drafting", "approved", "in_implementation"}, []int{300, 200, 60},
		[][2]string{{"ins-ministerio-mujer", "implementer"}}, []string{"política nacional"}},
	{model.KindRegulation, "Reglamento de la ley de protección de víctimas de trata", "", model.National,
		[]string{"drafting"}, []int{45},
		[][2]string{{"ins-ministerio-mujer", "implementer"}}, nil},
	{model.KindBill, "Ley que modifica el Código Penal sobre explotación laboral", "PL 8001/2025-CR", "15",
		[]string{"presented", "archived"}, []int{250, 30},
		[][2]string{{"leg-luis-paredes", "author"}, {"leg-carmen-vargas", "opponent"}}, nil},
}

// buildInitiatives adds the demo initiatives to d, owned by their region's
// demo user, and links each to the meetings of its region about legislation
// or a regional plan and to their legislative and coordination commitments.
func buildInitiatives(d *store.Dataset, now time.Time, users map[string]bson.ObjectID, byKey map[string]*actor) {
	today := lima(now)
	names := map[bson.ObjectID]string{}
	for _, u := range Users {
		names[users[u.Key]] = u.Name
	}
	for i, ip := range initiatives {
		owner := users[ownerByRegion[ip.region]]
		it := model.Initiative{ID: ID(fmt.Sprintf("initiative-%d", i)), Kind: ip.kind, Title: ip.title, Number: ip.number, Region: ip.region,
			Tags: ip.tags, OwnerID: owner, OwnerName: names[owner], Version: len(ip.stages)}
		for j, st := range ip.stages {
			day := today.AddDate(0, 0, -ip.daysAgo[j])
			it.History = append(it.History, model.StageChange{Stage: st, On: day.Format(time.DateOnly), At: day.Add(10 * time.Hour).UTC(),
				By: owner, ByName: names[owner], Note: stageNote(j)})
		}
		last := it.History[len(it.History)-1]
		it.Stage, it.StageOn = last.Stage, last.On
		it.CreatedAt, it.UpdatedAt = it.History[0].At, last.At
		for _, c := range ip.cast {
			a := byKey[c[0]]
			it.Stakeholders = append(it.Stakeholders, model.InitiativeStakeholder{StakeholderID: ID(a.key), Name: a.name, Kind: a.kind, Role: c[1]})
		}
		it.Normalize()
		d.Initiatives = append(d.Initiatives, it)
	}
	linkInitiatives(d, func(ids []bson.ObjectID) bson.ObjectID { return ids[0] })
}

// linkInitiatives links each meeting about legislation or a regional plan
// to one initiative of its region (pick chooses among them), and the
// legislative and coordination commitments made there.
func linkInitiatives(d *store.Dataset, pick func([]bson.ObjectID) bson.ObjectID) {
	byRegion := map[string][]bson.ObjectID{}
	for _, it := range d.Initiatives {
		byRegion[it.Region] = append(byRegion[it.Region], it.ID)
	}
	about := func(m *model.Meeting) bool {
		return slices.Contains(m.Topics, "legislation") || slices.Contains(m.Topics, "regional_plan")
	}
	linked := map[bson.ObjectID]bson.ObjectID{}
	for i := range d.Meetings {
		m := &d.Meetings[i]
		if ids := byRegion[m.Region]; len(ids) > 0 && about(m) {
			id := pick(ids)
			m.InitiativeIDs = []bson.ObjectID{id}
			linked[m.ID] = id
		}
	}
	for i := range d.Commitments {
		c := &d.Commitments[i]
		if c.Origin == nil || c.Origin.Kind != "meeting" {
			continue
		}
		if id, ok := linked[c.Origin.ID]; ok && (c.Type == "legislative" || c.Type == "coordination") {
			c.InitiativeID = id
		}
	}
}

func stageNote(step int) string {
	if step == 0 {
		return "Registrada por el equipo."
	}
	return "Según el seguimiento del equipo."
}

// RefInitiatives is how many initiatives the reference dataset holds at scale 1.
const RefInitiatives = 300

// referenceInitiatives adds RefInitiatives×scale initiatives to d, from
// their own random source (the other records stay as they were), with up
// to four stage changes over the last two years and two to four linked
// stakeholders of their region; meetings about legislation or a regional
// plan discuss one of their region's.
func referenceInitiatives(d *store.Dataset, scale float64, now time.Time, users map[string]bson.ObjectID) {
	rng := rand.New(rand.NewSource(refSeed + 24))
	pools := map[string][]int{}
	for i, st := range d.Stakeholders {
		if !st.Archived {
			for _, r := range st.Regions {
				pools[r] = append(pools[r], i)
			}
		}
	}
	regions := append([]string{}, ProgramRegions...)
	today := lima(now)
	for i := range max(1, int(RefInitiatives*scale)) {
		kind := model.InitiativeKinds[rng.Intn(len(model.InitiativeKinds))]
		region := regions[rng.Intn(len(regions))]
		owner := users["ref-officer-"+region]
		it := model.Initiative{ID: ID(fmt.Sprintf("ref-initiative-%d", i)), Kind: kind.Code, Region: region, OwnerID: owner,
			Title:  fmt.Sprintf("%s Ref %04d sobre %s en %s (ficticia)", kind.NameES, i, subjects[rng.Intn(len(subjects))], model.RegionName(region)),
			Tags:   []string{subjects[rng.Intn(len(subjects))]},
			Number: fmt.Sprintf("REF %04d/2026", i)}
		days := 30 + rng.Intn(700)
		stage := rng.Intn(len(kind.Stages))
		for s := 0; s <= stage && s < 5; s++ {
			day := today.AddDate(0, 0, -days*(5-s)/5)
			it.History = append(it.History, model.StageChange{Stage: kind.Stages[s].Code, On: day.Format(time.DateOnly), At: day.Add(10 * time.Hour).UTC(), By: owner})
		}
		last := it.History[len(it.History)-1]
		it.Stage, it.StageOn, it.Version = last.Stage, last.On, len(it.History)
		it.CreatedAt, it.UpdatedAt = it.History[0].At, last.At
		pool := pools[region]
		for range 2 + rng.Intn(3) {
			if len(pool) == 0 {
				break
			}
			st := d.Stakeholders[pool[rng.Intn(len(pool))]]
			if it.StakeholderRole(st.ID) == "" {
				it.Stakeholders = append(it.Stakeholders, model.InitiativeStakeholder{StakeholderID: st.ID, Name: st.Name, Kind: st.Kind,
					Role: model.InitiativeRoles[rng.Intn(len(model.InitiativeRoles))].Code})
			}
		}
		it.Normalize()
		d.Initiatives = append(d.Initiatives, it)
	}
	// Spread over the region's initiatives, so each is discussed at a few
	// meetings, not one at thousands.
	linkInitiatives(d, func(ids []bson.ObjectID) bson.ObjectID { return ids[rng.Intn(len(ids))] })
}
