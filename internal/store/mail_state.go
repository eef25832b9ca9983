package store

import (
	"context"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const colMailState = "mail_state"

func init() {
	registerIndexes(indexSpec{colMailState, "mailbox", bson.D{{Key: "mailbox_id", Value: 1}}, false})
}

// FolderStates returns the saved state of each folder of the mailbox, by
// folder name (an empty list before the first sync).
func (s *Store) FolderStates(ctx context.Context, mailboxID bson.ObjectID) ([]model.FolderState, error) {
	out := []model.FolderState{}
	opts := coll.FindOptions{Sort: bson.D{{Key: "folder", Value: 1}}}
	if err := s.col(colMailState).Find(ctx, bson.D{{Key: "mailbox_id", Value: mailboxID}}, opts, &out); err != nil {
		return nil, wrap("list folder states", err)
	}
	return out, nil
}

// SaveFolderState upserts one folder's state by its ID.
func (s *Store) SaveFolderState(ctx context.Context, st model.FolderState) error {
	if st.ID == "" {
		st.ID = model.FolderStateID(st.MailboxID, st.Folder)
	}
	if st.UpdatedAt.IsZero() {
		st.UpdatedAt = s.Now()
	}
	_, err := s.col(colMailState).Replace(ctx, bson.D{{Key: "_id", Value: st.ID}}, st, true)
	return wrap("save folder state", err)
}

// MailStates returns the sync state of every mailbox: its folders and lease.
func (s *Store) MailStates(ctx context.Context) (map[bson.ObjectID]model.MailState, error) {
	var states []model.FolderState
	opts := coll.FindOptions{Sort: bson.D{{Key: "folder", Value: 1}}}
	if err := s.col(colMailState).Find(ctx, bson.D{}, opts, &states); err != nil {
		return nil, wrap("list mail state", err)
	}
	leases, err := s.Leases(ctx)
	if err != nil {
		return nil, err
	}
	out := map[bson.ObjectID]model.MailState{}
	get := func(id bson.ObjectID) model.MailState {
		ms, ok := out[id]
		if !ok {
			ms = model.MailState{MailboxID: id, Folders: []model.FolderState{}}
		}
		return ms
	}
	for _, st := range states {
		ms := get(st.MailboxID)
		ms.Folders = append(ms.Folders, st)
		out[st.MailboxID] = ms
	}
	for id, l := range leases {
		ms := get(id)
		ms.LeaseHolder, ms.LeaseUntil = l.Holder, l.Until
		out[id] = ms
	}
	return out, nil
}

// deleteMailState drops a deleted mailbox's folder states.
func (s *Store) deleteMailState(ctx context.Context, mailboxID bson.ObjectID) error {
	_, err := s.col(colMailState).Delete(ctx, bson.D{{Key: "mailbox_id", Value: mailboxID}}, true)
	return wrap("delete mail state", err)
}

// SubjectThreads returns the subject key, thread and date of the messages
// whose subject key is in keys and whose date is in [from, to].
func (s *Store) SubjectThreads(ctx context.Context, keys []string, from, to time.Time) ([]model.SubjectThread, error) {
	out := []model.SubjectThread{}
	filter := bson.D{{Key: "subject_key", Value: bson.D{{Key: "$in", Value: keys}}}, {Key: "date", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lte", Value: to}}}}
	opts := coll.FindOptions{Projection: bson.D{{Key: "subject_key", Value: 1}, {Key: "thread_id", Value: 1}, {Key: "date", Value: 1}}}
	if err := s.col(colMessages).Find(ctx, filter, opts, &out); err != nil {
		return nil, wrap("threads by subject", err)
	}
	return out, nil
}
