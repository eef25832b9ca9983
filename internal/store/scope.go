package store

import (
	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// scoped adds the region-scope condition on field to filter. Every list,
// count, export and search goes through it, so a Loreto officer never reads a
// Cusco record. field may hold one code or an array of codes.
func scoped(filter bson.D, scope model.Scope, field string) bson.D {
	if scope.All {
		return filter
	}
	regions := scope.Regions
	if regions == nil {
		regions = []string{}
	}
	return append(filter, bson.E{Key: field, Value: bson.D{{Key: "$in", Value: regions}}})
}
