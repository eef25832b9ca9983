package api

import (
	"context"
	"fmt"
	"maps"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/notify"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/storetest"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The authorization matrix: every route of a.routes() is called as each
// column's user, on a record in Loreto ("in") and on one in Cusco ("out"),
// on fresh records each time, and the status must be the one the table in
// authz_matrix_test.go gives. A route without a row fails. The columns are
// an admin of every region, then an admin, a manager, an officer and a
// viewer who hold Loreto only. Beyond the status, no answer to a user of
// Loreto (the region-limited admin included) may contain a Cusco record's
// marker. Set ALIANZA_AUTHZ_PRINT=1 to print what every cell answers.

// authzColumn is one column of the matrix: a role and its regions.
type authzColumn struct{ name, role, region string }

// authzRoles are the matrix's columns, in the order of authzWant.
var authzRoles = [5]authzColumn{
	{"admin_all", model.RoleAdmin, model.AllRegions},
	{model.RoleAdmin, model.RoleAdmin, "16"},
	{model.RoleManager, model.RoleManager, "16"},
	{model.RoleOfficer, model.RoleOfficer, "16"},
	{model.RoleViewer, model.RoleViewer, "16"},
}

// authzWant is, per column in authzRoles order, the status {in region, out of region}.
type authzWant [5][2]int

// authzRow is one route's row. path and body may hold placeholders filled
// from the side's records: {stakeholder} {stakeholder2} {meeting}
// {commitment} {initiative} {task} {message} {thread} {region} {email} for the side, and
// {mailbox} {user} {officer} {n} (a number unique per call), and
// {calendar}: the calling role's own calendar feed token.
// {unsubscribe}: the calling role's own digest unsubscribe token.
type authzRow struct {
	route string // "METHOD /path" exactly as in the route table
	path  string // the path to call under /api/v1, with placeholders
	body  string // JSON with placeholders; "" sends none
	want  authzWant
	show  string // when set, every answer must contain it
}

// authzAll is a want whose every cell is status.
func authzAll(status int) authzWant {
	return authzWant{{status, status}, {status, status}, {status, status}, {status, status}, {status, status}}
}

// authzByRole is a want whose cells are the same in and out of region, and
// the same for both admins.
func authzByRole(admin, manager, officer, viewer int) authzWant {
	return authzWant{{admin, admin}, {admin, admin}, {manager, manager}, {officer, officer}, {viewer, viewer}}
}

// authzScoped is a want whose every Loreto user gets status in its region
// and 404 out of it; the admin of every region status in both.
func authzScoped(status int) authzWant {
	return authzWant{{status, status}, {status, 404}, {status, 404}, {status, 404}, {status, 404}}
}

// authzEditors is a want whose admins, manager and officer get in in region
// and out out of it (the admin of every region in in both), and whose
// viewer is refused (403) both.
func authzEditors(in, out int) authzWant {
	return authzWant{{in, in}, {in, out}, {in, out}, {in, out}, {403, 403}}
}

// everyRegion returns w with the admin of every region's cells set.
func (w authzWant) everyRegion(in, out int) authzWant {
	w[0] = [2]int{in, out}
	return w
}

// authzSide are the records of one region.
type authzSide struct {
	region, email                                  string
	stakeholder, stakeholder2, meeting, commitment bson.ObjectID
	task, message, thread, mailbox                 bson.ObjectID
	initiative                                     bson.ObjectID
}

const authzSecret = "SECRETO-CUSCO"

// authzSeq numbers the matrix's messages in their folder.
var authzSeq uint32

func TestAuthorizationMatrixByRegion(t *testing.T) {
	rows := map[string]authzRow{}
	for _, r := range authzRows {
		if _, dup := rows[r.route]; dup {
			t.Errorf("two matrix rows for %s", r.route)
		}
		rows[r.route] = r
	}
	print := os.Getenv("ALIANZA_AUTHZ_PRINT") != ""
	for _, rt := range (&API{}).routes() {
		name := rt.method + " " + rt.path
		row, ok := rows[name]
		if !ok {
			t.Errorf("route %s has no row in the authorization matrix (authz_matrix_test.go)", name)
			continue
		}
		delete(rows, name)
		// A database per route (a copy of a seeded template) keeps each one
		// small (the embedded engine scans), makes a route's answers the same
		// whatever ran before it, and lets a route be checked alone:
		// -run 'MatrixByRegion/GET_/stakeholders$'.
		t.Run(name, func(t *testing.T) {
			got := authzRoute(t, name, rt.method, row, print)
			if print {
				fmt.Printf("%-55s %v\n", name, got)
			}
		})
	}
	for name := range rows {
		t.Errorf("matrix row %s matches no route", name)
	}
}

// authzSeed is what a route's database holds before its first call: the
// test users and the matrix's (under "mx_" and the column's name), and
// pairs of sides {Loreto, Cusco}.
type authzSeed struct {
	users map[string]*model.User
	sides [][2]authzSide
}

// The templates of the matrix's databases, seeded once (seeding is most
// of a route's time under the race detector), each route on its own copy.
// A read's cells share one pair of sides; a write has a pair per column,
// so that every cell works on records no other cell touched.
var (
	authzReads  = storetest.NewTemplate(func(t testing.TB, s *store.Store) authzSeed { return seedAuthz(t, s, 1) })
	authzWrites = storetest.NewTemplate(func(t testing.TB, s *store.Store) authzSeed { return seedAuthz(t, s, len(authzRoles)) })
)

// seedAuthz writes the test users, a user per column and pairs pairs of
// sides, as a mail app's store (the team domains set) would.
func seedAuthz(t testing.TB, s *store.Store, pairs int) authzSeed {
	t.Helper()
	ctx := context.Background()
	s.SetTeamDomains(teamDomains)
	flows := workflow.New(s)
	users := createTestUsers(t, s)
	hash := testPasswordHash(t)
	for _, col := range authzRoles {
		u, err := s.CreateUser(ctx, model.SystemActor, model.NewUser{Email: "mx-" + col.name + "@alianza.test", Name: "mx " + col.name, Role: col.role, Regions: []string{col.region}}, hash)
		if err != nil {
			t.Fatal(err)
		}
		users["mx_"+col.name] = u
	}
	seed := authzSeed{users: users}
	for range pairs {
		officer := users["mx_"+model.RoleOfficer]
		seed.sides = append(seed.sides, [2]authzSide{newAuthzSide(t, s, flows, officer, "16"), newAuthzSide(t, s, flows, officer, "08")})
	}
	return seed
}

// authzRoute calls one route in every cell of its row on a fresh copy of
// its template.
func authzRoute(t *testing.T, name, method string, row authzRow, print bool) authzWant {
	t.Helper()
	tmpl := authzWrites
	if method == "GET" {
		tmpl = authzReads
	}
	s, seed := tmpl.Open(t)
	ta := appOn(t, s, maps.Clone(seed.users)).withMail()
	ctx := context.Background()
	users := map[string]*model.User{}
	for _, col := range authzRoles {
		users[col.name] = seed.users["mx_"+col.name]
	}
	officer := users[model.RoleOfficer]
	// The public feed is called with each role's real link, on an upcoming
	// meeting in each region with every matrix user as staff: each feed
	// must show the Loreto one, and the leak check below that the Cusco
	// one stays out.
	tokens := map[string]string{}
	if strings.Contains(row.path, "{calendar}") {
		staff := make([]bson.ObjectID, 0, len(users))
		for role, u := range users {
			staff = append(staff, u.ID)
			tokens[role] = auth.RandomToken(32)
			if err := ta.store.SetCalendarToken(ctx, model.SystemActor, u.ID, auth.HashToken(tokens[role])); err != nil {
				t.Fatal(err)
			}
		}
		for region, marker := range map[string]string{"16": "Loreto", "08": authzSecret} {
			st, err := insertStakeholder(ctx, ta.store, model.SystemActor, model.StakeholderInput{Kind: "person", Name: marker + " Agenda", Regions: []string{region}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ta.flows.CreateMeeting(ctx, &model.User{Email: "system", Role: model.RoleAdmin, Regions: []string{model.AllRegions}}, model.MeetingInput{StartsAt: ta.store.Now().Add(24 * time.Hour).Format(time.RFC3339),
				DurationMin: 30, Kind: "call", Region: region, StaffIDs: staff, Participants: []model.ParticipantInput{{StakeholderID: st.ID}}, Summary: marker}); err != nil {
				t.Fatal(err)
			}
		}
	}
	n := 0
	fill := func(s string, side authzSide, role string) string {
		n++
		return strings.NewReplacer(
			"{stakeholder2}", side.stakeholder2.Hex(), "{stakeholder}", side.stakeholder.Hex(), "{meeting}", side.meeting.Hex(),
			"{commitment}", side.commitment.Hex(), "{initiative}", side.initiative.Hex(), "{task}", side.task.Hex(), "{message}", side.message.Hex(),
			"{thread}", side.thread.Hex(), "{region}", side.region, "{email}", side.email,
			"{mailbox}", side.mailbox.Hex(), "{user}", users[model.RoleViewer].ID.Hex(), "{officer}", officer.ID.Hex(),
			"{n}", fmt.Sprint(n), "{calendar}", tokens[role],
			"{unsubscribe}", notify.UnsubscribeToken(ta.tokens.Derive(notify.UnsubscribePurpose), users[role].ID),
		).Replace(s)
	}
	// Reads share one pair of sides; writes get fresh records per cell.
	var got authzWant
	for ri, col := range authzRoles {
		role := col.name
		for si := range 2 {
			side := seed.sides[0][si]
			if method != "GET" {
				side = seed.sides[ri][si]
			}
			path := "/api/v1" + fill(row.path, side, role)
			var body any
			if row.body != "" {
				body = fill(row.body, side, role)
			}
			r := ta.do("mx_"+role, method, path, body)
			got[ri][si] = r.status
			if r.status != row.want[ri][si] && !print {
				t.Errorf("%s as %s %s: %d, want %d: %.300s", name, role, [2]string{"in region", "out of region"}[si], r.status, row.want[ri][si], r.body)
			}
			if row.show != "" && !strings.Contains(string(r.body), row.show) {
				t.Errorf("%s as %s: the answer lacks %q: %.300s", name, role, row.show, r.body)
			}
			if col.region != model.AllRegions && strings.Contains(string(r.body), authzSecret) {
				t.Errorf("%s as %s: the answer shows a Cusco record: %.300s", name, role, r.body)
			}
		}
	}
	return got
}

// newAuthzSide makes fresh records in region, owned by officer: a
// stakeholder with a relationship to a second one, a meeting, a
// commitment, a task and a message from the stakeholder.
func newAuthzSide(t testing.TB, s *store.Store, flows *workflow.Flows, officer *model.User, region string) authzSide {
	t.Helper()
	ctx := context.Background()
	actor := model.Actor{ID: officer.ID, Email: officer.Email, Name: officer.Name}
	marker := "Loreto"
	if region == "08" {
		marker = authzSecret
	}
	side := authzSide{region: region, email: fmt.Sprintf("%s-%s@ong.pe", strings.ToLower(marker), bson.NewObjectID().Hex())}
	st2, err := insertStakeholder(ctx, s, actor, model.StakeholderInput{Kind: "person", Name: marker + " Dos", Regions: []string{region}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := insertStakeholder(ctx, s, actor, model.StakeholderInput{Kind: "person", Name: marker + " Uno", Regions: []string{region}, Emails: []string{side.email}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := addRelationship(ctx, s, actor, st, model.RelationshipInput{StakeholderID: st2.ID, Kind: "advises"}); err != nil {
		t.Fatal(err)
	}
	// The records are the officer's, written with every region.
	asAll := &model.User{ID: officer.ID, Email: officer.Email, Name: officer.Name, Role: model.RoleAdmin, Regions: []string{model.AllRegions}}
	mc, err := flows.CreateMeeting(ctx, asAll, model.MeetingInput{StartsAt: "2026-03-05T10:00:00-05:00", DurationMin: 30, Kind: "in_person", Region: region,
		Participants: []model.ParticipantInput{{StakeholderID: st.ID}}, Summary: marker})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := flows.CreateCommitment(ctx, asAll, model.CommitmentInput{StakeholderID: st.ID, Text: marker, Type: "budget", Region: region})
	if err != nil {
		t.Fatal(err)
	}
	ini, err := flows.CreateInitiative(ctx, asAll, model.InitiativeInput{Kind: model.KindBill, Title: marker + " ley", Region: region, Stage: "presented",
		OwnerID: officer.ID, Stakeholders: []model.InitiativeLink{{StakeholderID: st.ID, Role: "author"}}})
	if err != nil {
		t.Fatal(err)
	}
	side.initiative = ini.ID
	task, err := flows.CreateTask(ctx, asAll, model.TaskInput{Title: marker, Links: model.TaskLinks{StakeholderID: st.ID}, Region: region})
	if err != nil {
		t.Fatal(err)
	}
	msg := mkMessage(0, side.email, []string{"equipo@alianza.org.pe"}, marker+" asunto "+bson.NewObjectID().Hex(), s.Now().Add(-time.Hour))
	id := bson.NewObjectID()
	msg.Message.ID, msg.Message.ThreadID, msg.Body.ID = id, id, id
	msg.Message.MessageID = id.Hex() + "@test"
	authzSeq++
	msg.Message.SeenIn[0].UID = authzSeq
	if _, err := s.SaveMessages(ctx, []model.IncomingMessage{msg}, workflow.MatchMail(s)); err != nil {
		t.Fatal(err)
	}
	side.stakeholder, side.stakeholder2, side.meeting, side.commitment = st.ID, st2.ID, mc.Meeting.ID, cm.ID
	side.task, side.message, side.thread = task.ID, id, id
	key := mailKey(t)
	box, err := s.InsertMailbox(ctx, model.SystemActor, key, model.Mailbox{Name: "Equipo " + id.Hex(), Host: "127.0.0.1", Port: 1, TLS: model.TLSNone,
		Username: id.Hex() + "@alianza.org.pe", Password: "x", Source: model.MailboxSourceAPI})
	if err != nil {
		t.Fatal(err)
	}
	side.mailbox = box.ID
	return side
}
