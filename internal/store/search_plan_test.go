package store

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Only conditions that exclude values leave a member value's documents
// unnarrowed; any equality, list, range or search term may select fewer.
func TestNoNarrowing(t *testing.T) {
	for _, c := range []struct {
		filter bson.D
		want   bool
	}{
		{bson.D{}, true},
		{bson.D{{Key: "status", Value: bson.D{{Key: "$ne", Value: "failed"}}}}, true},
		{bson.D{{Key: "$and", Value: bson.A{bson.D{{Key: "status", Value: bson.D{{Key: "$nin", Value: bson.A{"failed"}}}}}, bson.D{{Key: "x", Value: bson.D{{Key: "$exists", Value: true}}}}}}}, true},
		{bson.D{{Key: "status", Value: "new"}}, false},
		{bson.D{{Key: "status", Value: bson.D{{Key: "$eq", Value: "new"}}}}, false},
		{bson.D{{Key: "stakeholder_ids", Value: bson.D{{Key: "$in", Value: bson.A{"a"}}}}}, false},
		{bson.D{{Key: "date", Value: bson.D{{Key: "$gte", Value: 1}}}}, false},
		{bson.D{{Key: "search", Value: bson.D{{Key: "$regex", Value: "(^| )cusco"}}}}, false},
		{bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "a", Value: 1}}}}}, false},
		{bson.D{{Key: "$and", Value: bson.A{bson.D{{Key: "status", Value: bson.D{{Key: "$ne", Value: "x"}}}}, bson.D{{Key: "a", Value: 1}}}}}, false},
	} {
		if got := noNarrowing(c.filter); got != c.want {
			t.Errorf("noNarrowing(%v) = %v, want %v", c.filter, got, c.want)
		}
	}
}
