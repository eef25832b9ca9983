package workflow

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
)

// MailSink is what a mail syncer writes through (mailsync.Sink): the
// store's folder states, leases and thread lookups, and the workflow's
// SaveMessages, which files new mail by the matching rule.
type MailSink struct {
	*store.Store
}

// MailSink returns the sink a mailsync.Syncer on f's store uses.
func (f *Flows) MailSink() MailSink { return MailSink{Store: f.st} }

// SaveMessages stores a synced batch (see store.SaveMessages), filing new
// messages by MatchMail.
func (m MailSink) SaveMessages(ctx context.Context, msgs []model.IncomingMessage) ([]bool, error) {
	return m.Store.SaveMessages(ctx, msgs, MatchMail(m.Store))
}

// SaveBatch stores a synced batch and the folder state it moves the sync
// to (see store.SaveBatch), filing new messages by MatchMail.
func (m MailSink) SaveBatch(ctx context.Context, msgs []model.IncomingMessage, state func(created []bool) model.FolderState) ([]bool, error) {
	return m.Store.SaveBatch(ctx, msgs, MatchMail(m.Store), state)
}

// SaveMessages stores a batch of mail, each message once, filing the new
// ones by MatchMail; it reports for each whether it was new.
func (f *Flows) SaveMessages(ctx context.Context, msgs []model.IncomingMessage) ([]bool, error) {
	return f.MailSink().SaveMessages(ctx, msgs)
}

// MatchMail files new messages on st by the rule model.Match: one query for
// the stakeholders listing any of the batch's addresses, then the rule per
// message. The dataset loaders use it too, so demo mail is filed the way
// synced mail is.
func MatchMail(st *store.Store) store.MatchFunc {
	return func(ctx context.Context, fresh []*model.Message) error {
		var addrs []string
		for _, m := range fresh {
			addrs = append(addrs, model.MatchAddresses(m)...)
		}
		byAddr, err := st.StakeholdersByEmail(ctx, addrs)
		if err != nil {
			return err
		}
		for _, m := range fresh {
			model.ApplyMatch(m, byAddr)
		}
		return nil
	}
}
