package api

import (
	"context"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
)

func TestImportStakeholdersAPI(t *testing.T) {
	ta, f := appWith(t, newTestApp, seedStakeholders)
	// Excel in Spanish: BOM, semicolons, quoted cells, region names.
	sheet := "\uFEFFNombre;Correo;Región;Etiquetas;Tipo;Partido;Cámara\n" +
		"Juan Pérez;JUAN@ong.pe;Cusco;\"salud, agua\";persona;;\n" +
		"\"Quispe; Rosa\";rosa@ong.pe;cusco;Prensa;;;\n" + // same email as the existing Rosa
		"Luz Mamani;;Madre de Dios;;Legisladora;Partido Verde;Congreso\n" +
		"juan perez;;CUSCO;educación;;;\n" // same name and region as row 2
	mapping := map[string]string{"Nombre": "name", "Correo": "emails", "Region": "regions", "Etiquetas": "tags", "Tipo": "kind", "Partido": "party", "Cámara": "chamber"}
	bad := "name,emails,regions\nBien,bien@ong.pe,08\nMal,no-es-correo,Atlantis\n"
	ta.steps(t, []scenario{
		{name: "dry run", as: "officer", method: "POST", path: "/api/v1/stakeholders/import?dry_run=true", status: 200,
			body: map[string]any{"csv": sheet, "mapping": mapping},
			want: map[string]any{"rows": float64(4), "valid": float64(4), "errors": []any{}, "created": float64(2), "merged": float64(1), "dry_run": true,
				"duplicates.0.row": float64(3), "duplicates.0.existing_id": f.cusco.ID.Hex(), "duplicates.1.row": float64(5)}},
		{name: "errors listed in dry run", as: "officer", method: "POST", path: "/api/v1/stakeholders/import", status: 200,
			body: map[string]any{"csv": bad, "dry_run": true},
			want: map[string]any{"valid": float64(1), "errors.0.row": float64(3), "errors.0.field": "emails[0]", "errors.1.field": "regions[0]"}},
		{name: "commit refuses with errors", as: "officer", method: "POST", path: "/api/v1/stakeholders/import", status: 422,
			body: map[string]any{"csv": bad}, want: map[string]any{"errors.0.field": "rows[3].emails[0]", "errors.1.field": "rows[3].regions[0]"}},
		{name: "out of region", as: "cusco_officer", method: "POST", path: "/api/v1/stakeholders/import", status: 422,
			body: map[string]any{"csv": "nombre,región\nAna,Loreto\n"}, want: map[string]any{"errors.0.field": "rows[2].regions[0]"}},
		{name: "unknown mapping field", as: "officer", method: "POST", path: "/api/v1/stakeholders/import", status: 422,
			body: map[string]any{"csv": sheet, "mapping": map[string]string{"Nombre": "nombre"}}, want: map[string]any{"errors.0.field": "mapping.Nombre"}},
		{name: "mapping of a missing column", as: "officer", method: "POST", path: "/api/v1/stakeholders/import", status: 422,
			body: map[string]any{"csv": sheet, "mapping": map[string]string{"Apellido": "name"}}},
		{name: "no name column", as: "officer", method: "POST", path: "/api/v1/stakeholders/import", status: 422,
			body: map[string]any{"csv": "foo,bar\n1,2\n"}, want: map[string]any{"errors.0.field": "mapping"}},
		{name: "broken quotes", as: "officer", method: "POST", path: "/api/v1/stakeholders/import", status: 422,
			body: map[string]any{"csv": "name,regions\n\"Ana,08\n"}, want: map[string]any{"errors.0.field": "csv"}},
		{name: "empty", as: "officer", method: "POST", path: "/api/v1/stakeholders/import", status: 422, body: map[string]any{}},
		{name: "viewer", as: "viewer", method: "POST", path: "/api/v1/stakeholders/import", status: 403, body: map[string]any{"csv": sheet}},
		{name: "commit", as: "officer", method: "POST", path: "/api/v1/stakeholders/import", status: 200,
			body: map[string]any{"csv": sheet, "mapping": mapping},
			want: map[string]any{"created": float64(2), "merged": float64(1), "dry_run": false}},
	})
	if got := listNames(t, ta, "viewer", "/api/v1/stakeholders?q=juan"); got != "Juan Pérez" {
		t.Fatalf("imported: %q", got)
	}
	var l struct{ Items []model.Stakeholder }
	ta.do("viewer", "GET", "/api/v1/stakeholders?q=juan", nil).decode(t, &l)
	if j := l.Items[0]; strings.Join(j.Emails, ",") != "juan@ong.pe" || strings.Join(j.Tags, ",") != "salud,agua,educación" || j.OwnerID != ta.users["officer"].ID {
		t.Fatalf("imported record: %+v", j)
	}
	ta.do("viewer", "GET", "/api/v1/stakeholders?q=luz", nil).decode(t, &l)
	if luz := l.Items[0]; luz.Kind != "legislator" || luz.Regions[0] != "17" || luz.Legislator == nil || luz.Legislator.Party != "Partido Verde" || luz.Legislator.Chamber != "congress" {
		t.Fatalf("legislator row: %+v %+v", luz, luz.Legislator)
	}
	st, err := ta.store.StakeholderByID(context.Background(), model.Scope{All: true}, f.cusco.ID)
	if err != nil || st.Version != 2 || strings.Join(st.Tags, ",") != "salud,prensa" {
		t.Fatalf("merged record: %v %+v", err, st)
	}
}
