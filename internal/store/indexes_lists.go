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
		indexSpec{colCommitments, "made_on", bson.D{{Key: "made_on", Value: 1}}, false},
		indexSpec{colCommitments, "due_on", bson.D{{Key: "due_on", Value: 1}}, false},
		indexSpec{colTasks, "links_commitment", bson.D{{Key: "links.commitment_id", Value: 1}}, false},
		indexSpec{colStakeholders, "archived_name", bson.D{{Key: "archived", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}, false},
		indexSpec{colStakeholders, "kind", bson.D{{Key: "kind", Value: 1}}, false},
		indexSpec{colStakeholders, "committee_members", bson.D{{Key: "committee.member_ids", Value: 1}}, false},
		indexSpec{colStakeholders, "committee_coordinator", bson.D{{Key: "committee.coordinator_id", Value: 1}}, false},
		indexSpec{colRefreshTokens, "user", bson.D{{Key: "user_id", Value: 1}}, false},
	)
}
