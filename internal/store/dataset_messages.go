package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
)

// InsertMessages bulk-inserts built messages with their bodies, for the
// dataset loaders and tests (matching, search words and replied are
// already set); the syncer uses SaveMessages. It stops at the first
// message whose id is taken.
func (s *Store) InsertMessages(ctx context.Context, msgs []model.IncomingMessage) error {
	_, err := s.insertMessages(ctx, msgs, false)
	return err
}

// insertMessages stores filed messages with their bodies, bodies first
// (as insertNew does for synced mail), and returns how many messages were
// stored. With skipDups a message or body whose id is taken is skipped
// (a body left by an interrupted load is kept).
func (s *Store) insertMessages(ctx context.Context, msgs []model.IncomingMessage, skipDups bool) (int, error) {
	bodies := make([]model.MessageBody, len(msgs))
	list := make([]model.Message, len(msgs))
	for i, in := range msgs {
		bodies[i], list[i] = in.Body, in.Message
		bodies[i].ID = in.Message.ID
	}
	if _, err := insertBatches(ctx, s, colMessageBodies, bodies, skipDups); err != nil {
		return 0, err
	}
	dups, err := s.insertMessageDocs(ctx, list, skipDups)
	if err != nil {
		return 0, err
	}
	return len(list) - len(dups), nil
}
