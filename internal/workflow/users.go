package workflow

import (
	"context"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// checkUsers reports, under field(i), each set ids[i] that is not a user.
func (f *Flows) checkUsers(ctx context.Context, p *model.Problems, ids []bson.ObjectID, field func(i int) string) error {
	var want []bson.ObjectID
	for _, id := range ids {
		if !id.IsZero() {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil
	}
	users, err := f.st.UsersByIDs(ctx, want)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if _, ok := users[id]; !ok && !id.IsZero() {
			p.Add(field(i), "no such user")
		}
	}
	return nil
}
