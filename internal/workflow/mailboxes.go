package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// CreateMailbox adds a mailbox to sync, for an admin. key encrypts its
// password at rest (store.MailboxKey).
func (f *Flows) CreateMailbox(ctx context.Context, u *model.User, key []byte, in model.MailboxInput) (*model.Mailbox, error) {
	if !u.CanManageMailboxes() {
		return nil, model.ErrForbidden
	}
	m, err := in.New()
	if err != nil {
		return nil, err
	}
	return f.st.InsertMailbox(ctx, u.Actor(), key, m)
}

// editableMailbox loads a mailbox an admin may change through the API: not
// the one configured by environment.
func (f *Flows) editableMailbox(ctx context.Context, u *model.User, id bson.ObjectID) (*model.Mailbox, error) {
	if !u.CanManageMailboxes() {
		return nil, model.ErrForbidden
	}
	old, err := f.st.MailboxByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := old.CheckEditable(); err != nil {
		return nil, err
	}
	return old, nil
}

// UpdateMailbox applies a version-guarded patch; a new password is
// encrypted with key.
func (f *Flows) UpdateMailbox(ctx context.Context, u *model.User, key []byte, id bson.ObjectID, p model.MailboxPatch) (*model.Mailbox, error) {
	old, err := f.editableMailbox(ctx, u, id)
	if err != nil {
		return nil, err
	}
	cur, err := p.Resolve(*old)
	if err != nil {
		return nil, err
	}
	if *p.Version != old.Version {
		return nil, fmt.Errorf("workflow: update mailbox: %w", store.ErrConflict)
	}
	return f.st.UpdateMailbox(ctx, u.Actor(), key, old, cur)
}

// DeleteMailbox stops syncing a mailbox added through the API; its
// messages stay.
func (f *Flows) DeleteMailbox(ctx context.Context, u *model.User, id bson.ObjectID) error {
	old, err := f.editableMailbox(ctx, u, id)
	if err != nil {
		return err
	}
	return f.st.DeleteMailbox(ctx, u.Actor(), old)
}

// SyncEnvMailbox stores the mailbox configured by environment under its
// stable id (m.ID, store.EnvMailboxID), its password (m.Password)
// encrypted with key. Nothing is written when nothing changed, so every
// start of every instance may call it; an instance that loses a race to
// another one reads the winner's record and tries once more.
func (f *Flows) SyncEnvMailbox(ctx context.Context, key []byte, m model.Mailbox) (*model.Mailbox, error) {
	m, err := model.EnvMailbox(m)
	if err != nil {
		return nil, fmt.Errorf("workflow: mailbox from environment: %w", err)
	}
	for try := 0; ; try++ {
		got, err := f.syncEnvMailbox(ctx, key, m)
		if try == 0 && (errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrDuplicate)) {
			continue
		}
		return got, err
	}
}

func (f *Flows) syncEnvMailbox(ctx context.Context, key []byte, m model.Mailbox) (*model.Mailbox, error) {
	old, err := f.st.MailboxByID(ctx, m.ID)
	if errors.Is(err, store.ErrNotFound) {
		return f.st.InsertMailbox(ctx, model.SystemActor, key, m)
	}
	if err != nil {
		return nil, err
	}
	// The stored password is kept unless it no longer opens or differs:
	// re-encrypting an unchanged one would write a new record every start.
	if stored := *old; store.DecryptMailboxPassword(key, &stored) == nil && stored.Password == m.Password {
		m.Password = ""
	}
	return f.st.UpdateMailbox(ctx, model.SystemActor, key, old, m)
}
