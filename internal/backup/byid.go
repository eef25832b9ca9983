package backup

import (
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// byID reads a whole collection through its _id index: on MongoDB the
// hint makes the read an index walk, which a server refusing collection
// scans (notablescan) accepts. A hint rather than a sort because the
// embedded engine ignores hints and keeps streaming, where a sort would
// make it load and sort the whole collection in memory first.
func byID() *options.FindOptionsBuilder {
	return options.Find().SetHint(bson.D{{Key: "_id", Value: 1}})
}
