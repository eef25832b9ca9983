package mailsync

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/workflow"
)

// The child of TestSyncSurvivesKill9 syncs the server at killAddrEnv into
// the embedded store at killDirEnv; with killAtEnv = n it kills itself
// (-9) inside the transaction of its n-th batch, after the batch's
// messages are written and before its state is, and with n = -1 at a
// random moment of the sync.
const (
	killDirEnv  = "ALIANZA_SYNC_KILL_DIR"
	killAddrEnv = "ALIANZA_SYNC_KILL_ADDR"
	killAtEnv   = "ALIANZA_SYNC_KILL_AT"
	killBatch   = 4
)

// killSink kills the process when the state of its at-th batch is asked
// for: inside SaveBatch's transaction on the embedded store.
type killSink struct {
	workflow.MailSink
	at, n int
}

func (k *killSink) SaveBatch(ctx context.Context, msgs []model.IncomingMessage, state func([]bool) model.FolderState) ([]bool, error) {
	return k.MailSink.SaveBatch(ctx, msgs, func(created []bool) model.FolderState {
		if k.n++; k.n == k.at {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		}
		return state(created)
	})
}

func killChild(t *testing.T, dir, addr string) {
	ctx := context.Background()
	st, err := store.OpenEmbedded(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	at, _ := strconv.Atoi(os.Getenv(killAtEnv))
	// One holder for every child: a killed one leaves its lease behind.
	s := newSyncer(t, accountFor(t, addr, model.TLSNone), &killSink{MailSink: workflow.MailSink{Store: st}, at: at},
		Options{BatchSize: killBatch, Holder: "kill-test"})
	if at < 0 {
		time.AfterFunc(time.Duration(rand.N(60))*time.Millisecond, func() { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL) })
	}
	if _, err := s.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestSyncSurvivesKill9 kills (-9) a first sync into the embedded store
// inside a batch's transaction, and at random moments, and checks after
// each kill that the messages stored are exactly those up to the saved
// LastUID (the batch and its state commit together: nothing lost, nothing
// stored twice, bodies and tallies with them); a last sync completes it.
func TestSyncSurvivesKill9(t *testing.T) {
	if dir := os.Getenv(killDirEnv); dir != "" {
		killChild(t, dir, os.Getenv(killAddrEnv))
		return
	}
	ts := startServer(t)
	const n = 10 * killBatch
	for i := 1; i <= n; i++ {
		ts.appendMsg(t, "INBOX", testMessage(i))
	}
	dir := t.TempDir()
	run := func(at int) (killed bool) {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run", "^TestSyncSurvivesKill9$", "-test.count=1")
		cmd.Env = append(os.Environ(), killDirEnv+"="+dir, killAddrEnv+"="+ts.addr, killAtEnv+"="+strconv.Itoa(at))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		if err == nil {
			return false
		}
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true
		}
		t.Fatalf("child: %v\n%s", err, out.String())
		return false
	}
	last := uint32(0)
	check := func(when string) uint32 {
		t.Helper()
		got := storedAfterKill(t, dir)
		if got.messages != int(got.lastUID) || got.bodies != got.messages || got.tallied != int64(got.messages) || got.locations != got.messages {
			t.Fatalf("%s: last uid %d, %d messages in %d places, %d bodies, %d tallied: want the same number of each",
				when, got.lastUID, got.messages, got.locations, got.bodies, got.tallied)
		}
		if got.lastUID < last {
			t.Fatalf("%s: last uid went back from %d to %d", when, last, got.lastUID)
		}
		return got.lastUID
	}

	// Inside the transaction of the second batch, then of the one after
	// the first that commits.
	for _, at := range []int{2, 1} {
		if !run(at) {
			t.Fatalf("child killed at batch %d was not killed", at)
		}
		got := check(fmt.Sprintf("killed in batch %d", at))
		if want := last + uint32(at-1)*killBatch; got != want {
			t.Fatalf("killed in batch %d: last uid %d, want %d", at, got, want)
		}
		last = got
	}
	// At random moments.
	for round := range 4 {
		run(-1)
		last = check(fmt.Sprintf("random kill %d", round))
		t.Logf("random kill %d: last uid %d", round, last)
	}
	if run(0) {
		t.Fatal("the last child was killed")
	}
	if got := check("after the last sync"); got != n {
		t.Fatalf("last uid %d after the last sync, want %d", got, n)
	}
}

type killCounts struct {
	lastUID                     uint32
	messages, bodies, locations int
	tallied                     int64
}

// storedAfterKill opens the data folder a killed child left and counts
// what it holds.
func storedAfterKill(t *testing.T, dir string) killCounts {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenEmbedded(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	var out killCounts
	states, err := st.FolderStates(ctx, testMailboxID)
	if err != nil {
		t.Fatal(err)
	}
	for _, fs := range states {
		if fs.Folder == "INBOX" {
			out.lastUID = fs.LastUID
		}
	}
	err = st.Each(ctx, "messages", func(raw bson.Raw) error {
		var m model.Message
		if err := bson.Unmarshal(raw, &m); err != nil {
			return err
		}
		out.messages++
		out.locations += len(m.SeenIn)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Each(ctx, "message_bodies", func(bson.Raw) error { out.bodies++; return nil }); err != nil {
		t.Fatal(err)
	}
	counts, err := st.MessageCounts(ctx, model.Scope{All: true}, store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out.tallied = counts.All
	return out
}
