package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// A page of the members an agreement figure counts, by name then id.
//
// The counters say who counts (a few hundred to thousands of members at
// scale 10) but not their names, so ordering them by name meant reading
// every counted member's document for each page. When the counted members
// are a fair share of their kind, a page is found instead by walking the
// stakeholders of that kind in name order (index kind, name, _id) from the
// cursor and keeping the counted ones: about a page's worth divided by
// their share. When they are few, or some counted member is no longer of
// that kind (a changed kind: its commitments keep the old one), their
// documents are read by id as before. Both give the same page and cursor.

// maxWalkBatch bounds one read of the name walk.
const maxWalkBatch = 1000

// membersByName is the page of pg of the members list counts (a list of
// model.CountAgreements over stakeholders of kind), each with their name
// and group, ordered by memberKey.
func (s *Store) membersByName(ctx context.Context, kind string, list []model.AgreementMember, pg Page) ([]IndicatorRecord, string, error) {
	cursorKind := "indicator.agreements." + kind
	after, hasAfter, err := s.keyAfter(pg, cursorKind)
	if err != nil {
		return nil, "", err
	}
	var from nameKey
	if hasAfter {
		if from, err = parseMemberKey(after); err != nil {
			return nil, "", err
		}
	}
	group := make(map[bson.ObjectID]string, len(list))
	ids := make([]bson.ObjectID, len(list))
	for i, m := range list {
		group[m.ID], ids[i] = m.Group, m.ID
	}
	limit := pg.limit()
	walk, batch, err := s.walkPays(ctx, kind, ids, limit)
	if err != nil {
		return nil, "", err
	}
	if walk {
		page, more, done, err := s.walkByName(ctx, kind, group, from, hasAfter, limit, batch, len(ids))
		if err != nil {
			return nil, "", err
		}
		if done {
			if !more {
				return page, "", nil
			}
			next, err := s.sealCursor(cursorKind, cursorDoc{V: memberKey(page[len(page)-1])})
			return page, next, err
		}
	}
	who := make(map[bson.ObjectID]model.Stakeholder, len(ids))
	if err := s.agreementStakeholders(ctx, ids, who); err != nil {
		return nil, "", err
	}
	members := make([]IndicatorRecord, len(list))
	for i, m := range list {
		members[i] = IndicatorRecord{Entity: model.EntityStakeholder, ID: m.ID, Name: who[m.ID].Name, Region: m.Group, Count: 1}
	}
	slices.SortFunc(members, func(x, y IndicatorRecord) int { return model.CompareKeys(x.Name, x.ID, y.Name, y.ID, memberSep) })
	return s.pageIn(members, pg, cursorKind, memberKey, false)
}

// walkPays tells whether a page of limit is cheaper found by the name walk
// than by reading every one of ids: the walk reads about (limit+1) times
// the kind's size over len(ids) documents, which must be fewer than
// len(ids), and every one of ids must be of kind. batch is the walk's
// first read.
func (s *Store) walkPays(ctx context.Context, kind string, ids []bson.ObjectID, limit int) (walk bool, batch int, err error) {
	if len(ids) == 0 {
		return false, 0, nil
	}
	all, err := s.col(colStakeholders).Count(ctx, bson.D{{Key: "kind", Value: kind}}, 0)
	if err != nil {
		return false, 0, wrap("count stakeholders of kind", err)
	}
	expect := int64(limit+1) * all / int64(len(ids))
	if expect >= int64(len(ids)) {
		return false, 0, nil
	}
	ofKind, err := s.col(colStakeholders).Count(ctx, append(idsIn(ids), bson.E{Key: "kind", Value: kind}), 0)
	if err != nil {
		return false, 0, wrap("count counted members of kind", err)
	}
	if ofKind != int64(len(ids)) {
		return false, 0, nil
	}
	// A fifth more than expected, so that a page seldom needs a second read.
	return true, min(maxWalkBatch, int(expect+expect/5)+10), nil
}

// nameKey is a position in the name walk: after this name and id.
type nameKey struct {
	name string
	id   bson.ObjectID
}

// parseMemberKey reads a memberKey back.
func parseMemberKey(key string) (nameKey, error) {
	const tail = 1 + 2*len(bson.ObjectID{}) // "\x00" and the id's hex
	if len(key) < tail || key[len(key)-tail] != 0 {
		return nameKey{}, fmt.Errorf("store: %w", ErrBadCursor)
	}
	id, err := bson.ObjectIDFromHex(key[len(key)-tail+1:])
	if err != nil {
		return nameKey{}, fmt.Errorf("store: %w", ErrBadCursor)
	}
	return nameKey{name: key[:len(key)-tail], id: id}, nil
}

// walkByName walks the stakeholders of kind by name and id after from
// (from the first when !hasAfter), batch documents at a time (doubling),
// and keeps those in group, up to limit; more says a counted one follows
// them. It gives up (done false) once it has read budget documents without
// filling the page: reading the counted members by id is then cheaper.
func (s *Store) walkByName(ctx context.Context, kind string, group map[bson.ObjectID]string, from nameKey, hasAfter bool, limit, batch, budget int) (page []IndicatorRecord, more, done bool, err error) {
	read := 0
	for {
		filter := bson.D{{Key: "kind", Value: kind}}
		if hasAfter {
			filter = append(filter, bson.E{Key: "$and", Value: bson.A{afterKey("name", from.name, from.id, false)}})
		}
		var docs []struct {
			ID   bson.ObjectID `bson:"_id"`
			Name string        `bson:"name"`
		}
		err := s.col(colStakeholders).Find(ctx, filter, coll.FindOptions{
			Sort:       bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}},
			Limit:      int64(batch),
			Projection: bson.D{{Key: "name", Value: 1}},
		}, &docs)
		if err != nil {
			return nil, false, false, wrap("walk members by name", err)
		}
		for _, d := range docs {
			g, counted := group[d.ID]
			if !counted {
				continue
			}
			if len(page) == limit {
				return page, true, true, nil
			}
			page = append(page, IndicatorRecord{Entity: model.EntityStakeholder, ID: d.ID, Name: d.Name, Region: g, Count: 1})
		}
		if len(docs) < batch {
			return page, false, true, nil
		}
		if read += len(docs); read >= budget {
			return nil, false, false, nil
		}
		last := docs[len(docs)-1]
		from, hasAfter = nameKey{name: last.Name, id: last.ID}, true
		batch = min(maxWalkBatch, 2*batch)
	}
}
