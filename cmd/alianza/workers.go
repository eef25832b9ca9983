package main

import (
	"context"
	"log/slog"
	"sync"

	"github.com/alianza-pe/alianza/internal/config"
	"github.com/alianza-pe/alianza/internal/store"
)

// startWorkers starts the background loops; Wait returns once ctx is
// cancelled and every loop has returned.
func startWorkers(ctx context.Context, cfg *config.Config, s *store.Store, log *slog.Logger) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); purgeLoop(ctx, s.PurgeExpiredKV, log) }()
	return &wg
}
