package api

import (
	"github.com/alianza-pe/alianza/internal/auth"
	"github.com/alianza-pe/alianza/internal/store"
	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// everydayRoutes are the routes that correct records in daily work: who is
// on the team (to assign and show names) and removing a commitment.
func (a *API) everydayRoutes() []route {
	return []route{
		{method: "GET", path: "/team", tag: "users", summary: "Enabled users who share a region with the caller: id, name, role and regions (to assign work and show names)",
			resp: list[store.TeamMember]{}, handle: a.team},
		{method: "DELETE", path: "/commitments/:id", status: 204, access: writers, tag: "commitments", summary: "Delete a commitment (managers in its region, or its owner); audited",
			handle: a.deleteCommitment},
		{method: "GET", path: "/messages/counts", tag: "messages", summary: "How many messages each review queue holds (new, follow_up, unmatched, awaiting_reply, all), in the caller's regions",
			query: []string{"region"}, resp: store.MessageQueueCounts{}, handle: a.messageCounts},
	}
}

func (a *API) messageCounts(c *fiber.Ctx) error {
	q := queryOf(c)
	region := q.region("region")
	if q.err != nil {
		return q.err
	}
	u := auth.User(c)
	f := store.MessageFilter{AwaitingReplyDays: a.awaitingDays(), IncludeFailed: seesFailed(u), Region: region}
	n, err := a.store.MessageCounts(c.UserContext(), messageScope(u), f)
	if err != nil {
		return err
	}
	return c.JSON(n)
}

// nameStakeholders fills the names of the matched stakeholders the caller
// may see, so the queue and reader show people, not addresses.
func (a *API) nameStakeholders(c *fiber.Ctx, views []messageView) error {
	var ids []bson.ObjectID
	for _, v := range views {
		ids = append(ids, v.StakeholderIDs...)
	}
	if len(ids) == 0 {
		return nil
	}
	names, err := a.store.StakeholderNames(c.UserContext(), auth.User(c).Scope(), ids)
	if err != nil {
		return err
	}
	for i := range views {
		views[i].StakeholderNames = []string{}
		for _, id := range views[i].StakeholderIDs {
			if n, ok := names[id]; ok {
				views[i].StakeholderNames = append(views[i].StakeholderNames, n)
			}
		}
	}
	return nil
}

func (a *API) team(c *fiber.Ctx) error {
	items, err := a.store.Team(c.UserContext(), auth.User(c).Scope())
	if err != nil {
		return err
	}
	return c.JSON(newList(items, ""))
}

func (a *API) deleteCommitment(c *fiber.Ctx) error { return deleteByID(c, a.flows.DeleteCommitment) }

// nameAssignees fills the assignee names of views with one read of users.
func (a *API) nameAssignees(c *fiber.Ctx, views []taskView) error {
	ids := make([]bson.ObjectID, 0, len(views))
	for _, v := range views {
		if !v.AssigneeID.IsZero() {
			ids = append(ids, v.AssigneeID)
		}
	}
	users, err := a.store.UsersByIDs(c.UserContext(), ids)
	if err != nil {
		return err
	}
	for i := range views {
		if u, ok := users[views[i].AssigneeID]; ok {
			views[i].AssigneeName = u.Name
			if u.Name == "" {
				views[i].AssigneeName = u.Email
			}
		}
	}
	return nil
}
