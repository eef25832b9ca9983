package model

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestCanEdit(t *testing.T) {
	me, someone := bson.NewObjectID(), bson.NewObjectID()
	user := func(role string, regions ...string) *User { return &User{ID: me, Role: role, Regions: regions} }
	for _, tc := range []struct {
		name    string
		u       *User
		regions []string
		people  []bson.ObjectID
		want    bool
	}{
		{"regional admin outside region", user(RoleAdmin, "08"), []string{"16"}, nil, false},
		{"regional admin in region", user(RoleAdmin, "08"), []string{"08"}, nil, true},
		{"admin of every region", user(RoleAdmin, AllRegions), []string{"16"}, nil, true},
		{"manager in region", user(RoleManager, "08"), []string{"08"}, nil, true},
		{"manager with all regions", user(RoleManager, AllRegions), []string{"16"}, nil, true},
		{"manager outside region", user(RoleManager, "08"), []string{"16"}, []bson.ObjectID{me}, false},
		{"officer, own record", user(RoleOfficer, "08"), []string{"08"}, []bson.ObjectID{someone, me}, true},
		{"officer, someone else's", user(RoleOfficer, "08"), []string{"08"}, []bson.ObjectID{someone}, false},
		{"officer, own record outside region", user(RoleOfficer, "08"), []string{"16"}, []bson.ObjectID{me}, false},
		{"officer, nobody's", user(RoleOfficer, AllRegions), []string{"08"}, nil, false},
		{"viewer, own record", user(RoleViewer, AllRegions), []string{"08"}, []bson.ObjectID{me}, false},
		{"record without region, regional manager", user(RoleManager, "08"), []string{""}, nil, false},
	} {
		if got := tc.u.CanEdit(tc.regions, tc.people...); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRecordPermissions(t *testing.T) {
	me, someone := bson.NewObjectID(), bson.NewObjectID()
	officer := &User{ID: me, Role: RoleOfficer, Regions: []string{"08"}}
	for _, tc := range []struct {
		name string
		got  bool
		want bool
	}{
		{"commitment owned", officer.CanEditCommitment(&Commitment{Region: "08", OwnerID: me}), true},
		{"commitment of another", officer.CanEditCommitment(&Commitment{Region: "08", OwnerID: someone}), false},
		{"task created", officer.CanEditTask(&Task{Region: "08", CreatedBy: me, AssigneeID: someone}), true},
		{"task assigned", officer.CanEditTask(&Task{Region: "08", CreatedBy: someone, AssigneeID: me}), true},
		{"task of others", officer.CanEditTask(&Task{Region: "08", CreatedBy: someone, AssigneeID: someone}), false},
		{"meeting logged", officer.CanEditMeeting(&Meeting{Region: "08", OwnerID: me}), true},
		{"meeting as staff", officer.CanEditMeeting(&Meeting{Region: "08", OwnerID: someone, StaffIDs: []bson.ObjectID{me}}), true},
		{"meeting of others", officer.CanEditMeeting(&Meeting{Region: "08", OwnerID: someone}), false},
		{"delete meeting logged", officer.CanDeleteMeeting(&Meeting{Region: "08", OwnerID: me}), true},
		{"delete meeting as staff only", officer.CanDeleteMeeting(&Meeting{Region: "08", OwnerID: someone, StaffIDs: []bson.ObjectID{me}}), false},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

func TestStatusTransitions(t *testing.T) {
	for _, s := range CommitmentStatuses {
		for _, role := range Roles {
			u := &User{Role: role}
			want := !IsFinal(s) || role == RoleAdmin || role == RoleManager
			if got := u.MayLeaveStatus(s); got != want {
				t.Errorf("%s leaving %s: got %v, want %v", role, s, got, want)
			}
		}
	}
	for s, final := range map[string]bool{StatusPending: false, StatusInProgress: false, StatusFulfilled: true,
		StatusPartiallyFulfilled: true, StatusNotFulfilled: true, StatusWithdrawn: true, "": false, "done": false} {
		if IsFinal(s) != final {
			t.Errorf("IsFinal(%q) = %v", s, !final)
		}
	}
	for role, want := range map[string]bool{RoleAdmin: true, RoleManager: true, RoleOfficer: false, RoleViewer: false} {
		if got := (&User{Role: role}).CanReopen(); got != want {
			t.Errorf("%s CanReopen: %v", role, got)
		}
	}
}

func TestLocksSelfOut(t *testing.T) {
	me, other := bson.NewObjectID(), bson.NewObjectID()
	u := &User{ID: me, Role: RoleAdmin}
	str := func(s string) *string { return &s }
	yes, no := true, false
	for _, tc := range []struct {
		name string
		id   bson.ObjectID
		p    UserPatch
		want bool
	}{
		{"demote self", me, UserPatch{Role: str(RoleManager)}, true},
		{"disable self", me, UserPatch{Disabled: &yes}, true},
		{"keep admin", me, UserPatch{Role: str(RoleAdmin), Disabled: &no}, false},
		{"rename self", me, UserPatch{Name: str("Ana")}, false},
		{"demote another", other, UserPatch{Role: str(RoleViewer), Disabled: &yes}, false},
	} {
		if got := u.LocksSelfOut(tc.id, tc.p); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The rules of admins (issue 20, point 1): a region-limited admin manages
// users and grants regions within their own only, and the organisation-wide
// tools need every region.
func TestAdminRules(t *testing.T) {
	puno := &User{ID: bson.NewObjectID(), Role: RoleAdmin, Regions: []string{"21"}}
	boss := &User{ID: bson.NewObjectID(), Role: RoleAdmin, Regions: []string{AllRegions}}
	manager := &User{ID: bson.NewObjectID(), Role: RoleManager, Regions: []string{AllRegions}}
	user := func(role string, regions ...string) *User {
		return &User{ID: bson.NewObjectID(), Role: role, Regions: regions}
	}
	for _, tc := range []struct {
		name      string
		got, want bool
	}{
		{"boss: every region", boss.AdminOfEveryRegion(), true},
		{"puno: not every region", puno.AdminOfEveryRegion(), false},
		{"manager of all: not an admin", manager.AdminOfEveryRegion(), false},
		{"puno: no mailboxes", puno.CanManageMailboxes(), false},
		{"puno: no personal data", puno.CanHandlePersonalData(), false},
		{"boss: mailboxes", boss.CanManageMailboxes(), true},
		{"puno manages a Puno officer", puno.CanManageUser(user(RoleOfficer, "21")), true},
		{"puno manages themself", puno.CanManageUser(puno), true},
		{"puno manages no Puno+Lima manager", puno.CanManageUser(user(RoleManager, "21", "15")), false},
		{"puno manages no admin of every region", puno.CanManageUser(boss), false},
		{"puno manages no viewer of every region", puno.CanManageUser(user(RoleViewer, AllRegions)), false},
		{"boss manages anyone", boss.CanManageUser(user(RoleManager, "21", "15")), true},
		{"manager manages nobody", manager.CanManageUser(user(RoleOfficer, "21")), false},
		{"puno sees a Puno+Lima manager", puno.CanSeeUser(user(RoleManager, "21", "15")), true},
		{"puno does not see a Lima officer", puno.CanSeeUser(user(RoleOfficer, "15")), false},
		{"puno does not see a user of every region", puno.CanSeeUser(boss), false},
		{"puno grants admin of Puno", puno.CanGrant(RoleAdmin, []string{"21"}), true},
		{"puno grants no region beyond", puno.CanGrant(RoleOfficer, []string{"21", "15"}), false},
		{"puno grants no all", puno.CanGrant(RoleViewer, []string{AllRegions}), false},
		{"puno grants no empty list", puno.CanGrant(RoleViewer, nil), false},
		{"boss grants all", boss.CanGrant(RoleAdmin, []string{AllRegions}), true},
		{"puno reads Puno mail only", MailScope(puno).Allows("16"), false},
		{"unmatched mail needs every region", MailScope(puno).Allows(), false},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}
