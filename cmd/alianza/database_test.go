package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"testing"

	"github.com/alianza-pe/alianza/internal/config"
	"github.com/alianza-pe/alianza/internal/model"
)

// TestDatabaseAppliesTeamDomains: the team's domains reached the store only
// through the API's constructor, so commands without the API (mail sync
// started alone, demo load, CLI imports) let team addresses onto
// stakeholders. Opening the database applies them for every command.
func TestDatabaseAppliesTeamDomains(t *testing.T) {
	env := map[string]string{"ALIANZA_DATA_DIR": t.TempDir(), "ALIANZA_LOG_LEVEL": "error", "ALIANZA_TEAM_DOMAINS": "alianza.org.pe"}
	cfg, err := config.Load(nil, envFrom(env), flag.NewFlagSet("test", flag.ContinueOnError))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, closeDB, err := database(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	refused, err := s.RefusedAddresses(ctx, model.Scope{All: true}, []string{"ana@alianza.org.pe", "rosa@ong.pe"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := refused["ana@alianza.org.pe"]; !ok || len(refused) != 1 {
		t.Fatalf("refused %v, want only the team address", refused)
	}
}
