package backup

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/workflow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// archiveBytes is the whole uncompressed content of a backup archive.
func archiveBytes(t *testing.T, path string) []byte {
	t.Helper()
	var out bytes.Buffer
	tr := readArchive(t, path)
	for {
		if _, err := tr.Next(); err != nil {
			break
		}
		_, _ = io.Copy(&out, tr)
	}
	return out.Bytes()
}

// allText is every document of every collection as extended JSON.
func allText(t *testing.T, e *engine) string {
	t.Helper()
	var b strings.Builder
	for col, docs := range dump(t, e.s) {
		for _, d := range docs {
			b.WriteString(col + " " + d.String() + "\n")
		}
	}
	return b.String()
}

// An erasure removes the person's name and addresses from every collection
// (audit trail included) while the records and the other participants stay,
// and a backup taken afterwards holds none of it, not even in free pages.
func TestEraseStakeholderLeavesNoTrace(t *testing.T) {
	ctx := context.Background()
	e := startEngine(t, t.TempDir())
	loadSample(t, e)

	// The demo stakeholder with the most records around them.
	var stakeholders []model.Stakeholder
	if err := e.col("stakeholders").Find(ctx, bson.D{}, coll.FindOptions{}, &stakeholders); err != nil {
		t.Fatal(err)
	}
	var who *model.Stakeholder
	var before *store.PersonalData
	best := 0
	for i := range stakeholders {
		d, err := e.s.StakeholderPersonalData(ctx, stakeholders[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(d.Meetings) + len(d.Commitments) + len(d.Messages); len(d.Messages) > 0 && len(d.Meetings) > 0 && len(stakeholders[i].Emails) > 0 && n > best {
			who, before, best = &stakeholders[i], d, n
		}
	}
	if who == nil {
		t.Fatal("no demo stakeholder with meetings and messages")
	}
	// A note that names them, beside a longer name that only starts the same.
	meeting := before.Meetings[0]
	first := strings.Fields(who.Name)[0]
	note := "Acordado con " + who.Name + "; " + first + "ita Ramos lo revisa."
	if _, err := e.col("meetings").Update(ctx, bson.D{{Key: "_id", Value: meeting.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "summary", Value: note}}}}, coll.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A message they were only copied on, not linked to them: found by address.
	ccOnly := bson.NewObjectID()
	if _, err := e.col("messages").Insert(ctx, []any{model.Message{ID: ccOnly, ThreadID: ccOnly, Subject: "Convocatoria",
		From: model.Address{Name: "Equipo", Address: "equipo@alianza.test"}, Cc: []model.Address{{Name: who.Name, Address: who.Emails[0]}},
		Status: model.MessageNew, Version: 1}}, coll.InsertOptions{}); err != nil {
		t.Fatal(err)
	}
	var others []string
	for _, p := range meeting.Participants {
		if p.StakeholderID != who.ID {
			others = append(others, p.Name)
		}
	}
	counts := map[string]int{}
	for col, docs := range dump(t, e.s) {
		counts[col] = len(docs)
	}
	dir := t.TempDir()
	earlier := filepath.Join(dir, "before.tar.gz")
	if _, err := Create(ctx, backupOpts(e.dir, earlier)); err != nil {
		t.Fatal(err)
	}

	admin := &model.User{ID: bson.NewObjectID(), Email: "admin@alianza.test", Role: model.RoleAdmin, Regions: []string{model.AllRegions}}
	rep, err := workflow.New(e.s).EraseStakeholder(ctx, admin, who.ID, who.Name)
	if err != nil {
		t.Fatalf("erase: %v", err)
	}
	if rep.Meetings != len(before.Meetings) || rep.Messages != len(before.Messages)+1 || rep.Commitments != len(before.Commitments) {
		t.Fatalf("erase report %+v, personal data had %d meetings, %d commitments, %d messages", rep, len(before.Meetings), len(before.Commitments), len(before.Messages))
	}
	secrets := append([]string{who.Name}, who.Emails...)
	text := allText(t, e)
	for _, s := range secrets {
		if strings.Contains(strings.ToLower(text), strings.ToLower(s)) {
			i := strings.Index(strings.ToLower(text), strings.ToLower(s))
			t.Errorf("%q still in the database: ...%s...", s, text[max(0, i-200):min(len(text), i+100)])
		}
	}
	for col, docs := range dump(t, e.s) {
		want := counts[col]
		if col == "audit" {
			want++ // the erasure's own entry
		}
		if len(docs) != want {
			t.Errorf("%s: %d records after the erasure, %d before", col, len(docs), want)
		}
	}
	var m model.Meeting
	if err := e.col("meetings").FindOne(ctx, bson.D{{Key: "_id", Value: meeting.ID}}, coll.FindOptions{}, &m); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Summary, "Acordado con ") || !strings.Contains(m.Summary, store.ErasedName) || !strings.HasSuffix(m.Summary, "; "+first+"ita Ramos lo revisa.") {
		t.Errorf("summary after the erasure: %q", m.Summary)
	}
	for _, o := range others {
		found := false
		for _, p := range m.Participants {
			found = found || p.Name == o
		}
		if !found {
			t.Errorf("other participant %q lost from %+v", o, m.Participants)
		}
	}
	var cc model.Message
	if err := e.col("messages").FindOne(ctx, bson.D{{Key: "_id", Value: ccOnly}}, coll.FindOptions{}, &cc); err != nil {
		t.Fatal(err)
	}
	if cc.From.Address != "equipo@alianza.test" || len(cc.Cc) != 1 || cc.Cc[0].Address != "" || cc.Cc[0].Name != store.ErasedName {
		t.Errorf("message they were copied on: from %+v cc %+v", cc.From, cc.Cc)
	}
	var entry model.AuditEntry
	if err := e.col("audit").FindOne(ctx, bson.D{{Key: "action", Value: "erase"}}, coll.FindOptions{}, &entry); err != nil {
		t.Fatalf("erase audit entry: %v", err)
	}
	if entry.ActorID != admin.ID || entry.EntityID != who.ID.Hex() || len(entry.Changes) == 0 {
		t.Errorf("erase audit entry %+v", entry)
	}
	after, err := e.s.StakeholderPersonalData(ctx, who.ID)
	if err != nil || after.Stakeholder.Name != store.ErasedName || len(after.Stakeholder.Emails) != 0 || after.Stakeholder.Search != "" {
		t.Fatalf("stakeholder after the erasure: %+v %v", after.Stakeholder, err)
	}

	// The live file may still have the old rows in free pages; a backup is
	// a fresh file without them. The earlier backup proves the check works.
	later := filepath.Join(dir, "after.tar.gz")
	if _, err := Create(ctx, backupOpts(e.dir, later)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(archiveBytes(t, earlier), []byte(who.Name)) {
		t.Fatalf("the earlier backup does not hold %q: the check below proves nothing", who.Name)
	}
	content := archiveBytes(t, later)
	for _, s := range secrets {
		if bytes.Contains(content, []byte(s)) {
			t.Errorf("the backup taken after the erasure holds %q", s)
		}
	}
}
