package store

import (
	"context"
	"errors"
	"regexp"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// findAll runs a find and decodes every document into out (a pointer to a slice).
func (s *Store) findAll(ctx context.Context, col string, filter bson.D, opts *options.FindOptionsBuilder, out any) error {
	var o []options.Lister[options.FindOptions]
	if opts != nil {
		o = append(o, opts)
	}
	cur, err := s.c(col).Find(ctx, filter, o...)
	if err != nil {
		return err
	}
	return cur.All(ctx, out)
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

func regexpQuote(s string) string { return regexp.QuoteMeta(s) }
