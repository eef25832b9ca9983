package store

import (
	"reflect"
	"testing"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// stakeholderRef reads a stakeholder's reference fields as bson.Unmarshal
// decodes them: missing and null fields stay zero, an empty list stays an
// empty list, and a field of another type is an error.
func TestStakeholderRef(t *testing.T) {
	id := bson.NewObjectID()
	for _, tc := range []struct {
		name string
		doc  bson.D
		bad  bool
	}{
		{name: "every field", doc: bson.D{{Key: "_id", Value: id}, {Key: "name", Value: "Rosa Huamán"}, {Key: "kind", Value: "person"},
			{Key: "regions", Value: bson.A{"08", "15"}}, {Key: "archived", Value: true}}},
		{name: "no regions", doc: bson.D{{Key: "name", Value: "Rosa"}, {Key: "_id", Value: id}, {Key: "regions", Value: bson.A{}}}},
		{name: "missing and null", doc: bson.D{{Key: "_id", Value: id}, {Key: "name", Value: nil}, {Key: "regions", Value: nil}}},
		{name: "other fields", doc: bson.D{{Key: "_id", Value: id}, {Key: "kind", Value: "committee"}, {Key: "emails", Value: bson.A{"a@b.pe"}}}},
		{name: "a number for a name", doc: bson.D{{Key: "_id", Value: id}, {Key: "name", Value: 7}}, bad: true},
		{name: "a region that is no text", doc: bson.D{{Key: "_id", Value: id}, {Key: "regions", Value: bson.A{"08", 15}}}, bad: true},
		{name: "regions that are no list", doc: bson.D{{Key: "_id", Value: id}, {Key: "regions", Value: "08"}}, bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := bson.Marshal(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			got, err := stakeholderRef(raw)
			var want model.Stakeholder
			werr := bson.Unmarshal(raw, &want)
			if tc.bad {
				if err == nil || werr == nil {
					t.Fatalf("no error: %v, Unmarshal %v", err, werr)
				}
				return
			}
			if err != nil || werr != nil {
				t.Fatalf("stakeholderRef: %v, Unmarshal: %v", err, werr)
			}
			// Unmarshal fills the fields it finds whatever StakeholderRefs
			// projects; compare those it keeps.
			want = model.Stakeholder{ID: want.ID, Name: want.Name, Kind: want.Kind, Regions: want.Regions, Archived: want.Archived}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		})
	}
}
