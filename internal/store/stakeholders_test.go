package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

var (
	shScopeAll    = model.Scope{All: true}
	shScopeCusco  = model.Scope{Regions: []string{"08"}}
	shScopeLoreto = model.Scope{Regions: []string{"16"}}
)

// mustCreateStakeholder stores in as given (the rules of a new stakeholder
// are the workflow's, tested there).
func mustCreateStakeholder(t *testing.T, s *store.Store, _ model.Scope, in model.StakeholderInput) *model.Stakeholder {
	t.Helper()
	st := in.Stakeholder()
	if err := s.InsertStakeholder(context.Background(), model.SystemActor, &st); err != nil {
		t.Fatalf("create %q: %v", in.Name, err)
	}
	return &st
}

func TestListStakeholdersScopeFiltersAndPages(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	owner, err := s.CreateUser(ctx, model.SystemActor, newUser("owner@example.org"), "hash")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	mk := func(name, kind, stance string, regions []string, tags ...string) model.Stakeholder {
		return model.Stakeholder{ID: bson.NewObjectID(), Kind: kind, Name: name, Regions: regions, Tags: tags, Stance: stance,
			Influence: "medium", Emails: []string{}, Phones: []string{}, Version: 1, CreatedAt: now, UpdatedAt: now}
	}
	docs := []model.Stakeholder{
		mk("Ana Quispe", "person", "champion", []string{"08"}, "salud"),
		mk("Beto Cusi", "legislator", "neutral", []string{"08", "NAC"}),
		mk("Carla Ríos", "person", "opponent", []string{"16"}, "salud"),
		mk("Dirección Nacional", "institution", "unknown", []string{"NAC"}),
		mk("Elsa Perú", "organization", "supporter", []string{"08"}),
	}
	docs[0].OwnerID = owner.ID
	archived := mk("Zoila Archivada", "person", "unknown", []string{"08"})
	archived.Archived = true
	if err := s.InsertStakeholders(ctx, append(docs, archived)); err != nil {
		t.Fatal(err)
	}
	names := func(scope model.Scope, f store.StakeholderFilter) string {
		t.Helper()
		items, _, err := s.ListStakeholders(ctx, scope, f, store.Page{All: true})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range items {
			if x.Search != "" {
				t.Errorf("list leaks the search field of %s", x.Name)
			}
			out = append(out, x.Name)
		}
		return strings.Join(out, "|")
	}
	tests := []struct {
		name  string
		scope model.Scope
		f     store.StakeholderFilter
		want  string
	}{
		{"all", shScopeAll, store.StakeholderFilter{}, "Ana Quispe|Beto Cusi|Carla Ríos|Dirección Nacional|Elsa Perú"},
		{"cusco scope", shScopeCusco, store.StakeholderFilter{}, "Ana Quispe|Beto Cusi|Elsa Perú"},
		{"loreto scope", shScopeLoreto, store.StakeholderFilter{}, "Carla Ríos"},
		{"NAC grant", model.Scope{Regions: []string{"NAC"}}, store.StakeholderFilter{}, "Beto Cusi|Dirección Nacional"},
		{"no grant", model.Scope{}, store.StakeholderFilter{}, ""},
		{"region filter", shScopeAll, store.StakeholderFilter{Region: "16"}, "Carla Ríos"},
		{"region outside scope", shScopeLoreto, store.StakeholderFilter{Region: "08"}, ""},
		{"kind", shScopeAll, store.StakeholderFilter{Kind: "person"}, "Ana Quispe|Carla Ríos"},
		{"stance", shScopeAll, store.StakeholderFilter{Stance: "supporter"}, "Elsa Perú"},
		{"tag", shScopeAll, store.StakeholderFilter{Tag: " SALUD "}, "Ana Quispe|Carla Ríos"},
		{"tag in scope", shScopeLoreto, store.StakeholderFilter{Tag: "salud"}, "Carla Ríos"},
		{"q accent-insensitive", shScopeAll, store.StakeholderFilter{Q: "peru"}, "Elsa Perú"},
		{"q prefix, every word", shScopeAll, store.StakeholderFilter{Q: "DIREC nac"}, "Dirección Nacional"},
		{"q no match", shScopeAll, store.StakeholderFilter{Q: "ana xyz"}, ""},
		{"q middle of word", shScopeAll, store.StakeholderFilter{Q: "uispe"}, ""},
		{"q out of scope", shScopeLoreto, store.StakeholderFilter{Q: "ana"}, ""},
		{"archived", shScopeAll, store.StakeholderFilter{Archived: true}, "Zoila Archivada"},
		{"owner", shScopeAll, store.StakeholderFilter{OwnerID: owner.ID}, "Ana Quispe"},
	}
	for _, tt := range tests {
		if got := names(tt.scope, tt.f); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}

	paged := func(f store.StakeholderFilter) []string {
		var out []string
		for _, x := range allPages(t, 2, func(p store.Page) ([]model.Stakeholder, string, error) {
			return s.ListStakeholders(ctx, shScopeAll, f, p)
		}) {
			out = append(out, x.Name)
		}
		return out
	}
	if got := strings.Join(paged(store.StakeholderFilter{Q: "a"}), "|"); got != "Ana Quispe" {
		// Only Ana has a word starting with "a"; paging with a search must still work.
		t.Fatalf("paged search: %q", got)
	}
	if seen := paged(store.StakeholderFilter{}); len(seen) != 5 || seen[4] != "Elsa Perú" {
		t.Fatalf("pages: %v", seen)
	}
}

func TestSearchAcrossTypesInScope(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	if err := s.InsertStakeholders(ctx, []model.Stakeholder{
		{ID: bson.NewObjectID(), Kind: "institution", Name: "Gobierno Regional del CUSCO", Regions: []string{"08"}},
		{ID: bson.NewObjectID(), Kind: "institution", Name: "Defensoría del Pueblo Perú", Regions: []string{"NAC"}},
		{ID: bson.NewObjectID(), Kind: "institution", Name: "Fiscalía de Loreto", Regions: []string{"16"}},
	}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("palabra ", 40)
	if err := s.InsertMeetings(ctx, []model.Meeting{
		{ID: bson.NewObjectID(), StartsAt: at, Region: "08", Summary: "Reunión en Cusco " + long, Search: search.Words("Reunión en Cusco", long)},
		{ID: bson.NewObjectID(), StartsAt: at, Region: "16", Summary: "Reunión en Iquitos", Search: search.Words("Reunión en Iquitos con Cusco")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertCommitments(ctx, []model.Commitment{
		{ID: bson.NewObjectID(), Region: "08", Text: "Presupuesto para Cusco", Status: "pending", StakeholderName: "Gobierno Regional", Search: search.Words("Presupuesto para Cusco")},
	}); err != nil {
		t.Fatal(err)
	}
	count := func(r *store.SearchResults) [4]int {
		return [4]int{len(r.Stakeholders), len(r.Meetings), len(r.Commitments), len(r.Messages)}
	}
	tests := []struct {
		q     string
		scope model.Scope
		want  [4]int
	}{
		{"cusco", shScopeAll, [4]int{1, 2, 1, 0}},
		{"CUSCO", shScopeCusco, [4]int{1, 1, 1, 0}},
		{"cus", shScopeLoreto, [4]int{0, 1, 0, 0}},
		{"peru", shScopeAll, [4]int{1, 0, 0, 0}},
		{"peru", shScopeCusco, [4]int{0, 0, 0, 0}},
		{"defensoria pueb", model.Scope{Regions: []string{"NAC"}}, [4]int{1, 0, 0, 0}},
		{"reunion iquitos", shScopeAll, [4]int{0, 1, 0, 0}},
		{"fiscalia lima", shScopeAll, [4]int{0, 0, 0, 0}},
		{"  ¿? ", shScopeAll, [4]int{0, 0, 0, 0}},
		{"a.*", shScopeAll, [4]int{0, 0, 0, 0}},
	}
	for _, tt := range tests {
		r, err := s.Search(ctx, tt.scope, tt.q)
		if err != nil {
			t.Fatalf("%q: %v", tt.q, err)
		}
		if got := count(r); got != tt.want {
			t.Errorf("search %q in %v: %v, want %v", tt.q, tt.scope, got, tt.want)
		}
	}
	r, _ := s.Search(ctx, shScopeCusco, "reunion")
	if len(r.Meetings) != 1 || len([]rune(r.Meetings[0].Summary)) > 160 || !strings.HasSuffix(r.Meetings[0].Summary, "…") || !r.Meetings[0].StartsAt.Equal(at) {
		t.Fatalf("meeting hit: %+v", r.Meetings)
	}
	r, _ = s.Search(ctx, shScopeAll, "presupuesto")
	if len(r.Commitments) != 1 || r.Commitments[0].StakeholderName != "Gobierno Regional" || r.Commitments[0].Status != "pending" {
		t.Fatalf("commitment hit: %+v", r.Commitments)
	}
	many := make([]model.Stakeholder, 15)
	for i := range many {
		many[i] = model.Stakeholder{ID: bson.NewObjectID(), Kind: "person", Name: "Quispe " + string(rune('a'+i)), Regions: []string{"08"}}
	}
	if err := s.InsertStakeholders(ctx, many); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Search(ctx, shScopeAll, "quispe"); len(r.Stakeholders) != store.SearchLimit {
		t.Fatalf("limit: %d", len(r.Stakeholders))
	}
}

func TestTimeline(t *testing.T) {
	w := fixture.NewWorld(t)
	ctx := context.Background()
	clock := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	w.Store.SetClock(func() time.Time { return clock })
	in := w.MeetingInput() // 2026-03-05 15:00Z with cusco and nac
	in.Commitments = []model.CommitmentInput{{StakeholderID: w.Cusco.ID, Text: "Proyecto de ley", Type: "legislative"}}
	res, err := w.Flows.CreateMeeting(ctx, fixture.AsAdmin(w.Officer, w.All), in)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Commitments[0]
	clock = clock.Add(24 * time.Hour)
	if _, err := w.Flows.ChangeCommitmentStatus(ctx, fixture.AsAdmin(w.Officer, w.All), c.ID, model.StatusChangeInput{Status: model.StatusInProgress, Note: "en agenda"}); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(24 * time.Hour)
	if _, err := w.Flows.CreateTask(ctx, fixture.AsAdmin(w.Officer, w.All), model.TaskInput{Title: "Seguimiento", Links: model.TaskLinks{CommitmentID: c.ID}}); err != nil {
		t.Fatal(err)
	}
	// A Loreto meeting with the same stakeholder is out of a Cusco user's scope.
	if err := w.Store.InsertMeetings(ctx, []model.Meeting{{ID: bson.NewObjectID(), StartsAt: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), Region: "16",
		Summary: "Loreto", Participants: []model.Participant{{StakeholderID: w.Cusco.ID}}, StakeholderIDs: []bson.ObjectID{w.Cusco.ID}}}); err != nil {
		t.Fatal(err)
	}

	types := func(scope model.Scope, limit int) ([]string, []store.TimelineItem) {
		var out []string
		var all []store.TimelineItem
		cursor := ""
		for i := 0; i < 10; i++ {
			items, next, err := w.Store.Timeline(ctx, scope, w.Cusco.ID, store.Page{Limit: limit, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				out = append(out, it.Type)
				all = append(all, it)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		return out, all
	}
	want := []string{"meeting", "task", "status_change", "meeting", "commitment"}
	for _, limit := range []int{50, 2, 1} {
		got, items := types(w.All, limit)
		if len(got) != len(want) {
			t.Fatalf("limit %d: %v, want %v", limit, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("limit %d: %v, want %v", limit, got, want)
			}
		}
		for i := 1; i < len(items); i++ {
			if items[i].At.After(items[i-1].At) {
				t.Fatalf("not newest first: %+v", items)
			}
		}
	}
	if got, _ := types(w.CuscoOnly, 50); len(got) != 4 {
		t.Fatalf("cusco scope sees %v", got)
	}
	if _, _, err := w.Store.Timeline(ctx, w.Loreto16, w.Cusco.ID, store.Page{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("stakeholder out of scope: %v", err)
	}
	if _, _, err := w.Store.Timeline(ctx, w.All, w.Cusco.ID, store.Page{Cursor: "zz"}); !errors.Is(err, store.ErrBadCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
}
