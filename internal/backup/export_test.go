package backup

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// readZip returns every file of a zip archive by name.
func readZip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], _ = io.ReadAll(r)
		r.Close()
	}
	return out
}

func TestExportHoldsDataWithoutSecrets(t *testing.T) {
	ctx := context.Background()
	e := startEngine(t, t.TempDir())
	loadSample(t, e)
	key, err := store.MailboxKey([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	const mailboxPassword = "mailbox-password-XYZ"
	if _, err := e.s.InsertMailbox(ctx, model.SystemActor, key, model.Mailbox{
		Name: "Equipo", Host: "imap.example.org", Port: 993, TLS: model.TLSImplicit, Username: "equipo", Password: mailboxPassword, Source: model.MailboxSourceAPI,
	}); err != nil {
		t.Fatalf("mailbox: %v", err)
	}
	// Sign-in tokens and throttle counters live in their own collections.
	_, _ = e.col("refresh_tokens").Insert(ctx, []any{bson.D{{Key: "_id", Value: "refresh-token-secret"}}}, coll.InsertOptions{})
	if err := e.s.KV("login:").Set("1.2.3.4", []byte("5"), time.Hour); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	sum, err := Export(ctx, e.s, &buf, "test", time.Now())
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	files := readZip(t, buf.Bytes())
	var all string
	for _, b := range files {
		all += string(b)
	}
	for _, secret := range []string{"$argon2id", "password_hash", "password_enc", mailboxPassword, "refresh-token-secret", "login:1.2.3.4"} {
		if strings.Contains(all, secret) {
			t.Errorf("the export holds %q", secret)
		}
	}
	for _, absent := range []string{"refresh_tokens.jsonl", "kv.jsonl", "leases.jsonl", "mail_state.jsonl"} {
		if _, ok := files[absent]; ok {
			t.Errorf("the export holds %s", absent)
		}
	}
	readme := string(files["README.txt"])
	for _, c := range exported {
		jsonl, csvb := files[c.name+".jsonl"], files[c.name+".csv"]
		if jsonl == nil || csvb == nil {
			t.Fatalf("%s: missing files", c.name)
		}
		n, err := e.col(c.name).Count(ctx, bson.D{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Collections[c.name] != n {
			t.Errorf("%s: exported %d, database has %d", c.name, sum.Collections[c.name], n)
		}
		var lines int64
		sc := bufio.NewScanner(bytes.NewReader(jsonl))
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var rec map[string]any
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Fatalf("%s line %d: %v", c.name, lines+1, err)
			}
			if id, _ := rec["id"].(string); id == "" {
				t.Fatalf("%s line %d has no id: %v", c.name, lines+1, rec)
			}
			lines++
		}
		if lines != n {
			t.Errorf("%s.jsonl: %d lines, want %d", c.name, lines, n)
		}
		if !bytes.HasPrefix(csvb, []byte("\uFEFF")) {
			t.Errorf("%s.csv has no BOM", c.name)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvb, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("%s.csv: %v", c.name, err)
		}
		if int64(len(rows)) != n+1 || (n > 0 && rows[0][0] != "id") {
			t.Errorf("%s.csv: %d rows, header %v", c.name, len(rows), rows[0])
		}
		if !strings.Contains(readme, "\n"+c.name+" (") {
			t.Errorf("README does not describe %s", c.name)
		}
	}
	if !strings.Contains(readme, "created_at") || !strings.Contains(readme, "when the record was created") {
		t.Errorf("README lacks field descriptions:\n%s", readme)
	}
	// Stakeholder names and times come out readable.
	if !strings.Contains(string(files["stakeholders.csv"]), "Lima") {
		t.Error("stakeholders.csv has no Lima")
	}
	if !strings.Contains(string(files["meetings.jsonl"]), "Z\"") {
		t.Error("meetings.jsonl has no UTC times")
	}
}
