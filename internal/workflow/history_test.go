package workflow_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/demo"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// smallHistory is the reference dataset at scale 0.02 with its users and
// mailbox.
func smallHistory(now time.Time) store.Dataset {
	ids := demo.ReferenceUserIDs()
	d := demo.Reference(0.02, now, ids)
	for key, id := range ids {
		d.Users = append(d.Users, model.User{ID: id, Email: key + "@ref.example.org", Name: key, Role: model.RoleOfficer,
			Regions: []string{model.AllRegions}, PasswordHash: "hash", Version: 1, CreatedAt: now, UpdatedAt: now})
	}
	d.Messages = demo.ReferenceMessages(0.02, now, d, ids)
	return d
}

func count(t *testing.T, s *store.Store) (stakeholders int, mail bool) {
	t.Helper()
	ctx := context.Background()
	for _, archived := range []bool{false, true} {
		list, _, err := s.ListStakeholders(ctx, all, store.StakeholderFilter{Archived: archived}, store.Page{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		stakeholders += len(list)
	}
	var err error
	mail, err = s.HasMessages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return stakeholders, mail
}

// A history with bad records stores nothing and names each bad field by
// collection and index: the model's field rules and references to records
// that exist nowhere. (Mail is not refused: ImportHistory files it by the
// matching rule, see TestImportHistoryMatchesStoredMail.)
func TestImportHistoryRefusesBadRecords(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	d := smallHistory(s.Now())
	d.Meetings[0].Kind = "picnic"
	d.Commitments[1].StakeholderID = bson.NewObjectID()
	task := slices.IndexFunc(d.Tasks, func(t model.Task) bool { return !t.Links.MeetingID.IsZero() })
	if task < 0 {
		t.Fatal("setup: no task linked to a meeting")
	}
	d.Tasks[task].Links.MeetingID = bson.NewObjectID()
	d.Messages[2].Message.Status = "lost"
	d.Stakeholders[3].Regions = nil
	d.Meetings[1].TaskIDs = append(d.Meetings[1].TaskIDs, bson.NewObjectID())
	badTask := "meetings[1].task_ids[" + strconv.Itoa(len(d.Meetings[1].TaskIDs)-1) + "]"

	n, err := f.ImportHistory(ctx, model.SystemActor, d)
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got %v (%+v)", err, n)
	}
	var fields []string
	for _, e := range ve.Errors {
		fields = append(fields, e.Field)
	}
	for _, want := range []string{"meetings[0].kind", "commitments[1].stakeholder_id", "tasks[" + strconv.Itoa(task) + "].links.meeting_id",
		"messages[2].status", "stakeholders[3].regions", badTask} {
		if !slices.Contains(fields, want) {
			t.Errorf("no problem for %s in %v", want, fields)
		}
	}
	if n != (store.DatasetCounts{}) {
		t.Errorf("counts %+v after a refused import", n)
	}
	if sts, mail := count(t, s); sts != 0 || mail {
		t.Errorf("a refused import stored %d stakeholders, mail %v", sts, mail)
	}
}

// An import stopped midway (here: some records stored by an earlier,
// partial load) is completed by importing the history again; a third
// import adds nothing.
func TestImportHistoryCompletesAnInterruptedImport(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	d := smallHistory(s.Now())
	partial := store.Dataset{Users: d.Users[:2], Stakeholders: d.Stakeholders[:7], Meetings: d.Meetings[:5], Messages: d.Messages[:9]}
	if _, err := s.LoadDataset(ctx, model.SystemActor, partial); err != nil {
		t.Fatal(err)
	}
	n, err := f.ImportHistory(ctx, model.SystemActor, d)
	if err != nil {
		t.Fatal(err)
	}
	want := store.DatasetCounts{Users: len(d.Users) - 2, Stakeholders: len(d.Stakeholders) - 7, Meetings: len(d.Meetings) - 5,
		Commitments: len(d.Commitments), Tasks: len(d.Tasks), Messages: len(d.Messages) - 9, Initiatives: len(d.Initiatives)}
	if n != want {
		t.Errorf("second import stored %+v, want %+v", n, want)
	}
	if again, err := f.ImportHistory(ctx, model.SystemActor, d); err != nil || again != (store.DatasetCounts{}) {
		t.Errorf("third import: %+v %v", again, err)
	}
	if sts, _ := count(t, s); sts != len(d.Stakeholders) {
		t.Errorf("%d stakeholders stored, want %d", sts, len(d.Stakeholders))
	}
}

// The history's mail is filed by the matching rule, whatever it came with,
// and mail stored before the import is filed again to the history's
// stakeholders that list its addresses, as after creating them one by one.
func TestImportHistoryMatchesStoredMail(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	if _, err := f.SaveMessages(ctx, []model.IncomingMessage{mail(1, "ana.historia@example.pe", "equipo@ong.pe")}); err != nil {
		t.Fatal(err)
	}
	d := smallHistory(s.Now())
	d.Stakeholders[0].Emails = append(d.Stakeholders[0].Emails, "ana.historia@example.pe")
	matched := slices.IndexFunc(d.Messages, func(in model.IncomingMessage) bool { return !in.Message.Unmatched })
	wrong := d.Messages[matched].Message
	d.Messages[matched].Message.StakeholderIDs, d.Messages[matched].Message.Regions, d.Messages[matched].Message.Unmatched = nil, nil, true
	if _, err := f.ImportHistory(ctx, model.SystemActor, d); err != nil {
		t.Fatal(err)
	}
	if got, err := s.MessageByID(ctx, all, wrong.ID, true); err != nil || got.Unmatched || !slices.Equal(got.StakeholderIDs, wrong.StakeholderIDs) {
		t.Errorf("history mail not filed by the rule: %+v %v, want stakeholders %v", got, err, wrong.StakeholderIDs)
	}
	m, err := s.MessageByID(ctx, all, bson.ObjectID{0xee, 1}, true)
	if err != nil {
		t.Fatal(err)
	}
	if m.Unmatched || !slices.Contains(m.StakeholderIDs, d.Stakeholders[0].ID) {
		t.Errorf("stored mail not filed to the imported stakeholder: %+v", m)
	}
}

// The reference dataset at scale 1 passes ImportHistory's checks (the
// loads of the tests use smaller scales); checking it takes well under a
// second of the load's time.
func TestReferenceHistoryIsValid(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the reference dataset at scale 1")
	}
	s, f := open(t)
	ids := demo.ReferenceUserIDs()
	now := s.Now()
	d := demo.Reference(1, now, ids)
	d.Messages = demo.ReferenceMessages(1, now, d, ids)
	for key, id := range ids {
		d.Users = append(d.Users, model.User{ID: id, Email: key + "@ref.example.org", Role: model.RoleOfficer, PasswordHash: "hash", Version: 1})
	}
	start := time.Now()
	if err := f.CheckHistory(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	t.Logf("checked %d stakeholders, %d meetings, %d commitments, %d tasks, %d messages in %s",
		len(d.Stakeholders), len(d.Meetings), len(d.Commitments), len(d.Tasks), len(d.Messages), time.Since(start))
}

// A stakeholder of the history already stored, and changed since (here:
// moved to another region), files the rest of the history's mail by its
// stored copy, so the mail follows the stakeholder into its new region.
func TestImportHistoryFilesMailByTheStoredStakeholder(t *testing.T) {
	s, f := open(t)
	ctx := context.Background()
	d := smallHistory(s.Now())
	msg := slices.IndexFunc(d.Messages, func(in model.IncomingMessage) bool { return len(in.Message.StakeholderIDs) == 1 })
	if msg < 0 {
		t.Fatal("setup: no message of one stakeholder")
	}
	id := d.Messages[msg].Message.StakeholderIDs[0]
	i := slices.IndexFunc(d.Stakeholders, func(st model.Stakeholder) bool { return st.ID == id })
	moved := d.Stakeholders[i]
	moved.Regions = []string{"25"}
	if slices.Equal(d.Stakeholders[i].Regions, moved.Regions) {
		moved.Regions = []string{"17"}
	}
	if _, err := s.LoadDataset(ctx, model.SystemActor, store.Dataset{Users: d.Users, Stakeholders: []model.Stakeholder{moved}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ImportHistory(ctx, model.SystemActor, d); err != nil {
		t.Fatal(err)
	}
	got, err := s.MessageByID(ctx, all, d.Messages[msg].Message.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Regions, moved.Regions) {
		t.Errorf("mail of the moved stakeholder filed in %v, want its stored regions %v", got.Regions, moved.Regions)
	}
}
