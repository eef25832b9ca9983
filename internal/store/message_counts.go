package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// MessageQueueCounts is how many messages each review queue holds.
type MessageQueueCounts struct {
	New           int64 `json:"new"`
	FollowUp      int64 `json:"follow_up"`
	Unmatched     int64 `json:"unmatched"`
	AwaitingReply int64 `json:"awaiting_reply"`
	All           int64 `json:"all"`
}

// MessageCounts counts the review queues of the messages in scope matching
// f (region, failed ones), one count per queue. On the embedded engine a
// trigger-kept table answers them (liteQueueCounts); elsewhere each count
// is answered from an index, where one $group would read every message in
// scope.
func (s *Store) MessageCounts(ctx context.Context, scope model.Scope, f MessageFilter) (MessageQueueCounts, error) {
	if out, err := s.liteQueueCounts(ctx, scope, f); !errors.Is(err, errNoPushdown) {
		return out, err
	}
	var out MessageQueueCounts
	queues := []struct {
		n   *int64
		set func(*MessageFilter)
	}{
		{&out.All, func(*MessageFilter) {}},
		{&out.New, func(q *MessageFilter) { q.Status = model.MessageNew }},
		{&out.FollowUp, func(q *MessageFilter) { q.Status = model.MessageFollowUp }},
		{&out.Unmatched, func(q *MessageFilter) { q.Unmatched = true }},
		{&out.AwaitingReply, func(q *MessageFilter) { q.AwaitingReply = true }},
	}
	for _, q := range queues {
		qf := f
		q.set(&qf)
		n, err := s.CountMessages(ctx, scope, qf)
		if err != nil {
			return out, fmt.Errorf("store: count message queues: %w", err)
		}
		*q.n = n
	}
	return out, nil
}

// The queue table of the messages' SQLite table counts the messages per
// (g, s, u, w): their regions as JSON, their status as an SQL literal
// (quote(), so that every type and NULL keep a distinct key), whether they
// are unmatched and whether they are outbound, unreplied and dated (the
// awaiting-reply queue but for its cutoff). Triggers keep it in the
// engine's own write transactions. A few dozen rows answer every queue
// count of any scope, where counting rows costs time in proportion to the
// messages.

func liteQueueTable(table string) string { return table + "_alz_" + liteVersion + "_q" }

// queueKey is the key (g, s, u, w) of row ref, each field read as the row
// table reads it.
func queueKey(ref string) []string {
	j := ref + "._ferretdb_sjson"
	return []string{
		fmt.Sprintf(`coalesce(%s->'$.regions', 'null')`, j),
		fmt.Sprintf(`quote(%s->>'$.status')`, j),
		fmt.Sprintf(`coalesce(%s->>'$.unmatched' = 1, 0)`, j),
		fmt.Sprintf(`coalesce(%[1]s->>'$.direction' = '%[2]s' AND %[1]s->>'$.replied' = 0 AND typeof(%[1]s->>'$.date') = 'integer', 0)`, j, model.Outbound),
	}
}

// queueSchema creates and fills the queue table of table.
func queueSchema(table string) []string {
	q, k := liteQueueTable(table), queueKey("r")
	return []string{
		fmt.Sprintf(`CREATE TABLE %q (g NOT NULL, s NOT NULL, u NOT NULL, w NOT NULL, c INTEGER NOT NULL, PRIMARY KEY (g, s, u, w)) WITHOUT ROWID`, q),
		fmt.Sprintf(`INSERT INTO %q SELECT g, s, u, w, count(*) FROM (SELECT %s AS g, %s AS s, %s AS u, %s AS w FROM %q AS r) GROUP BY g, s, u, w`,
			q, k[0], k[1], k[2], k[3], table),
	}
}

// queueAdd is the trigger statement that adds n to the count of row ref.
// A count that falls to 0 stays (it adds nothing to any sum), so that an
// update, which takes its old row away and adds the new one, costs two
// look-ups of the primary key.
func queueAdd(table, ref string, n int) string {
	return fmt.Sprintf(`INSERT INTO %q (g, s, u, w, c) VALUES (%s, %d) ON CONFLICT (g, s, u, w) DO UPDATE SET c = c + excluded.c;`,
		liteQueueTable(table), strings.Join(queueKey(ref), ", "), n)
}

// liteQueueCounts answers MessageCounts from the queue table when f holds
// nothing but a region, the failed flag and the awaiting-reply days:
// the awaiting-reply queue is every outbound unreplied dated message but
// those since the cutoff, which are few and counted on the row table.
func (s *Store) liteQueueCounts(ctx context.Context, scope model.Scope, f MessageFilter) (MessageQueueCounts, error) {
	var out MessageQueueCounts
	rest := f
	rest.Region, rest.IncludeFailed, rest.AwaitingReplyDays = "", false, 0
	if !isZeroFilter(rest) {
		return out, errNoPushdown
	}
	base, ok := s.messageFilter(scope, MessageFilter{Region: f.Region, IncludeFailed: f.IncludeFailed})
	if !ok {
		return out, nil
	}
	cutoff := model.AwaitingCutoff(s.Now(), f.AwaitingReplyDays)
	recent := allOf(base, bson.D{{Key: "direction", Value: model.Outbound}}, bson.D{{Key: "replied", Value: false}},
		bson.D{{Key: "date", Value: bson.D{{Key: "$gte", Value: cutoff}}}})
	lq, err := s.liteQuery(ctx, colMessages, recent, nil)
	if err != nil {
		return out, err
	}
	where, args := "1", []any(nil)
	var regions []string
	switch {
	case f.Region != "":
		regions = []string{f.Region}
	case !scope.All:
		regions = scope.Regions
		if len(regions) == 0 {
			return out, nil // $in [] selects nothing
		}
	}
	if regions != nil {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(regions)), ", ")
		for _, r := range regions {
			args = append(args, r)
		}
		// The regions member rows of a message are the scalars of this
		// array (see memberSelect). Each distinct array is read once: the
		// rows are its combinations with the other keys, three to ten
		// times as many.
		where = fmt.Sprintf(`q.g IN (SELECT d.g FROM (SELECT DISTINCT g FROM %q) AS d
			WHERE EXISTS (SELECT 1 FROM json_each(d.g) WHERE type NOT IN ('object', 'array') AND value IN (%s)))`, liteQueueTable(lq.table), ph)
	}
	kept := fmt.Sprintf("s != quote('%s')", model.MessageFailed)
	if f.IncludeFailed {
		kept = "1"
	}
	sq := fmt.Sprintf(`SELECT coalesce(sum(CASE WHEN %[1]s THEN c END), 0), coalesce(sum(CASE WHEN s = quote('%[2]s') THEN c END), 0),
		coalesce(sum(CASE WHEN s = quote('%[3]s') THEN c END), 0), coalesce(sum(CASE WHEN %[1]s AND u THEN c END), 0),
		coalesce(sum(CASE WHEN %[1]s AND w THEN c END), 0) FROM %[4]q AS q WHERE %[5]s`,
		kept, model.MessageNew, model.MessageFollowUp, liteQueueTable(lq.table), where)
	if err := lq.db.QueryRowContext(ctx, sq, args...).Scan(&out.All, &out.New, &out.FollowUp, &out.Unmatched, &out.AwaitingReply); err != nil {
		return out, fmt.Errorf("store: count message queues in SQLite: %w", err)
	}
	// The messages since the cutoff are few: walk them on the (direction,
	// replied, date) index and check each one's regions, rather than read
	// every member row of the regions.
	_, members, words, _ := liteNames(lq.table)
	w := &sqlWhere{sp: liteSpecs[colMessages], members: members, words: words, selective: func(string, []any) bool { return false }}
	cond, err := w.doc(recent)
	if err != nil {
		return out, err
	}
	var since int64
	if err := lq.db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM %q AS r WHERE %s`, lq.rows, cond), w.args...).Scan(&since); err != nil {
		return out, fmt.Errorf("store: count message queues in SQLite: %w", err)
	}
	out.AwaitingReply -= since
	s.liteHits.Add(1)
	return out, nil
}

// isZeroFilter says whether f selects by nothing.
func isZeroFilter(f MessageFilter) bool {
	return f.Status == "" && len(f.Statuses) == 0 && f.MailboxID.IsZero() && f.Folder == "" && f.StakeholderID.IsZero() &&
		!f.Unmatched && !f.AwaitingReply && f.AssigneeID.IsZero() && f.From.IsZero() && f.To.IsZero() && f.Q == ""
}
