package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The review of correspondence: status, assignee, notes and links of a
// message, and the records made from one. Who sees which message is
// model.MailScope; only admins see messages that failed to parse.

// visibleMessage reads message id as u may see it.
func (f *Flows) visibleMessage(ctx context.Context, u *model.User, id bson.ObjectID) (*model.Message, error) {
	return f.st.MessageByID(ctx, model.MailScope(u), id, model.SeesFailedMail(u))
}

// UpdateMessage applies u's version-guarded review patch to a message u
// sees; linked meetings and commitments must be visible, the assignee a user.
func (f *Flows) UpdateMessage(ctx context.Context, u *model.User, id bson.ObjectID, p model.MessagePatch) (*model.Message, error) {
	return f.st.UpdateMessage(ctx, actorOf(u), model.MailScope(u), id, p, model.SeesFailedMail(u))
}

// SetMessagesStatus sets status on the messages among ids that u sees, each
// as its own versioned change, and returns how many changed.
func (f *Flows) SetMessagesStatus(ctx context.Context, u *model.User, ids []bson.ObjectID, status string) (int, error) {
	return f.st.BulkSetMessageStatus(ctx, actorOf(u), model.MailScope(u), ids, status, model.SeesFailedMail(u))
}

// MessageTaskInput is a follow-up task made from a message. Region is needed
// only for an unmatched message, which has none.
type MessageTaskInput struct {
	Title      string
	DueOn      string
	AssigneeID bson.ObjectID
	Region     string
	Notes      string
}

// TaskFromMessage creates a follow-up task linked to a message u sees, in
// the first of the message's regions u has unless in names one. One write:
// the task holds the link, the message keeps no list of tasks.
func (f *Flows) TaskFromMessage(ctx context.Context, u *model.User, id bson.ObjectID, in MessageTaskInput) (*model.Task, error) {
	m, err := f.visibleMessage(ctx, u, id)
	if err != nil {
		return nil, err
	}
	region := in.Region
	if region == "" {
		region = firstRegionIn(u.Scope(), m.Regions)
	}
	return f.CreateTask(ctx, u, model.TaskInput{
		Title: in.Title, DueOn: in.DueOn, AssigneeID: in.AssigneeID, Region: region, Notes: in.Notes,
		Links: model.TaskLinks{MessageID: m.ID.Hex()},
	})
}

// firstRegionIn is the first of regions the scope allows ("" when none).
func firstRegionIn(scope model.Scope, regions []string) string {
	for _, r := range regions {
		if scope.Allows(r) {
			return r
		}
	}
	return ""
}

// CommitmentFromMessage records a commitment made in a message u sees and
// links it from the message. The commitment is a regional record: u's own
// regions apply, not the wider sight admins have over correspondence.
//
// Two writes, each with its after-write effects, not in one transaction
// (a MongoDB without transactions has none): the commitment (checked whole
// by the store before it is written), then the message's link. When the
// link fails, the commitment is deleted again, so no commitment claims to
// come from a message that does not list it.
func (f *Flows) CommitmentFromMessage(ctx context.Context, u *model.User, id bson.ObjectID, in model.CommitmentInput) (*model.Commitment, error) {
	m, err := f.visibleMessage(ctx, u, id)
	if err != nil {
		return nil, err
	}
	in.Origin = &model.Origin{Kind: "message", ID: m.ID}
	cm, err := f.CreateCommitment(ctx, u, in)
	if err != nil {
		return nil, err
	}
	err = fault("link-commitment")
	var linked *model.Message
	if err == nil {
		linked, err = f.st.LinkMessageCommitment(ctx, actorOf(u), m.ID, cm.ID)
	}
	if linked != nil && err != nil {
		return nil, err // the link is stored, an effect of it failed: undoing the commitment would leave it dangling
	}
	if err != nil {
		if uerr := f.st.RemoveCommitment(context.WithoutCancel(ctx), actorOf(u), cm); uerr != nil {
			return nil, errors.Join(err, fmt.Errorf("undoing the commitment failed too: %w", uerr))
		}
		return nil, err
	}
	return cm, nil
}
