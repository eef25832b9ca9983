package store

import "go.mongodb.org/mongo-driver/v2/bson"

// The MongoDB indexes the lists, filters, search and timeline need besides
// those registered next to each collection, found by the index proof of
// internal/storetest (every query the tests send is served by an index):
// each list's sort with its _id tie-break, and the fields filters and $or
// branches lead with.
func init() {
	registerIndexes(
		indexSpec{colMeetings, "starts_at_id", bson.D{{Key: "starts_at", Value: -1}, {Key: "_id", Value: -1}}, false},
		indexSpec{colMeetings, "region_starts_at", bson.D{{Key: "region", Value: 1}, {Key: "starts_at", Value: -1}, {Key: "_id", Value: -1}}, false},
		indexSpec{colMeetings, "stakeholder_ids", bson.D{{Key: "stakeholder_ids", Value: 1}}, false},
		indexSpec{colMeetings, "participants_starts_at", bson.D{{Key: "participants.stakeholder_id", Value: 1}, {Key: "starts_at", Value: -1}, {Key: "_id", Value: -1}}, false},
		indexSpec{colCommitments, "made_on", bson.D{{Key: "made_on", Value: 1}}, false},
		indexSpec{colCommitments, "due_on", bson.D{{Key: "due_on", Value: 1}}, false},
		// The agreement rule's commitments of one kind made in a period, and
		// the fulfilled ones made in a period (the results' records).
		indexSpec{colCommitments, "kind_made_on", bson.D{{Key: "stakeholder_kind", Value: 1}, {Key: "made_on", Value: 1}}, false},
		indexSpec{colCommitments, "status_made_on_id", bson.D{{Key: "status", Value: 1}, {Key: "made_on", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colStakeholders, "archived_name", bson.D{{Key: "archived", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colStakeholders, "archived_kind_name", bson.D{{Key: "archived", Value: 1}, {Key: "kind", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colTasks, "assignee_due", bson.D{{Key: "assignee_id", Value: 1}, {Key: "due_on", Value: 1}, {Key: "_id", Value: 1}}, false},
		// The stakeholders of a kind by name: the members an agreement
		// figure counts, a page at a time (indicators_members.go).
		indexSpec{colStakeholders, "kind_name", bson.D{{Key: "kind", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colStakeholders, "committee_members", bson.D{{Key: "committee.member_ids", Value: 1}}, false},
		indexSpec{colStakeholders, "committee_coordinator", bson.D{{Key: "committee.coordinator_id", Value: 1}}, false},
		indexSpec{colRefreshTokens, "user", bson.D{{Key: "user_id", Value: 1}}, false},
	)
}

// The indexes the purges, the digest queue and the personal-data search
// need (found by the index proof after the merge of the digest, throttle
// and erasure work): a purge's range on the expiry field, the digest
// queue's status with its sort, the subscribers' digest setting, the
// enabled users, the commitments changed since a digest's period began, and
// the message address fields a $or branch leads with.
func init() {
	registerIndexes(
		indexSpec{colLoginFailures, "exp", bson.D{{Key: "exp", Value: 1}}, false},
		indexSpec{colRefreshTokens, "expires_at", bson.D{{Key: "expires_at", Value: 1}}, false},
		indexSpec{colDigests, "status_updated", bson.D{{Key: "status", Value: 1}, {Key: "updated_at", Value: -1}}, false},
		indexSpec{colDigests, "status_created", bson.D{{Key: "status", Value: 1}, {Key: "created_at", Value: 1}}, false},
		indexSpec{colDigests, "updated", bson.D{{Key: "updated_at", Value: -1}}, false},
		indexSpec{colDigestRuns, "started_at", bson.D{{Key: "started_at", Value: -1}}, false},
		indexSpec{colPrefs, "digest", bson.D{{Key: "digest", Value: 1}}, false},
		indexSpec{colUsers, "disabled", bson.D{{Key: "disabled", Value: 1}}, false},
		indexSpec{colCommitments, "status_updated", bson.D{{Key: "status", Value: 1}, {Key: "updated_at", Value: 1}}, false},
		indexSpec{colMessages, "reply_to_address", bson.D{{Key: "reply_to.address", Value: 1}}, false},
		indexSpec{colMessages, "regions", bson.D{{Key: "regions", Value: 1}}, false},
		// A regional queue: its pages by date and its tab counts.
		indexSpec{colMessages, "regions_date", bson.D{{Key: "regions", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
		indexSpec{colMessages, "regions_status_date", bson.D{{Key: "regions", Value: 1}, {Key: "status", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
		indexSpec{colMessages, "regions_unmatched", bson.D{{Key: "regions", Value: 1}, {Key: "unmatched", Value: 1}, {Key: "date", Value: -1}}, false},
		indexSpec{colMessages, "regions_awaiting", bson.D{{Key: "regions", Value: 1}, {Key: "direction", Value: 1}, {Key: "replied", Value: 1}, {Key: "date", Value: 1}}, false},
		// A stakeholder's messages newest first (their timeline and queue).
		indexSpec{colMessages, "stakeholders_date", bson.D{{Key: "stakeholder_ids", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
	)
}
