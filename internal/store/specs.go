package store

import "github.com/alianza-pe/alianza/internal/store/lite"

// collectionSpecs declares every collection of the embedded store (package lite):
// the paths its queries filter and sort on become indexed columns (Fields,
// single values) or member rows (Members, arrays), "search" feeds the word
// table, and Indexes mirror the MongoDB indexes of indexes.go and the
// collection files (a unique MongoDB index is a unique lite index). Open
// creates every collection; a query on a path no spec declares is answered
// by lite's matcher and shows as a full scan in storetest's plan check.
// Scannable marks the few small collections of storetest.SmallCollections.
func collectionSpecs() []lite.Spec {
	k := func(paths ...string) []lite.Key {
		keys := make([]lite.Key, len(paths))
		for i, p := range paths {
			keys[i] = lite.Key{Path: p}
		}
		return keys
	}
	ix := func(name string, paths ...string) lite.Index { return lite.Index{Name: name, Keys: k(paths...)} }
	specs := []lite.Spec{
		{Name: colMessages,
			Fields:  []string{"version", "date", "status", "thread_id", "direction", "replied", "unmatched", "assignee_id", "subject_key", "from.address", "created_at", "updated_at"},
			Members: []string{"regions", "stakeholder_ids", "seen_in/mailbox_id", "seen_in/folder", "to/address", "cc/address", "reply_to/address"},
			Words:   "search",
			// A regional search reads its regions' words alone (lite.Spec.WordScope).
			WordScope: "regions",
			// A search's page, newest first, reads a common word's rows
			// in date order and stops (lite.Spec.WordOrder).
			WordOrder: "date",
			Indexes: []lite.Index{ix("date", "date", "_id"), ix("status_date", "status", "date", "_id"), ix("thread_date", "thread_id", "date", "_id"),
				ix("unmatched_date", "unmatched", "date", "_id", "status"), ix("assignee_date", "assignee_id", "date", "_id"),
				ix("direction_replied", "direction", "replied", "date"), ix("from_address", "from.address"), ix("subject_key", "subject_key", "date"),
				// Member indexes led by the regions (MongoDB's multikey
				// compound indexes, indexes_lists.go): a regional queue's
				// pages and tab counts read one index range, never a
				// message per row.
				ix("regions_date", "regions", "date", "_id", "status", "unmatched"),
				ix("regions_status_date", "regions", "status", "date", "_id"),
				ix("regions_unmatched", "regions", "unmatched", "status", "date", "_id"),
				ix("regions_awaiting", "regions", "direction", "replied", "date", "status"),
				// A stakeholder's messages newest first (their timeline and
				// queue): one member index range, failed ones left out on it.
				ix("stakeholders_date", "stakeholder_ids", "date", "_id", "status")}},
		{Name: colMessageBodies},
		// The unmatched senders' tally (unmatched_tally.go): a page is one
		// range of k; an address's latest refs, named or not, one of
		// address_named_date.
		{Name: colUnmatched, Fields: []string{"k"}, Indexes: []lite.Index{ix("key", "k")}},
		{Name: colUnmatchedRefs, Fields: []string{"a", "named", "d", "m"},
			Indexes: []lite.Index{{Name: "address_named_date", Keys: []lite.Key{{Path: "a"}, {Path: "named"}, {Path: "d", Desc: true}, {Path: "m"}}}}},
		{Name: colIndicatorTargets},
		// Every query of a user's second factor is by _id; the rest of its
		// filter (pending secret, last step, recovery code) is checked on
		// that one document.
		{Name: colSecondFactors},
		{Name: colMeetings,
			Fields:    []string{"version", "starts_at", "region", "kind", "owner_id", "created_at", "updated_at"},
			Members:   []string{"participants/stakeholder_id", "stakeholder_ids", "staff_ids", "commitment_ids", "task_ids", "initiative_ids"},
			Words:     "search",
			WordScope: "region",
			Indexes: []lite.Index{ix("starts_at", "starts_at", "_id"), ix("region_starts_at", "region", "starts_at", "_id"), ix("kind_starts_at", "kind", "starts_at", "_id"),
				ix("owner", "owner_id"), ix("updated", "updated_at"),
				// A stakeholder's meetings newest first (the timeline's page): one
				// member index range, in scope by region.
				ix("participants_starts_at", "participants.stakeholder_id", "starts_at", "_id", "region")}},
		{Name: colCommitments,
			Fields:    []string{"version", "region", "status", "stakeholder_id", "owner_id", "stakeholder_kind", "due_on", "made_on", "created_at", "updated_at", "origin.id", "initiative_id"},
			Words:     "search",
			WordScope: "region",
			Indexes: []lite.Index{ix("region", "region", "_id"), ix("status", "status", "_id"), ix("stakeholder", "stakeholder_id", "_id"), ix("owner", "owner_id", "_id"),
				ix("due_on", "due_on", "_id"), ix("made_on", "made_on"), ix("status_updated", "status", "updated_at"), ix("origin", "origin.id"), ix("initiative", "initiative_id"),
				ix("kind_made_on", "stakeholder_kind", "made_on"),
				// status, made_on and _id: a page of a status in made_on order (the records of commitments_fulfilled, the funder report's fulfilments)
				ix("status_made_on_id", "status", "made_on", "_id")}},
		{Name: colInitiatives,
			Fields:    []string{"version", "region", "kind", "stage", "stage_on", "owner_id", "created_at", "updated_at"},
			Members:   []string{"stakeholder_ids", "tags"},
			Words:     "search",
			WordScope: "region",
			Indexes: []lite.Index{ix("region", "region", "_id"), ix("kind", "kind", "_id"), ix("stage", "stage", "_id"), ix("stage_on", "stage_on", "_id"),
				ix("region_stage_on", "region", "stage_on", "_id"), ix("owner", "owner_id")}},
		{Name: colTasks,
			Fields: []string{"version", "region", "assignee_id", "links.stakeholder_id", "links.commitment_id", "links.meeting_id", "done", "due_on", "created_at"},
			Indexes: []lite.Index{ix("region", "region", "_id"), ix("assignee", "assignee_id", "_id"), ix("links_stakeholder_created", "links.stakeholder_id", "created_at", "_id"),
				ix("links_commitment_created", "links.commitment_id", "created_at", "_id"), ix("links_meeting", "links.meeting_id"), ix("done_due", "done", "due_on"),
				ix("due", "due_on", "_id"), ix("assignee_done_due", "assignee_id", "done", "due_on", "_id"),
				// One person's tasks by due date, done or not: one range, no sort.
				ix("assignee_due", "assignee_id", "due_on", "_id")}},
		{Name: colStakeholders,
			Fields:    []string{"version", "name", "archived", "kind", "stance", "owner_id", "committee.region", "committee.coordinator_id"},
			Members:   []string{"regions", "emails", "tags", "relationships/stakeholder_id", "committee.member_ids"},
			Words:     "search",
			WordScope: "regions",
			Indexes: []lite.Index{ix("archived_name", "archived", "name", "_id"), ix("name", "name", "_id"), ix("kind_name", "kind", "name", "_id"),
				// The list of one kind: with archived_name SQLite walked every
				// name before the kind's (its sampled statistics do not tell).
				ix("archived_kind_name", "archived", "kind", "name", "_id"),
				ix("owner", "owner_id"), ix("coordinator", "committee.coordinator_id"),
				// The kinds of many stakeholders by id (how many of the
				// members an agreement figure counts are still of its kind,
				// indicators_members.go) from the index alone: the kind
				// column sits after the document, which a lookup by id
				// would read through.
				ix("id_kind", "_id", "kind")}},
		{Name: colUsers, Fields: []string{"email", "disabled", "role", "version"}, Members: []string{"regions"},
			Indexes: []lite.Index{{Name: "email_unique", Keys: k("email"), Unique: true}, ix("email_id", "email", "_id"), ix("disabled", "disabled")}},
		{Name: colRefreshTokens, Fields: []string{"family", "user_id", "expires_at", "revoked"},
			Indexes: []lite.Index{ix("family", "family"), ix("user", "user_id"), ix("expires_at", "expires_at")}},
		{Name: colAudit, Fields: []string{"entity", "entity_id", "at", "actor_id"},
			Indexes: []lite.Index{ix("entity", "entity", "entity_id"), ix("at", "at"), ix("actor", "actor_id", "at")}},
		{Name: colKV, Fields: []string{"exp"}, Indexes: []lite.Index{ix("exp", "exp")}},
		{Name: colDigests, Fields: []string{"status", "updated_at", "created_at", "started_at"},
			Indexes: []lite.Index{ix("status_updated", "status", "updated_at"), ix("status_created", "status", "created_at"), ix("updated", "updated_at")}},
		{Name: colDigestRuns, Fields: []string{"started_at"}, Indexes: []lite.Index{ix("started_at", "started_at")}},
		{Name: colPrefs, Fields: []string{"calendar_hash", "digest", "lang"},
			Indexes: []lite.Index{ix("calendar_hash", "calendar_hash"), ix("digest", "digest")}},
		{Name: colLoginFailures, Fields: []string{"exp"}, Indexes: []lite.Index{ix("exp", "exp")}},
		{Name: colLeases, Fields: []string{"holder", "until"}, Scannable: true},
		{Name: colJobLeases, Fields: []string{"holder"}, Scannable: true},
		{Name: colMailState, Fields: []string{"mailbox_id", "folder"}, Scannable: true, Indexes: []lite.Index{ix("mailbox", "mailbox_id", "folder")}},
		{Name: colMailboxes, Fields: []string{"name", "updated_at"}, Scannable: true},
		{Name: colIdempotency, Fields: []string{"exp", "user_id", "state"}, Indexes: []lite.Index{ix("exp", "exp"), ix("user", "user_id")}},
		{Name: colReportCounters, Fields: []string{"stale"}, Scannable: true},
		{Name: colMessageCounts, Scannable: true},
		{Name: colProbe, Scannable: true},
	}
	for _, f := range counterFamilies {
		specs = append(specs, lite.Spec{Name: counterCol(f), Scannable: true})
	}
	return specs
}
