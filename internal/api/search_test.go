package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestSearchAPI(t *testing.T) {
	ta, f := appWith(t, newTestApp, seedStakeholders)
	ctx := context.Background()
	at := time.Date(2026, 4, 10, 14, 0, 0, 0, time.UTC)
	cuscoMeeting, loretoMeeting := bson.NewObjectID(), bson.NewObjectID()
	if err := ta.store.InsertMeetings(ctx, []model.Meeting{
		{ID: cuscoMeeting, StartsAt: at, Region: "08", Summary: "Mesa de trabajo en CUSCO sobre presupuesto", Search: search.Words("Mesa de trabajo en CUSCO sobre presupuesto")},
		{ID: loretoMeeting, StartsAt: at, Region: "16", Summary: "Visita a Iquitos", Search: search.Words("Visita a Iquitos", "Perú")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := ta.store.InsertCommitments(ctx, []model.Commitment{
		{ID: bson.NewObjectID(), Region: "08", Text: "Aprobar la ordenanza regional", Status: "pending", StakeholderName: f.cuscoOfficers.Name,
			Search: search.Words("Aprobar la ordenanza regional", f.cuscoOfficers.Name)},
	}); err != nil {
		t.Fatal(err)
	}
	ta.run(t, []scenario{
		{name: "accent-insensitive", as: "viewer", method: "GET", path: "/api/v1/search?q=peru", status: 200,
			want: map[string]any{"stakeholders.0.name": "Gobierno Regional del Cusco", "meetings.0.id": loretoMeeting.Hex(), "messages": []any{}}},
		{name: "case-insensitive, every type", as: "viewer", method: "GET", path: "/api/v1/search?q=cusco", status: 200,
			want: map[string]any{"stakeholders.0.kind": "institution", "meetings.0.summary": "Mesa de trabajo en CUSCO sobre presupuesto",
				"meetings.0.region": "08", "commitments.0.status": "pending", "commitments.0.stakeholder_name": "Gobierno Regional del Cusco"}},
		{name: "every word, by prefix", as: "viewer", method: "GET", path: "/api/v1/search?q=GOB%20regi%C3%B3n", status: 200,
			want: map[string]any{"stakeholders.0.id": f.cuscoOfficers.ID.Hex(), "commitments.0.text": "Aprobar la ordenanza regional"}},
		{name: "no match", as: "viewer", method: "GET", path: "/api/v1/search?q=cusco%20loreto", status: 200,
			want: map[string]any{"stakeholders": []any{}, "meetings": []any{}, "commitments": []any{}, "messages": []any{}}},
		{name: "out of region", as: "loreto_viewer", method: "GET", path: "/api/v1/search?q=cusco", status: 200,
			want: map[string]any{"stakeholders": []any{}, "meetings": []any{}, "commitments": []any{}}},
		{name: "own region", as: "loreto_viewer", method: "GET", path: "/api/v1/search?q=peru", status: 200,
			want: map[string]any{"stakeholders": []any{}, "meetings.0.id": loretoMeeting.Hex()}},
		{name: "NAC only with grant", as: "cusco_officer", method: "GET", path: "/api/v1/search?q=congresista", status: 200,
			want: map[string]any{"stakeholders": []any{}}},
		{name: "NAC with all regions", as: "officer", method: "GET", path: "/api/v1/search?q=congresista%20azul", status: 200,
			want: map[string]any{"stakeholders.0.id": f.nac.ID.Hex()}},
		{name: "blank", as: "viewer", method: "GET", path: "/api/v1/search?q=%20%3F", status: 200, want: map[string]any{"stakeholders": []any{}}},
		{name: "regex characters are literal", as: "viewer", method: "GET", path: "/api/v1/search?q=.%2A", status: 200, want: map[string]any{"stakeholders": []any{}}},
		{name: "too long", as: "viewer", method: "GET", path: "/api/v1/search?q=" + strings.Repeat("a", 201), status: 422},
		{name: "anonymous", method: "GET", path: "/api/v1/search?q=cusco", status: 401},
	})
}
