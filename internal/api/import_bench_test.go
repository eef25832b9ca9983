package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/storetest"
)

// BenchmarkImportDryRun5000 previews a 5,000-row CSV import as a Loreto
// manager on a tiny database (issue 8 measured 11 s: the address rules ran
// their queries once per row). One iteration is one HTTP request.
//
//	go test -run '^$' -bench BenchmarkImportDryRun5000 -benchtime 3x ./internal/api/
func BenchmarkImportDryRun5000(b *testing.B) { benchImportDryRun(b, "Persona Importada %d") }

// BenchmarkImportDryRun5000LongNames is the same with 110-character names
// (issue 20 measured 10 s: the duplicate query's name regex).
func BenchmarkImportDryRun5000LongNames(b *testing.B) {
	benchImportDryRun(b, "Asociación de Vigilancia Ciudadana de la Provincia de Maynas contra la Trata de Personas, sede número %d")
}

func benchImportDryRun(b *testing.B, name string) {
	ctx := context.Background()
	s := storetest.Open(b)
	tokens, err := auth.NewTokens([]byte(strings.Repeat("b", 32)))
	if err != nil {
		b.Fatal(err)
	}
	s.SetTeamDomains([]string{"alianza.org.pe"})
	app := New(testOptions(Options{Store: s, Tokens: tokens, Log: discardLogger(), Version: "bench"}))
	hash, err := auth.HashPassword("una clave de prueba larga")
	if err != nil {
		b.Fatal(err)
	}
	u, err := s.CreateUser(ctx, model.SystemActor, model.NewUser{Email: "m@alianza.test", Name: "m", Role: model.RoleManager, Regions: []string{"16"}}, hash)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if _, err := insertStakeholder(ctx, s, model.SystemActor, model.StakeholderInput{Kind: "person",
			Name: fmt.Sprintf("Existente %d", i), Regions: []string{[]string{"16", "08"}[i%2]}, Emails: []string{fmt.Sprintf("existente%d@ong.pe", i)}}); err != nil {
			b.Fatal(err)
		}
	}
	var csv strings.Builder
	csv.WriteString("nombre,tipo,region,correo,telefono\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&csv, "\""+name+"\",persona,Loreto,persona%d@ong.pe,+51 900 %06d\n", i, i, i)
	}
	body, _ := json.Marshal(map[string]any{"csv": csv.String(), "dry_run": true})
	tok, err := tokens.Issue(u)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/api/v1/stakeholders/import", strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		res, err := app.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(out), `"valid":5000`) {
			b.Fatalf("dry run: %d %.300s", res.StatusCode, out)
		}
	}
}
