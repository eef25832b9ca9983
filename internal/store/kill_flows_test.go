package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/fixture"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"github.com/alianza-pe/alianza/internal/store/lite"
	"github.com/alianza-pe/alianza/internal/workflow"
)

// flowsKillEnv names the data folder the re-executed test binary writes
// workflows to until TestWorkflowsSurviveKill9 kills it; flowsRoundEnv and
// flowsAdminEnv give it the round (so each round's records are told apart)
// and the admin user the parent created.
const (
	flowsKillEnv  = "ALIANZA_KILL_FLOWS_DIR"
	flowsRoundEnv = "ALIANZA_KILL_FLOWS_ROUND"
	flowsAdminEnv = "ALIANZA_KILL_FLOWS_ADMIN"
	// flowsAtEnv makes the child kill itself inside a transaction instead
	// of waiting for the parent, in its second iteration: at the step
	// "meeting" (commitments and tasks inserted, the meeting not yet),
	// "import-merge" (new stakeholders inserted, the merge not yet), or at
	// the first audit entry of a workflow, "<workflow>-audit" (its records
	// written, their audit trail not yet).
	flowsAtEnv = "ALIANZA_KILL_FLOWS_AT"
)

// init runs the child of TestWorkflowsSurviveKill9 before TestMain.
func init() {
	dir := os.Getenv(flowsKillEnv)
	if dir == "" {
		return
	}
	if err := flowsChild(dir, os.Getenv(flowsRoundEnv), os.Getenv(flowsAdminEnv), os.Getenv(flowsAtEnv)); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
}

// killName is the person erased in iteration marker; its words pair only
// with each other, so erasing one iteration's person leaves the others'.
func killName(marker string) string { return "Nadia " + marker + " Loayza" }

// flowsChild loops, on the embedded store in dir, what must be all or
// nothing: per iteration a person and an organisation naming them, a
// meeting with the person, two commitments and two tasks; an import of
// three new stakeholders and one row merged into the previous import's
// first; then the person's erasure. Every record carries the iteration's
// marker (r<round>i<n>), which the erasure leaves.
func flowsChild(dir, round, adminHex, at string) error {
	ctx := context.Background()
	adminID, err := bson.ObjectIDFromHex(adminHex)
	if err != nil {
		return err
	}
	st, err := store.OpenEmbedded(ctx, dir, nil)
	if err != nil {
		return err
	}
	f := workflow.New(st)
	armed := false // from the second iteration on
	phase := ""    // the workflow running
	kill := func(step string) {
		if armed && step == at {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		}
	}
	store.OnCreateStep(kill)
	st.SetWriteFault(func(col string) error {
		if col == "audit" {
			kill(phase + "-audit")
		}
		return nil
	})
	u := fixture.AsAdmin(model.Actor{ID: adminID, Email: "kill@x.org"}, model.Scope{All: true})
	fmt.Println("ready")
	prevImport := "seed" + round + "@imp.test"
	for i := 0; ; i++ {
		armed, phase = i > 0, ""
		marker := fmt.Sprintf("r%si%04d", round, i)
		name := killName(marker)
		p, err := f.CreateStakeholder(ctx, u, model.StakeholderInput{Kind: model.KindPerson, Name: name, Emails: []string{marker + "@kill.test"},
			Regions: []string{"08"}, Stance: "unknown", Influence: "medium"})
		if err != nil {
			return err
		}
		if _, err := f.CreateStakeholder(ctx, u, model.StakeholderInput{Kind: model.KindOrganization, Name: "Red " + marker,
			Regions: []string{"08"}, Stance: "unknown", Influence: "medium", Notes: marker + " contacto: " + name}); err != nil {
			return err
		}
		in := model.MeetingInput{StartsAt: "2026-03-05T15:00:00Z", DurationMin: 60, Kind: "in_person", Region: "08", Place: "Sede",
			Participants: []model.ParticipantInput{{StakeholderID: p.ID}}, Topics: []string{"budget"}, Summary: marker + " reunión con " + name}
		for range 2 {
			in.Commitments = append(in.Commitments, model.CommitmentInput{StakeholderID: p.ID, Text: name + " enviará el informe " + marker, Type: "coordination"})
			in.Tasks = append(in.Tasks, model.TaskInput{Title: "Llamar a " + name + " " + marker})
		}
		phase = "meeting"
		if _, err := f.CreateMeeting(ctx, u, in); err != nil {
			return err
		}
		tag := "imp " + marker
		rows := []workflow.ImportRow{{Row: 2, Input: model.StakeholderInput{Kind: model.KindPerson, Name: "Fusión " + marker,
			Emails: []string{prevImport}, Regions: []string{"08"}, Tags: []string{tag}, Stance: "unknown", Influence: "medium"}}}
		for k := range 3 {
			rows = append(rows, workflow.ImportRow{Row: 3 + k, Input: model.StakeholderInput{Kind: model.KindPerson,
				Name: fmt.Sprintf("Importado %s %d", marker, k), Emails: []string{fmt.Sprintf("%s-%d@imp.test", marker, k)},
				Regions: []string{"08"}, Tags: []string{tag}, Stance: "unknown", Influence: "medium"}})
		}
		phase = "import"
		res, err := f.ImportStakeholders(ctx, u, rows, false)
		if err != nil {
			return err
		}
		if res.Created != 3 || res.Merged != 1 {
			return fmt.Errorf("import %s: %+v", marker, res)
		}
		prevImport = marker + "-0@imp.test"
		phase = "erase"
		if _, err := f.EraseStakeholder(ctx, u, p.ID, name); err != nil {
			return err
		}
	}
}

// TestWorkflowsSurviveKill9 kills (-9) a process looping the workflows that
// write several records in one transaction (a meeting with its commitments
// and tasks, an import with a merge into an existing stakeholder, an
// erasure) at random moments, reopens the folder and checks that each is
// wholly there or absent.
func TestWorkflowsSurviveKill9(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	st, err := store.OpenEmbedded(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := st.CreateUser(ctx, model.SystemActor, model.NewUser{Email: "kill@x.org", Name: "Kill", Role: model.RoleAdmin, Regions: []string{model.AllRegions}}, "h")
	if err != nil {
		t.Fatal(err)
	}
	// Random kills by the parent, then a kill inside each transaction.
	rounds := []string{"", "", "", "", "meeting", "meeting-audit", "import-merge", "import-audit", "erase-audit"}
	var seeds []model.Stakeholder
	for r := range rounds {
		seeds = append(seeds, model.Stakeholder{ID: bson.NewObjectID(), Kind: model.KindPerson, Name: fmt.Sprintf("Semilla %d", r),
			Emails: []string{fmt.Sprintf("seed%d@imp.test", r)}, Regions: []string{"08"}, Tags: []string{}, Stance: "unknown", Influence: "medium", Version: 1})
	}
	if err := st.InsertStakeholders(ctx, seeds); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(ctx); err != nil {
		t.Fatal(err)
	}
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("seed %d", seed)
	var total flowTally
	for r, at := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), flowsKillEnv+"="+dir, flowsRoundEnv+"="+strconv.Itoa(r), flowsAdminEnv+"="+admin.ID.Hex(), flowsAtEnv+"="+at)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 6)
		if _, err := out.Read(buf); err != nil {
			_ = cmd.Wait()
			t.Fatalf("round %d: child did not start: %v\n%s", r, err, stderr.String())
		}
		if at == "" {
			time.Sleep(time.Duration(100+rng.IntN(300)) * time.Millisecond)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
		}
		err = cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child was not killed: %v\n%s", r, err, stderr.String())
		}
		got := checkFlows(t, dir)
		if t.Failed() {
			t.FailNow()
		}
		t.Logf("round %d (killed at %q): %d meetings, %d imports, %d erasures whole so far", r, at, got.meetings, got.imports, got.erasures)
		total = got
	}
	if total.meetings == 0 || total.imports == 0 || total.erasures == 0 {
		t.Fatalf("the child never finished each workflow once: %+v", total)
	}
}

// flowTally counts the workflows found whole.
type flowTally struct{ meetings, imports, erasures int }

var markerRe = regexp.MustCompile(`r\d+i\d{4}`)

// checkFlows reads every document of the folder's file and fails on a
// workflow that is partly stored.
func checkFlows(t *testing.T, dir string) flowTally {
	t.Helper()
	ctx := context.Background()
	db, err := lite.Open(ctx, filepath.Join(dir, store.EmbeddedFile), store.CollectionSpecs())
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	raws := map[string][]bson.Raw{}
	for _, spec := range store.CollectionSpecs() {
		var docs []bson.Raw
		if err := db.Collection(spec.Name).Find(ctx, bson.D{}, coll.FindOptions{}, &docs); err != nil {
			t.Fatal(err)
		}
		raws[spec.Name] = docs
	}
	stakeholders := decodeAll[model.Stakeholder](t, raws["stakeholders"])
	meetings := decodeAll[model.Meeting](t, raws["meetings"])
	commitments := decodeAll[model.Commitment](t, raws["commitments"])
	tasks := decodeAll[model.Task](t, raws["tasks"])
	// The audit trail is written in the same transaction: every record of a
	// whole workflow has its entry.
	audited := map[string]bool{}
	for _, a := range decodeAll[model.AuditEntry](t, raws["audit"]) {
		audited[a.Action+" "+a.EntityID] = true
	}
	needAudit := func(what, action string, id bson.ObjectID) {
		t.Helper()
		if !audited[action+" "+id.Hex()] {
			t.Errorf("%s %s is stored without its %s audit entry", what, id.Hex(), action)
		}
	}

	var tally flowTally
	byID := map[bson.ObjectID]model.Stakeholder{}
	orgs := map[string]model.Stakeholder{}
	imported := map[string]int{}
	for _, s := range stakeholders {
		byID[s.ID] = s
		if m := markerRe.FindString(s.Name); m != "" && s.Kind == model.KindOrganization {
			orgs[m] = s
		}
		for _, tag := range s.Tags {
			imported[tag]++
			// Its own import created it, a later one merged into it.
			if m := markerRe.FindString(s.Name); m != "" && strings.HasSuffix(tag, m) {
				needAudit("imported stakeholder", model.ActionCreate, s.ID)
			} else {
				needAudit("merged stakeholder", model.ActionUpdate, s.ID)
			}
		}
	}
	// An import is its three new stakeholders and the tag merged into one
	// that was there before, or none of it.
	for tag, n := range imported {
		if n != 4 {
			t.Errorf("import %q: %d of its 4 stakeholders carry it", tag, n)
		}
		tally.imports++
	}
	commitmentOf := map[bson.ObjectID]model.Commitment{}
	for _, c := range commitments {
		commitmentOf[c.ID] = c
	}
	taskOf := map[bson.ObjectID]model.Task{}
	for _, tk := range tasks {
		taskOf[tk.ID] = tk
	}
	meetingIDs := map[bson.ObjectID]bool{}
	for _, m := range meetings {
		meetingIDs[m.ID] = true
	}
	for _, c := range commitments {
		if c.Origin == nil || !meetingIDs[c.Origin.ID] {
			t.Errorf("commitment %s %q without its meeting", c.ID.Hex(), c.Text)
		}
	}
	for _, tk := range tasks {
		if !meetingIDs[tk.Links.MeetingID] {
			t.Errorf("task %s %q without its meeting", tk.ID.Hex(), tk.Title)
		}
	}
	for _, m := range meetings {
		marker := markerRe.FindString(m.Summary)
		texts := []string{m.Summary, m.Participants[0].Name}
		whole := len(m.CommitmentIDs) == 2 && len(m.TaskIDs) == 2
		for _, id := range m.CommitmentIDs {
			c, ok := commitmentOf[id]
			whole = whole && ok
			texts = append(texts, c.Text, c.StakeholderName)
		}
		for _, id := range m.TaskIDs {
			tk, ok := taskOf[id]
			whole = whole && ok
			texts = append(texts, tk.Title)
		}
		if !whole {
			t.Errorf("meeting %s: %d commitments, %d tasks listed, not all stored", marker, len(m.CommitmentIDs), len(m.TaskIDs))
			continue
		}
		tally.meetings++
		needAudit("meeting", model.ActionCreate, m.ID)
		for _, id := range append(slices.Clone(m.CommitmentIDs), m.TaskIDs...) {
			needAudit("record of meeting "+marker, model.ActionCreate, id)
		}
		// The erasure of the meeting's person changed every record naming
		// them, or none.
		person, ok := byID[m.Participants[0].StakeholderID]
		org, ok2 := orgs[marker]
		if !ok || !ok2 {
			t.Errorf("meeting %s: its person or organisation is missing", marker)
			continue
		}
		texts = append(texts, org.Notes)
		erased := person.Name == model.ErasedName
		name := killName(marker)
		for _, text := range texts {
			if strings.Contains(text, name) == erased || strings.Contains(text, model.ErasedName) != erased {
				t.Errorf("%s (erased: %v): half-redacted text %q", marker, erased, text)
			}
		}
		if !erased {
			continue
		}
		tally.erasures++
		needAudit("erased stakeholder", "erase", person.ID)
		for col, docs := range raws {
			for _, raw := range docs {
				if bytes.Contains(raw, []byte(name)) || bytes.Contains(raw, []byte(marker+"@kill.test")) {
					t.Errorf("%s is erased but %s still names them: %s", marker, col, raw)
				}
			}
		}
	}
	return tally
}

func decodeAll[T any](t *testing.T, raws []bson.Raw) []T {
	t.Helper()
	out := make([]T, len(raws))
	for i, r := range raws {
		if err := bson.Unmarshal(r, &out[i]); err != nil {
			t.Fatalf("decode %T: %v", out[i], err)
		}
	}
	return out
}
