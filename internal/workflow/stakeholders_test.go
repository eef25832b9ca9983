package workflow_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

var (
	shScopeAll    = model.Scope{All: true}
	shScopeCusco  = model.Scope{Regions: []string{"08"}}
	shScopeLoreto = model.Scope{Regions: []string{"16"}}
)

// asUser is an admin (who may edit anything) seeing scope, with no stored
// account: the rules of scope are what these tests check.
func asUser(scope model.Scope) *model.User {
	regions := scope.Regions
	if scope.All {
		regions = []string{model.AllRegions}
	}
	return &model.User{Role: model.RoleAdmin, Regions: regions}
}

func stakeholderFields(err error) string {
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		if err == nil {
			return "no error"
		}
		return "not a validation error: " + err.Error()
	}
	var f []string
	for _, e := range ve.Errors {
		f = append(f, e.Field)
	}
	return strings.Join(f, ",")
}

func TestCreateStakeholderNormalisesAndValidates(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	st := mustStakeholder(t, s, model.StakeholderInput{
		Kind: "legislator", Name: "  María   Pérez ", Emails: []string{" Maria@Congreso.GOB.pe", "maria@congreso.gob.pe", ""},
		Phones: []string{" 984 000 111 ", ""}, Regions: []string{"8", "nac"}, Tags: []string{" Salud ", "salud", "EDUCACIÓN"},
		Notes:      "Preside la comisión de la mujer",
		Legislator: &model.Legislator{Chamber: "Congress", Period: "2021-2026", Party: "Partido Morado", ParliamentaryGroup: "Bancada Ñ", ElectoralDistrict: "08"},
	})
	if st.Name != "María Pérez" || strings.Join(st.Emails, ",") != "maria@congreso.gob.pe" || strings.Join(st.Phones, ",") != "984 000 111" ||
		strings.Join(st.Regions, ",") != "08,NAC" || strings.Join(st.Tags, ",") != "salud,educación" ||
		st.Stance != "unknown" || st.Influence != "medium" || st.Version != 1 || st.Legislator.Chamber != "congress" {
		t.Fatalf("not normalised: %+v %+v", st, st.Legislator)
	}
	for _, w := range []string{"maria", "perez", "congreso", "salud", "educacion", "comision", "morado", "bancada", "n"} {
		if !strings.Contains(" "+st.Search+" ", " "+w+" ") {
			t.Errorf("search %q lacks %q", st.Search, w)
		}
	}
	entries, _, err := s.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "stakeholder", EntityID: st.ID.Hex()}, store.Page{})
	if err != nil || len(entries) != 1 || entries[0].Action != model.ActionCreate {
		t.Fatalf("audit: %v %+v", err, entries)
	}

	member := mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Rosa", Regions: []string{"16"}})
	tests := []struct {
		name  string
		scope model.Scope
		in    model.StakeholderInput
		want  string
	}{
		{"empty", shScopeAll, model.StakeholderInput{}, "kind,name,regions"},
		{"bad values", shScopeAll, model.StakeholderInput{Kind: "person", Name: "X", Regions: []string{"99"}, Emails: []string{"no-at"}, Stance: "friend", Influence: "huge"},
			"emails[0],regions[0],stance,influence"},
		{"legislator without chamber", shScopeAll, model.StakeholderInput{Kind: "legislator", Name: "X", Regions: []string{"08"}, Legislator: &model.Legislator{Period: "2026", ElectoralDistrict: "99"}},
			"legislator.chamber,legislator.period,legislator.electoral_district"},
		{"legislator fields on a person", shScopeAll, model.StakeholderInput{Kind: "person", Name: "X", Regions: []string{"08"}, Legislator: &model.Legislator{}}, "legislator"},
		{"committee region not its own", shScopeAll, model.StakeholderInput{Kind: "oversight_committee", Name: "C", Regions: []string{"08"}, Committee: &model.Committee{Region: "16"}}, "committee.region"},
		{"committee member unknown", shScopeAll, model.StakeholderInput{Kind: "oversight_committee", Name: "C", Regions: []string{"08"},
			Committee: &model.Committee{Region: "08", CoordinatorID: bson.NewObjectID(), MemberIDs: []bson.ObjectID{member.ID}}}, "committee.coordinator_id"},
		{"committee member out of scope", shScopeCusco, model.StakeholderInput{Kind: "oversight_committee", Name: "C", Regions: []string{"08"},
			Committee: &model.Committee{Region: "08", MemberIDs: []bson.ObjectID{member.ID}}}, "committee.member_ids[0]"},
		{"region outside scope", shScopeCusco, model.StakeholderInput{Kind: "person", Name: "X", Regions: []string{"08", "16"}}, "regions[1]"},
		{"owner not a user", shScopeAll, model.StakeholderInput{Kind: "person", Name: "X", Regions: []string{"08"}, OwnerID: bson.NewObjectID()}, "owner_id"},
	}
	for _, tt := range tests {
		_, err := f.CreateStakeholder(ctx, asUser(tt.scope), tt.in)
		if got := stakeholderFields(err); got != tt.want {
			t.Errorf("%s: fields %q, want %q", tt.name, got, tt.want)
		}
	}
	c := mustStakeholder(t, s, model.StakeholderInput{Kind: "oversight_committee", Name: "Comité Cusco", Regions: []string{"08"},
		Committee: &model.Committee{Region: "08", CoordinatorID: member.ID, MemberIDs: []bson.ObjectID{member.ID, member.ID}}})
	if len(c.Committee.MemberIDs) != 1 {
		t.Fatalf("members not deduplicated: %v", c.Committee.MemberIDs)
	}
}

func TestUpdateStakeholder(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	st := mustStakeholder(t, s, model.StakeholderInput{Kind: "legislator", Name: "Luis Tello", Regions: []string{"08"},
		Legislator: &model.Legislator{Chamber: "congress", Party: "Somos"}})
	v := func(n int) *int { return &n }
	str := func(s string) *string { return &s }
	if _, err := f.UpdateStakeholder(ctx, asUser(shScopeAll), st.ID, model.StakeholderPatch{Name: str("X")}); stakeholderFields(err) != "version" {
		t.Fatalf("missing version: %v", err)
	}
	if _, err := f.UpdateStakeholder(ctx, asUser(shScopeAll), st.ID, model.StakeholderPatch{Name: str("X"), Version: v(9)}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := f.UpdateStakeholder(ctx, asUser(shScopeLoreto), st.ID, model.StakeholderPatch{Version: v(1)}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("out of scope: %v", err)
	}
	regions := []string{"08", "16"}
	if _, err := f.UpdateStakeholder(ctx, asUser(shScopeCusco), st.ID, model.StakeholderPatch{Regions: &regions, Version: v(1)}); stakeholderFields(err) != "regions[1]" {
		t.Fatalf("moving into another region: %v", err)
	}
	got, err := f.UpdateStakeholder(ctx, asUser(shScopeCusco), st.ID, model.StakeholderPatch{Name: str("Luis Téllez"), Kind: str("person"), Version: v(1)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Legislator != nil || !strings.HasPrefix(got.Search, "luis tellez") || strings.Contains(got.Search, "somos") {
		t.Fatalf("after patch: %+v", got)
	}
	same, err := f.UpdateStakeholder(ctx, asUser(shScopeCusco), st.ID, model.StakeholderPatch{Name: str("Luis Téllez"), Version: v(2)})
	if err != nil || same.Version != 2 {
		t.Fatalf("no-op patch bumped the version: %v %v", same, err)
	}
	entries, _, _ := s.ListAudit(ctx, store.AuditFilter{Scope: model.Scope{All: true}, Entity: "stakeholder", EntityID: st.ID.Hex()}, store.Page{})
	if len(entries) != 2 || entries[0].Action != "update" || len(entries[0].Changes) != 3 {
		t.Fatalf("audit: %+v", entries)
	}
}

// legAdviserLoreto stores a national legislator, an adviser in Cusco and a
// person in Loreto: both sides of a relationship, and one out of Cusco.
func legAdviserLoreto(t *testing.T, s *store.Store) (leg, adv, loreto *model.Stakeholder) {
	t.Helper()
	leg = mustStakeholder(t, s, model.StakeholderInput{Kind: "legislator", Name: "Congresista", Regions: []string{"NAC"}, Legislator: &model.Legislator{Chamber: "congress"}})
	adv = mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Asesora", Regions: []string{"08"}})
	loreto = mustStakeholder(t, s, model.StakeholderInput{Kind: "person", Name: "Loretana", Regions: []string{"16"}})
	return leg, adv, loreto
}

func TestRelationshipsAndDelete(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	leg, adv, loreto := legAdviserLoreto(t, s)

	rel := model.RelationshipInput{StakeholderID: leg.ID, Kind: "advises", Role: "asesora legal", Since: "2025-01-01"}
	if _, err := f.AddRelationship(ctx, asUser(shScopeCusco), adv.ID, rel); stakeholderFields(err) != "stakeholder_id" {
		t.Fatalf("relationship to an invisible stakeholder: %v", err)
	}
	bad := model.RelationshipInput{StakeholderID: adv.ID, Kind: "loves", Since: "2025-02-30"}
	if _, err := f.AddRelationship(ctx, asUser(shScopeAll), adv.ID, bad); stakeholderFields(err) != "stakeholder_id,kind,since" {
		t.Fatalf("invalid relationship: %v", err)
	}
	if _, err := f.AddRelationship(ctx, asUser(shScopeAll), adv.ID, rel); err != nil {
		t.Fatal(err)
	}
	rel.Role = "asesora principal"
	got, err := f.AddRelationship(ctx, asUser(shScopeAll), adv.ID, rel)
	if err != nil || len(got.Relationships) != 1 || got.Relationships[0].Role != "asesora principal" {
		t.Fatalf("replace relationship: %v %+v", err, got)
	}
	if _, err := f.AddRelationship(ctx, asUser(shScopeAll), loreto.ID, model.RelationshipInput{StakeholderID: leg.ID, Kind: "works_for"}); err != nil {
		t.Fatal(err)
	}
	in, err := s.IncomingRelationships(ctx, model.Scope{Regions: []string{"NAC", "08"}}, leg.ID)
	if err != nil || len(in) != 1 || in[0].Name != "Asesora" {
		t.Fatalf("incoming in scope: %v %+v", err, in)
	}
	in, _ = s.IncomingRelationships(ctx, shScopeAll, leg.ID)
	if len(in) != 2 {
		t.Fatalf("incoming for all: %+v", in)
	}
	if _, err := f.RemoveRelationship(ctx, asUser(shScopeAll), loreto.ID, adv.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("remove missing relationship: %v", err)
	}

}

// TestDeleteArchivesWhenReferred: meetings and commitments that name a
// stakeholder make delete archive it; any other is deleted, out of scope is
// not found, and the deletion is audited.
func TestDeleteArchivesWhenReferred(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	leg, adv, loreto := legAdviserLoreto(t, s)
	com := mustStakeholder(t, s, model.StakeholderInput{Kind: "oversight_committee", Name: "Comité", Regions: []string{"08"},
		Committee: &model.Committee{Region: "08", MemberIDs: []bson.ObjectID{adv.ID}}})
	if err := s.InsertMeetings(ctx, []model.Meeting{{ID: bson.NewObjectID(), Region: "NAC", StakeholderIDs: []bson.ObjectID{leg.ID}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertCommitments(ctx, []model.Commitment{{ID: bson.NewObjectID(), Region: "16", StakeholderID: loreto.ID}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []bson.ObjectID{leg.ID, loreto.ID} {
		archived, err := f.DeleteStakeholder(ctx, admin, id)
		if err != nil || !archived {
			t.Fatalf("delete with records: archived=%v err=%v", archived, err)
		}
		st, err := s.StakeholderByID(ctx, all, id)
		if err != nil || !st.Archived {
			t.Fatalf("not archived: %v %+v", err, st)
		}
	}
	lorUser := &model.User{ID: bson.NewObjectID(), Role: model.RoleManager, Regions: []string{"16"}}
	if _, err := f.DeleteStakeholder(ctx, lorUser, adv.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete out of scope: %v", err)
	}
	officer := &model.User{ID: bson.NewObjectID(), Role: model.RoleOfficer, Regions: []string{"08"}}
	if _, err := f.DeleteStakeholder(ctx, officer, adv.ID); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("delete by an officer who does not own it: %v", err)
	}
	cusco := &model.User{ID: bson.NewObjectID(), Role: model.RoleManager, Regions: []string{"08"}}
	archived, err := f.DeleteStakeholder(ctx, cusco, adv.ID)
	if err != nil || archived {
		t.Fatalf("delete without records: archived=%v err=%v", archived, err)
	}
	if _, err := s.StakeholderByID(ctx, all, adv.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("still there: %v", err)
	}
	c, _ := s.StakeholderByID(ctx, all, com.ID)
	if len(c.Committee.MemberIDs) != 0 {
		t.Fatalf("committee still lists the deleted member: %+v", c.Committee)
	}
	entries, _, _ := s.ListAudit(ctx, store.AuditFilter{Scope: all, Entity: "stakeholder", EntityID: adv.ID.Hex()}, store.Page{})
	if len(entries) == 0 || entries[0].Action != model.ActionDelete {
		t.Fatalf("delete not audited: %+v", entries)
	}
}
