package lite

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/alianza-pe/alianza/internal/store/coll"
)

// killChildEnv names the database the re-executed test binary writes to
// until it is killed.
const killChildEnv = "LITE_KILL_CHILD_DB"

// killCkEnv makes the child checkpoint after every few pages, so that the
// kill often lands in a checkpoint under way.
const killCkEnv = "LITE_KILL_CHILD_CK"

func TestMain(m *testing.M) {
	if path := os.Getenv(killChildEnv); path != "" {
		killChild(path)
	}
	if arg := os.Getenv(respecChildEnv); arg != "" {
		respecChild(arg)
	}
	if path := os.Getenv(bulkChildEnv); path != "" {
		bulkChild(path)
	}
	code := m.Run()
	for _, f := range freshFolders {
		if f.file != "" {
			os.RemoveAll(filepath.Dir(f.file))
		}
	}
	os.Exit(code)
}

// killChild is the child process of TestKill9: it writes transactions that
// each insert a document in two collections, until it is killed.
func killChild(path string) {
	ctx := context.Background()
	var opts []Option
	if os.Getenv(killCkEnv) != "" {
		opts = append(opts, tuneCheckpoints(8, time.Millisecond, 0, 64))
	}
	db, err := Open(ctx, path, testSpecs, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println("ready")
	for i := 0; ; i++ {
		err := db.WithTx(ctx, func(ctx context.Context) error {
			id := bson.NewObjectID()
			if _, err := db.Collection("meetings").Insert(ctx, []any{bson.D{{Key: "_id", Value: id}, {Key: "title", Value: fmt.Sprint(i)},
				{Key: "participants", Value: bson.A{bson.D{{Key: "stakeholder_id", Value: "s1"}}}}}}, coll.InsertOptions{}); err != nil {
				return err
			}
			_, err := db.Collection("messages").Update(ctx, bson.D{{Key: "_id", Value: id}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: i}, {Key: "stakeholder_ids", Value: bson.A{"s1"}}, {Key: "search", Value: "kill nine"}}}}, coll.UpdateOptions{Upsert: true})
			return err
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
	}
}

func TestKill9(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kill.db")
	for round := range 6 {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), killChildEnv+"="+path)
		if round%2 == 1 {
			cmd.Env = append(cmd.Env, killCkEnv+"=1")
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 6)
		if _, err := out.Read(buf); err != nil {
			t.Fatalf("child did not start: %v", err)
		}
		time.Sleep(time.Duration(300+100*round) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()

		db, err := Open(ctx, path, testSpecs)
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		meetings, err1 := db.Collection("meetings").Count(ctx, bson.D{}, 0)
		messages, err2 := db.Collection("messages").Count(ctx, bson.D{}, 0)
		byMember, err3 := db.Collection("messages").Count(ctx, bson.D{{Key: "stakeholder_ids", Value: "s1"}}, 0)
		byWord, err4 := db.Collection("messages").Count(ctx, bson.D{{Key: "search", Value: bson.D{{Key: "$regex", Value: "(^| )nin"}}}}, 0)
		byPart, err5 := db.Collection("meetings").Count(ctx, bson.D{{Key: "participants.stakeholder_id", Value: "s1"}}, 0)
		db.Close()
		for _, err := range []error{err1, err2, err3, err4, err5} {
			if err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("round %d: %d transactions survived", round, meetings)
		if meetings == 0 || meetings != messages || messages != byMember || messages != byWord || meetings != byPart {
			t.Fatalf("round %d: torn transactions: meetings %d, messages %d, member rows %d, word rows %d, participant rows %d",
				round, meetings, messages, byMember, byWord, byPart)
		}
	}
}
