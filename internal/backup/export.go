package backup

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// exported lists the collections an export holds, with what they are. The
// list is an allow-list: login tokens, throttle counters, idempotency
// records, leases and sync bookkeeping are never exported, nor any
// collection added later until it is listed here.
var exported = []struct{ name, about string }{
	{"stakeholders", "People and organisations the team works with (legislators, officials, allies), with contact details, region and stance."},
	{"meetings", "Meetings: date, place, region, participants (stakeholders and staff), summary, agreements and next steps."},
	{"commitments", "Commitments a stakeholder made (often in a meeting), their status history and due dates."},
	{"initiatives", "Policy initiatives the team follows (bills, regional ordinances and action plans, national policies, regulations): kind, stage with its history, region, owner and the stakeholders' roles."},
	{"tasks", "The team's follow-up tasks, with assignee, due date and links to stakeholders, meetings and commitments."},
	{"messages", "Email correspondence synced from the shared mailboxes: headers, addresses, matched stakeholders."},
	{"message_bodies", "The text (and sanitised HTML) of each message, by message id."},
	{"users", "The team's accounts: name, email, role, regions. Password hashes are not exported."},
	{"mailboxes", "The mailboxes Alianza syncs. Their passwords are not exported."},
	{"audit", "The audit trail: who created, changed or deleted what and when, field by field."},
}

// secretFields are removed at any depth, whatever the collection.
var secretFields = map[string]bool{
	"password_hash": true, "password_enc": true, "password": true, "token": true, "token_hash": true, "secret": true,
}

// fieldNotes describe fields shared by several collections; the README
// lists every field found, with these notes where they apply.
var fieldNotes = map[string]string{
	"id":               "unique identifier of the record (24 hexadecimal characters)",
	"created_at":       "when the record was created (UTC, ISO 8601)",
	"updated_at":       "when the record was last changed (UTC, ISO 8601)",
	"version":          "number of changes made to the record",
	"search":           "words the search uses (lower case, without accents)",
	"region":           "region code (INEI ubigeo department code, or NAC for national)",
	"regions":          "region codes",
	"name":             "name",
	"email":            "email address",
	"emails":           "email addresses",
	"phones":           "phone numbers",
	"kind":             "kind of record (see the app's lists of values)",
	"status":           "current status",
	"stakeholder_id":   "id of a record in stakeholders",
	"stakeholder_ids":  "ids of records in stakeholders",
	"stakeholder_name": "the stakeholder's name when the record was saved",
	"meeting_id":       "id of a record in meetings",
	"meeting_ids":      "ids of records in meetings",
	"commitment_id":    "id of a record in commitments",
	"commitment_ids":   "ids of records in commitments",
	"task_ids":         "ids of records in tasks",
	"owner_id":         "id of the user (in users) responsible",
	"assignee_id":      "id of the user (in users) who does it",
	"created_by":       "id of the user (in users) who created it",
	"staff_ids":        "ids of users who took part",
	"participants":     "people who took part: stakeholder id, name and kind",
	"due_on":           "due date (YYYY-MM-DD, Lima time)",
	"date":             "date and time (UTC, ISO 8601)",
	"starts_at":        "start date and time (UTC, ISO 8601)",
	"history":          "earlier statuses: when, by whom, note",
	"notes":            "free-text notes",
	"summary":          "what was discussed",
	"agreements":       "what was agreed",
	"next_steps":       "what happens next",
	"tags":             "labels",
	"stance":           "the stakeholder's position on the team's causes",
	"influence":        "how much influence the stakeholder has",
	"from":             "sender address",
	"to":               "recipient addresses",
	"cc":               "copied addresses",
	"subject":          "subject line",
	"thread_id":        "conversation the message belongs to",
	"direction":        "in (received) or out (sent by the team)",
	"text":             "plain-text body",
	"html":             "HTML body, sanitised",
	"at":               "when it happened (UTC, ISO 8601)",
	"actor_email":      "who did it",
	"action":           "create, update, delete or login",
	"entity":           "kind of record changed",
	"entity_id":        "id of the record changed",
	"changes":          "fields changed: field, old value, new value",
	"stage":            "the initiative's current stage (see its kind's stages)",
	"stage_on":         "the day the initiative reached its current stage (YYYY-MM-DD)",
	"initiative_id":    "id of a record in initiatives",
	"initiative_ids":   "ids of records in initiatives",
	"stakeholders":     "linked stakeholders: id, name, kind and role",
}

// ExportSummary counts what an export wrote.
type ExportSummary struct {
	Collections map[string]int64
}

// Export writes the organisation's data as a zip archive: per collection,
// JSON Lines (one record per line, nested as stored) and a CSV a spreadsheet
// opens (UTF-8 with BOM, one row per record, lists joined with "; "), plus
// README.txt describing every collection and field.
func Export(ctx context.Context, db *store.Store, w io.Writer, version string, now time.Time) (ExportSummary, error) {
	sum := ExportSummary{Collections: map[string]int64{}}
	zw := zip.NewWriter(w)
	var readme strings.Builder
	fmt.Fprintf(&readme, "Alianza export\n==============\n\nAlianza %s, exported %s.\n\n", version, now.UTC().Format(time.RFC3339))
	readme.WriteString(exportIntro)
	for _, c := range exported {
		fields, n, err := exportCollection(ctx, db, c.name, zw)
		if err != nil {
			return sum, err
		}
		sum.Collections[c.name] = n
		fmt.Fprintf(&readme, "\n%s (%d records: %s.jsonl, %s.csv)\n%s\n%s\n", c.name, n, c.name, c.name, strings.Repeat("-", len(c.name)), c.about)
		for _, f := range fields {
			note := fieldNotes[f.name]
			if note != "" {
				note = ": " + note
			}
			fmt.Fprintf(&readme, "  %-22s %s%s\n", f.name, strings.Join(f.types, " or "), note)
		}
	}
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: "README.txt", Method: zip.Deflate, Modified: now})
	if err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	if _, err := io.WriteString(fw, readme.String()); err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	if err := zw.Close(); err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	return sum, nil
}

const exportIntro = `Every collection comes twice: NAME.jsonl has one JSON record per line,
nested exactly as stored; NAME.csv has one row per record for spreadsheets
(UTF-8; lists are joined with "; ", nested records written as JSON; a cell
that begins with = + - @, a tab or a carriage return gets a leading ' so
spreadsheets do not run it, except numbers and phone numbers such as
"+51 984 123 456" or "-3", which are written as they are).
Ids are 24 hexadecimal characters; times are UTC in ISO 8601; dates without
a time are YYYY-MM-DD in Lima. Password hashes, mailbox passwords, sign-in
tokens and internal counters are not exported.

Fields per collection (type as found in the data):
`

type fieldInfo struct {
	name  string
	types []string
}

// exportCollection writes collection name's .jsonl and .csv and returns
// the fields seen.
func exportCollection(ctx context.Context, db *store.Store, name string, zw *zip.Writer) ([]fieldInfo, int64, error) {
	// The CSV header needs every field, so the records are kept for it; an
	// organisation's data fits in memory (the whole database is tens of MB).
	jw, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".jsonl", Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return nil, 0, fmt.Errorf("export: %w", err)
	}
	enc := json.NewEncoder(jw)
	enc.SetEscapeHTML(false)
	var order []string
	types := map[string][]string{}
	var rows []map[string]any
	err = db.Each(ctx, name, func(raw bson.Raw) error {
		var d bson.D
		if err := bson.Unmarshal(raw, &d); err != nil {
			return err
		}
		rec := plainDoc(d)
		if err := enc.Encode(orderedJSON{d: d}); err != nil {
			return err
		}
		for _, e := range d {
			k := exportKey(e.Key)
			if secretFields[e.Key] {
				continue
			}
			if _, seen := types[k]; !seen {
				order = append(order, k)
			}
			if t := typeName(e.Value); !slices.Contains(types[k], t) {
				types[k] = append(types[k], t)
			}
		}
		rows = append(rows, rec)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("export %s: %w", name, err)
	}
	cw, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".csv", Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return nil, 0, fmt.Errorf("export: %w", err)
	}
	if _, err := io.WriteString(cw, "\uFEFF"); err != nil {
		return nil, 0, fmt.Errorf("export: %w", err)
	}
	w := csv.NewWriter(cw)
	_ = w.Write(order)
	line := make([]string, len(order))
	for _, r := range rows {
		for i, k := range order {
			line[i] = model.SpreadsheetSafe(csvCell(r[k]))
		}
		_ = w.Write(line)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, 0, fmt.Errorf("export %s: %w", name, err)
	}
	fields := make([]fieldInfo, len(order))
	for i, k := range order {
		sort.Strings(types[k])
		fields[i] = fieldInfo{name: k, types: types[k]}
	}
	return fields, int64(len(rows)), nil
}

// exportKey names _id "id", as the API does.
func exportKey(k string) string {
	if k == "_id" {
		return "id"
	}
	return k
}

// plainDoc turns a stored document into plain JSON values without secrets.
func plainDoc(d bson.D) map[string]any {
	out := make(map[string]any, len(d))
	for _, e := range d {
		if !secretFields[e.Key] {
			out[exportKey(e.Key)] = plain(e.Value)
		}
	}
	return out
}

// plain converts BSON values: ids to hex, times to RFC 3339 UTC.
func plain(v any) any {
	switch x := v.(type) {
	case bson.ObjectID:
		return x.Hex()
	case bson.DateTime:
		return x.Time().UTC().Format(time.RFC3339Nano)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case bson.D:
		return orderedJSON{d: x}
	case bson.A:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case bson.Binary:
		return x.Data
	case bson.Decimal128:
		return x.String()
	default:
		return v
	}
}

// orderedJSON keeps a document's field order in JSON.
type orderedJSON struct{ d bson.D }

func (o orderedJSON) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	first := true
	for _, e := range o.d {
		if secretFields[e.Key] {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(exportKey(e.Key))
		v, err := json.Marshal(plain(e.Value))
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// csvCell is one value as a spreadsheet cell.
func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			if _, nested := e.(orderedJSON); nested {
				b, _ := json.Marshal(x)
				return string(b)
			}
			parts[i] = csvCell(e)
		}
		return strings.Join(parts, "; ")
	case orderedJSON:
		b, _ := json.Marshal(x)
		return string(b)
	default:
		return fmt.Sprint(x)
	}
}

// typeName names a value's type for the README.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "text"
	case bson.ObjectID:
		return "id"
	case bson.DateTime, time.Time:
		return "date-time"
	case int32, int64, float64, bson.Decimal128:
		return "number"
	case bool:
		return "true/false"
	case bson.A:
		return "list"
	case bson.D:
		return "record"
	case nil:
		return "empty"
	default:
		return fmt.Sprintf("%T", v)
	}
}
