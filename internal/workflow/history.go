package workflow

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// maxHistoryProblems is how many problems an ImportHistory error lists.
const maxHistoryProblems = 50

// ImportHistory stores records made elsewhere, with their own ids and past
// dates, thousands per second: the demo dataset, the reference dataset of
// the benchmarks. Each record is checked as the workflows check one built
// today: its fields by the model's rules (Validate), and every id it refers
// to (a user, stakeholder, meeting, commitment of the history, or a user or
// stakeholder already stored). Its mail is filed by the rule that files
// synced mail (model.Match, against the history's stakeholders and the
// stored ones), whatever stakeholders and regions the messages came with.
//
// A history with any problem stores nothing: the error is a
// *model.ValidationError naming the records (meetings[12].kind, at most
// maxHistoryProblems of them). Records whose id is stored already are left
// as they are, so importing a history again adds only what an interrupted
// import did not store. The writes go through the store's batch inserter
// (store.LoadDataset, which sets the list tables aside for a large load);
// then the effects: the dashboard counters are marked stale (rebuilt on
// the next read), one audit entry per collection, and when mail was stored
// before, that mail is matched again to the history's stakeholders.
func (f *Flows) ImportHistory(ctx context.Context, by model.Actor, h store.Dataset) (store.DatasetCounts, error) {
	var n store.DatasetCounts
	if err := f.checkHistory(ctx, h); err != nil {
		return n, err
	}
	if err := f.fileHistoryMail(ctx, &h); err != nil {
		return n, err
	}
	if h.MessageBatches != nil {
		h.MessageBatches = f.checkedMail(ctx, len(h.Messages), h.MessageBatches)
	}
	hadMail, err := f.st.HasMessages(ctx)
	if err != nil {
		return n, err
	}
	n, err = f.st.LoadDataset(ctx, by, h)
	if err != nil || !hadMail || n.Stakeholders == 0 {
		return n, err
	}
	var addrs []string
	for _, st := range h.Stakeholders {
		addrs = append(addrs, st.Emails...)
	}
	_, err = f.st.RematchAddresses(context.WithoutCancel(ctx), by, addrs)
	return n, err
}

// historyRefs are the ids a history may refer to.
type historyRefs struct {
	users        map[bson.ObjectID]bool
	stakeholders map[bson.ObjectID]model.StakeholderRef
	meetings     map[bson.ObjectID]bool
	commitments  map[bson.ObjectID]bool
	tasks        map[bson.ObjectID]bool
	messages     map[bson.ObjectID]bool
	initiatives  map[bson.ObjectID]bool
}

// checkHistory returns the problems of h, or nil.
func (f *Flows) checkHistory(ctx context.Context, h store.Dataset) error {
	refs, err := f.historyRefs(ctx, h)
	if err != nil {
		return err
	}
	var p model.Problems
	add := func(kind string, i int, err error, more model.Problems) {
		q, _ := model.ProblemsOf(err)
		p = append(p, append(q, more...).Prefix(fmt.Sprintf("%s[%d].", kind, i))...)
	}
	for i := range h.Users {
		add("users", i, nil, userProblems(&h.Users[i]))
	}
	for i := range h.Stakeholders {
		st := &h.Stakeholders[i]
		add("stakeholders", i, st.Validate(), refs.stakeholderProblems(st))
	}
	for i := range h.Meetings {
		m := &h.Meetings[i]
		add("meetings", i, m.Validate(), refs.meetingProblems(m))
	}
	for i := range h.Commitments {
		c := &h.Commitments[i]
		add("commitments", i, c.Validate(), refs.commitmentProblems(c))
	}
	for i := range h.Tasks {
		t := &h.Tasks[i]
		add("tasks", i, t.Validate(), refs.taskProblems(t))
	}
	for i := range h.Messages {
		add("messages", i, nil, messageProblems(&h.Messages[i].Message))
	}
	for i := range h.Initiatives {
		it := &h.Initiatives[i]
		add("initiatives", i, it.Validate(), refs.initiativeProblems(it))
	}
	if len(p) > maxHistoryProblems {
		p = p[:maxHistoryProblems]
	}
	return p.Err()
}

// historyRefs gathers the ids of h and of the stored users and
// stakeholders h refers to but does not hold.
func (f *Flows) historyRefs(ctx context.Context, h store.Dataset) (*historyRefs, error) {
	r := &historyRefs{users: map[bson.ObjectID]bool{}, stakeholders: map[bson.ObjectID]model.StakeholderRef{},
		meetings: map[bson.ObjectID]bool{}, commitments: map[bson.ObjectID]bool{}, tasks: map[bson.ObjectID]bool{}, messages: map[bson.ObjectID]bool{},
		initiatives: map[bson.ObjectID]bool{}}
	for _, u := range h.Users {
		r.users[u.ID] = true
	}
	for _, st := range h.Stakeholders {
		r.stakeholders[st.ID] = model.StakeholderRef{ID: st.ID, Emails: st.Emails, Regions: st.Regions}
	}
	for _, m := range h.Meetings {
		r.meetings[m.ID] = true
	}
	for _, c := range h.Commitments {
		r.commitments[c.ID] = true
	}
	for _, t := range h.Tasks {
		r.tasks[t.ID] = true
	}
	for _, m := range h.Messages {
		r.messages[m.Message.ID] = true
	}
	for _, it := range h.Initiatives {
		r.initiatives[it.ID] = true
	}
	var users, stakeholders []bson.ObjectID
	wantUser := func(id bson.ObjectID) {
		if !id.IsZero() && !r.users[id] && !slices.Contains(users, id) {
			users = append(users, id)
		}
	}
	wantStakeholder := func(id bson.ObjectID) {
		if _, ok := r.stakeholders[id]; !ok && !id.IsZero() && !slices.Contains(stakeholders, id) {
			stakeholders = append(stakeholders, id)
		}
	}
	eachRef(h, wantUser, wantStakeholder)
	stored, err := f.st.UsersByIDs(ctx, users)
	if err != nil {
		return nil, err
	}
	for id := range stored {
		r.users[id] = true
	}
	sts, err := f.st.StakeholderRefs(ctx, stakeholders)
	if err != nil {
		return nil, err
	}
	for id, st := range sts {
		r.stakeholders[id] = model.StakeholderRef{ID: id, Emails: st.Emails, Regions: st.Regions}
	}
	return r, nil
}

// eachRef calls user and stakeholder with every user and stakeholder id
// the records of h refer to.
func eachRef(h store.Dataset, user, stakeholder func(bson.ObjectID)) {
	for _, st := range h.Stakeholders {
		user(st.OwnerID)
		for _, rel := range st.Relationships {
			stakeholder(rel.StakeholderID)
		}
		if st.Committee != nil {
			for _, id := range st.Committee.MemberIDs {
				stakeholder(id)
			}
		}
	}
	for _, m := range h.Meetings {
		user(m.OwnerID)
		for _, id := range m.StaffIDs {
			user(id)
		}
		for _, x := range m.Participants {
			stakeholder(x.StakeholderID)
		}
	}
	for _, c := range h.Commitments {
		stakeholder(c.StakeholderID)
		user(c.OwnerID)
	}
	for _, t := range h.Tasks {
		user(t.AssigneeID)
		user(t.CreatedBy)
		stakeholder(t.Links.StakeholderID)
	}
	for _, it := range h.Initiatives {
		user(it.OwnerID)
		for _, id := range it.StakeholderIDs {
			stakeholder(id)
		}
	}
}

// fileHistoryMail files a copy of h's messages by the matching rule: an
// address belongs to the stakeholders, of h or stored, listing it (a
// stakeholder both in h and stored counts as stored).
func (f *Flows) fileHistoryMail(ctx context.Context, h *store.Dataset) error {
	if len(h.Messages) == 0 {
		return nil
	}
	var addrs []string
	for i := range h.Messages {
		addrs = append(addrs, model.MatchAddresses(&h.Messages[i].Message)...)
	}
	byAddr, err := f.st.StakeholdersByEmail(ctx, addrs)
	if err != nil {
		return err
	}
	// A stakeholder of h already stored (an import completed again) files
	// by its stored copy: it may have changed region or addresses since.
	ids := make([]bson.ObjectID, len(h.Stakeholders))
	for i, st := range h.Stakeholders {
		ids[i] = st.ID
	}
	stored, err := f.st.StakeholderRefs(ctx, ids)
	if err != nil {
		return err
	}
	for _, st := range h.Stakeholders {
		if _, ok := stored[st.ID]; ok {
			continue
		}
		for _, e := range st.Emails {
			byAddr[e] = append(byAddr[e], model.StakeholderRef{ID: st.ID, Emails: st.Emails, Regions: st.Regions})
		}
	}
	h.Messages = slices.Clone(h.Messages)
	for i := range h.Messages {
		model.ApplyMatch(&h.Messages[i].Message, byAddr)
	}
	return nil
}

// checkedMail checks and files each batch of a history's streamed mail
// (store.Dataset.MessageBatches, counted from messages[from]) as
// ImportHistory does its Messages, as the load reads it, after the
// history's stakeholders are stored: a batch with a problem stops the
// load there, with the batches before it stored.
func (f *Flows) checkedMail(ctx context.Context, from int, batches iter.Seq2[[]model.IncomingMessage, error]) iter.Seq2[[]model.IncomingMessage, error] {
	return func(yield func([]model.IncomingMessage, error) bool) {
		i := from
		for batch, err := range batches {
			if err == nil {
				var p model.Problems
				for j := range batch {
					p = append(p, messageProblems(&batch[j].Message).Prefix(fmt.Sprintf("messages[%d].", i+j))...)
				}
				err = p[:min(len(p), maxHistoryProblems)].Err()
			}
			if err == nil {
				h := store.Dataset{Messages: batch}
				err = f.fileHistoryMail(ctx, &h)
				batch = h.Messages
			}
			i += len(batch)
			if !yield(batch, err) || err != nil {
				return
			}
		}
	}
}

func userProblems(u *model.User) model.Problems {
	var p model.Problems
	if u.ID.IsZero() {
		p.Add("id", "is required")
	}
	if !model.ValidEmail(u.Email) {
		p.Add("email", "must be a valid email address")
	}
	if !model.Roles.Valid(u.Role) {
		p.Add("role", "must be one of %s", model.Roles)
	}
	if u.PasswordHash == "" {
		p.Add("password_hash", "is required")
	}
	return p
}

func (r *historyRefs) stakeholderProblems(st *model.Stakeholder) model.Problems {
	var p model.Problems
	r.user(&p, "owner_id", st.OwnerID, false)
	for i, rel := range st.Relationships {
		r.stakeholder(&p, fmt.Sprintf("relationships[%d].stakeholder_id", i), rel.StakeholderID)
	}
	if st.Committee != nil {
		for i, id := range st.Committee.MemberIDs {
			r.stakeholder(&p, fmt.Sprintf("committee.member_ids[%d]", i), id)
		}
	}
	if st.Version < 1 {
		p.Add("version", "must be at least 1")
	}
	return p
}

func (r *historyRefs) meetingProblems(m *model.Meeting) model.Problems {
	var p model.Problems
	r.user(&p, "owner_id", m.OwnerID, false)
	for i, id := range m.StaffIDs {
		r.user(&p, fmt.Sprintf("staff_ids[%d]", i), id, false)
	}
	ids := make([]bson.ObjectID, len(m.Participants))
	for i, x := range m.Participants {
		r.stakeholder(&p, fmt.Sprintf("participants[%d].stakeholder_id", i), x.StakeholderID)
		ids[i] = x.StakeholderID
	}
	if !slices.Equal(ids, m.StakeholderIDs) {
		p.Add("stakeholder_ids", "must list the participants' ids")
	}
	for i, id := range m.CommitmentIDs {
		if !r.commitments[id] {
			p.Add(fmt.Sprintf("commitment_ids[%d]", i), "no such commitment in the history")
		}
	}
	for i, id := range m.TaskIDs {
		if !r.tasks[id] {
			p.Add(fmt.Sprintf("task_ids[%d]", i), "no such task in the history")
		}
	}
	for i, id := range m.InitiativeIDs {
		r.initiative(&p, fmt.Sprintf("initiative_ids[%d]", i), id)
	}
	return p
}

func (r *historyRefs) initiativeProblems(it *model.Initiative) model.Problems {
	var p model.Problems
	r.user(&p, "owner_id", it.OwnerID, true)
	for i, s := range it.Stakeholders {
		r.stakeholder(&p, fmt.Sprintf("stakeholders[%d].stakeholder_id", i), s.StakeholderID)
	}
	if len(it.History) == 0 || it.History[len(it.History)-1].Stage != it.Stage {
		p.Add("history", "must end with the initiative's stage")
	}
	if it.Version < 1 {
		p.Add("version", "must be at least 1")
	}
	return p
}

// initiative adds a problem when a set id is not an initiative of the history.
func (r *historyRefs) initiative(p *model.Problems, field string, id bson.ObjectID) {
	if !id.IsZero() && !r.initiatives[id] {
		p.Add(field, "no such initiative in the history")
	}
}

func (r *historyRefs) commitmentProblems(c *model.Commitment) model.Problems {
	var p model.Problems
	r.stakeholder(&p, "stakeholder_id", c.StakeholderID)
	r.user(&p, "owner_id", c.OwnerID, false)
	if o := c.Origin; o != nil {
		if (o.Kind == "meeting" && !r.meetings[o.ID]) || (o.Kind == "message" && !r.messages[o.ID]) {
			p.Add("origin.id", "no such %s in the history", o.Kind)
		}
	}
	r.initiative(&p, "initiative_id", c.InitiativeID)
	return p
}

func (r *historyRefs) taskProblems(t *model.Task) model.Problems {
	var p model.Problems
	r.user(&p, "assignee_id", t.AssigneeID, false)
	r.user(&p, "created_by", t.CreatedBy, false)
	if id := t.Links.StakeholderID; !id.IsZero() {
		r.stakeholder(&p, "links.stakeholder_id", id)
	}
	if id := t.Links.MeetingID; !id.IsZero() && !r.meetings[id] {
		p.Add("links.meeting_id", "no such meeting in the history")
	}
	if id := t.Links.CommitmentID; !id.IsZero() && !r.commitments[id] {
		p.Add("links.commitment_id", "no such commitment in the history")
	}
	return p
}

// messageProblems checks a message's own fields.
func messageProblems(m *model.Message) model.Problems {
	var p model.Problems
	if m.ID.IsZero() {
		p.Add("id", "is required")
	}
	if !model.MessageStatuses.Valid(m.Status) {
		p.Add("status", "must be one of %s", model.MessageStatuses)
	}
	if !model.Directions.Valid(m.Direction) {
		p.Add("direction", "must be one of %s", model.Directions)
	}
	if m.Version < 1 {
		p.Add("version", "must be at least 1")
	}
	return p
}

// user adds a problem when id is not a user of the history or stored;
// a zero id is a problem only when required.
func (r *historyRefs) user(p *model.Problems, field string, id bson.ObjectID, required bool) {
	switch {
	case id.IsZero():
		if required {
			p.Add(field, "is required")
		}
	case !r.users[id]:
		p.Add(field, "is not a user")
	}
}

func (r *historyRefs) stakeholder(p *model.Problems, field string, id bson.ObjectID) {
	if _, ok := r.stakeholders[id]; !ok {
		p.Add(field, "no such stakeholder")
	}
}
