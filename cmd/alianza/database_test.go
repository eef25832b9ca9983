package main

import (
	"context"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
)

// TestDatabaseAppliesTeamDomains: the team's domains reached the store only
// through the API's constructor, so commands without the API (mail sync
// started alone, demo load, CLI imports) let team addresses onto
// stakeholders. Opening the database applies them for every command.
func TestDatabaseAppliesTeamDomains(t *testing.T) {
	env := map[string]string{"ALIANZA_DATA_DIR": t.TempDir(), "ALIANZA_LOG_LEVEL": "error", "ALIANZA_TEAM_DOMAINS": "alianza.org.pe"}
	cfg := loadConfig(t, env)
	ctx := context.Background()
	s, closeDB := openDatabase(t, ctx, cfg)
	defer closeDB()
	refused, err := s.RefusedAddresses(ctx, model.Scope{All: true}, []string{"ana@alianza.org.pe", "rosa@ong.pe"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := refused["ana@alianza.org.pe"]; !ok || len(refused) != 1 {
		t.Fatalf("refused %v, want only the team address", refused)
	}
}
