package store

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
)

// InsertMessages bulk-inserts built messages with their bodies, for the
// dataset loaders only (matching, search words and replied are already
// set); the syncer uses SaveMessages. Bodies go first, as in insertNew.
func (s *Store) InsertMessages(ctx context.Context, msgs []model.IncomingMessage) error {
	bodies := make([]model.MessageBody, len(msgs))
	list := make([]model.Message, len(msgs))
	for i, in := range msgs {
		bodies[i], list[i] = in.Body, in.Message
		bodies[i].ID = in.Message.ID
	}
	if err := insertBulk(ctx, s, colMessageBodies, bodies); err != nil {
		return err
	}
	return insertBulk(ctx, s, colMessages, list)
}
