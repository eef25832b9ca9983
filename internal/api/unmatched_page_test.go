package api

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/workflow"
)

// unmatchedPage is one answer of GET /messages/unmatched-addresses.
type unmatchedPage struct {
	Items []struct {
		Address string `json:"address"`
		Count   int    `json:"count"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// The unmatched senders come one page at a time like the other lists:
// ?limit and ?cursor, {items, next_cursor}, most frequent first, then the
// latest, then by address; the team's own addresses never; a cursor the
// server did not make for this list is a 400 problem, a bad limit a 422.
func TestUnmatchedAddressesPaged(t *testing.T) {
	ta := mailApp(t)
	insertMail(t, ta) // nadie@gmail.com once, to the team's addresses
	now := ta.store.Now()
	var more []model.IncomingMessage
	for i, m := range []struct {
		from string
		ago  time.Duration
	}{
		{"prensa@diario.pe", 2}, {"prensa@diario.pe", 3}, {"prensa@diario.pe", 4},
		{"b@ong.pe", 5}, {"b@ong.pe", 6}, {"a@ong.pe", 5}, {"a@ong.pe", 7}, // a@ and b@ tie: the address decides
		{"c@ong.pe", 9},
	} {
		more = append(more, mkMessage(byte(20+i), m.from, []string{"equipo@alianza.org.pe"}, fmt.Sprintf("Consulta %d", i), now.Add(-m.ago*time.Hour)))
	}
	if _, err := ta.store.SaveMessages(context.Background(), more, workflow.MatchMail(ta.store)); err != nil {
		t.Fatal(err)
	}
	want := []string{"prensa@diario.pe", "a@ong.pe", "b@ong.pe", "c@ong.pe", "nadie@gmail.com"}

	get := func(as, query string, status int) unmatchedPage {
		t.Helper()
		r := ta.do(as, "GET", "/api/v1/messages/unmatched-addresses"+query, nil)
		if r.status != status {
			t.Fatalf("%s %s: %d %s", as, query, r.status, r.body)
		}
		var p unmatchedPage
		if status == 200 {
			r.decode(t, &p)
		} else if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("%s: content type %q, want a problem", query, ct)
		}
		return p
	}
	whole := get("manager", "", 200)
	var all []string
	for _, it := range whole.Items {
		all = append(all, it.Address)
	}
	if !reflect.DeepEqual(all, want) || whole.NextCursor != "" || whole.Items[0].Count != 3 {
		t.Fatalf("whole list %v (next %q), want %v", all, whole.NextCursor, want)
	}

	first := get("manager", "?limit=2", 200)
	if len(first.Items) != 2 || first.Items[0].Address != want[0] || first.Items[1].Address != want[1] || first.NextCursor == "" {
		t.Fatalf("first page: %+v", first)
	}
	second := get("manager", "?limit=2&cursor="+url.QueryEscape(first.NextCursor), 200)
	if len(second.Items) != 2 || second.Items[0].Address != want[2] || second.Items[1].Address != want[3] || second.NextCursor == "" {
		t.Fatalf("second page: %+v", second)
	}
	last := get("manager", "?limit=2&cursor="+url.QueryEscape(second.NextCursor), 200)
	if len(last.Items) != 1 || last.Items[0].Address != want[4] || last.NextCursor != "" {
		t.Fatalf("last page: %+v", last)
	}

	// Cursors: edited, made for another list, or not one at all.
	edited := []byte(first.NextCursor)
	edited[len(edited)/2] ^= 1
	msgs := ta.do("admin", "GET", "/api/v1/messages?limit=1", nil)
	var other unmatchedPage
	msgs.decode(t, &other)
	if other.NextCursor == "" {
		t.Fatalf("no messages cursor: %s", msgs.body)
	}
	for _, c := range []string{string(edited), other.NextCursor, "nonsense"} {
		get("manager", "?cursor="+url.QueryEscape(c), 400)
	}
	for _, l := range []string{"0", "201", "x"} {
		get("manager", "?limit="+l, 422)
	}

	// Regional users see no unmatched mail, paged or not.
	for _, q := range []string{"", "?limit=1"} {
		if p := get("cusco_manager", q, 200); len(p.Items) != 0 || p.NextCursor != "" {
			t.Errorf("regional user %s: %+v", q, p)
		}
	}
}
