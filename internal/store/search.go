package store

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/search"
	"github.com/alianza-pe/alianza/internal/store/coll"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// SearchLimit is how many hits of each type a search answers.
const SearchLimit = 10

// maxSearchTerms bounds the regex work one query can ask for.
const maxSearchTerms = 8

// searchFilter matches documents whose "search" field (built with
// search.Words) has, for every word of q, a word starting with it: accent-
// and case-insensitive prefix search that works on the embedded engine,
// which has no $text. An empty result means q has nothing to search for.
// Combine it with other conditions through allOf, not by appending, so
// that two $and keys never end up in one document.
func searchFilter(q string) bson.D {
	terms := search.Terms(q)
	if len(terms) > maxSearchTerms {
		terms = terms[:maxSearchTerms]
	}
	conds := make(bson.A, 0, len(terms))
	for _, t := range terms {
		conds = append(conds, bson.D{{Key: "search", Value: bson.D{{Key: "$regex", Value: "(^| )" + regexpQuote(t)}}}})
	}
	switch len(conds) {
	case 0:
		return nil
	case 1:
		return conds[0].(bson.D)
	}
	return bson.D{{Key: "$and", Value: conds}}
}

// allOf and-s the non-empty filters together.
func allOf(filters ...bson.D) bson.D {
	var conds bson.A
	for _, f := range filters {
		if len(f) > 0 {
			conds = append(conds, f)
		}
	}
	switch len(conds) {
	case 0:
		return bson.D{}
	case 1:
		return conds[0].(bson.D)
	}
	return bson.D{{Key: "$and", Value: conds}}
}

// SearchResults are the hits of one search, grouped by type.
type SearchResults struct {
	Stakeholders []StakeholderHit `json:"stakeholders"`
	Meetings     []MeetingHit     `json:"meetings"`
	Commitments  []CommitmentHit  `json:"commitments"`
	// Messages are the matching correspondence (see searchMessages).
	Messages []MessageHit `json:"messages"`
	// Initiatives match by number or words of the title (or tags).
	Initiatives []InitiativeHit `json:"initiatives"`
}

// InitiativeHit is an initiative found by search.
type InitiativeHit struct {
	ID     bson.ObjectID `bson:"_id" json:"id"`
	Title  string        `bson:"title" json:"title"`
	Number string        `bson:"number,omitempty" json:"number,omitempty"`
	Kind   string        `bson:"kind" json:"kind"`
	Stage  string        `bson:"stage" json:"stage"`
	Region string        `bson:"region" json:"region"`
}

// StakeholderHit is a stakeholder found by search.
type StakeholderHit struct {
	ID       bson.ObjectID `bson:"_id" json:"id"`
	Name     string        `bson:"name" json:"name"`
	Kind     string        `bson:"kind" json:"kind"`
	Regions  []string      `bson:"regions" json:"regions"`
	Archived bool          `bson:"archived" json:"archived"`
}

// MeetingHit is a meeting found by search; Summary is truncated.
type MeetingHit struct {
	ID       bson.ObjectID `bson:"_id" json:"id"`
	StartsAt time.Time     `bson:"starts_at" json:"starts_at"`
	Summary  string        `bson:"summary" json:"summary"`
	Region   string        `bson:"region" json:"region"`
}

// CommitmentHit is a commitment found by search; Text is truncated.
type CommitmentHit struct {
	ID              bson.ObjectID `bson:"_id" json:"id"`
	Text            string        `bson:"text" json:"text"`
	Status          string        `bson:"status" json:"status"`
	StakeholderName string        `bson:"stakeholder_name" json:"stakeholder_name"`
	Region          string        `bson:"region" json:"region"`
}

// MessageHit is a message found by search.
type MessageHit struct {
	ID      bson.ObjectID `bson:"_id" json:"id"`
	Subject string        `bson:"subject" json:"subject"`
	Date    time.Time     `bson:"date" json:"date"`
}

// snippetRunes is how much of a long text a hit shows.
const snippetRunes = 160

// Search finds up to SearchLimit records of each type matching every word
// of q as a word prefix, only in the caller's regions.
func (s *Store) Search(ctx context.Context, scope model.Scope, q string) (*SearchResults, error) {
	out := &SearchResults{Stakeholders: []StakeholderHit{}, Meetings: []MeetingHit{}, Commitments: []CommitmentHit{}, Messages: []MessageHit{}, Initiatives: []InitiativeHit{}}
	match := searchFilter(q)
	if len(match) == 0 {
		return out, nil
	}
	if err := s.searchInto(ctx, colStakeholders, scoped(cloneFilter(match), scope, "regions"),
		bson.D{{Key: "name", Value: 1}, {Key: "kind", Value: 1}, {Key: "regions", Value: 1}, {Key: "archived", Value: 1}},
		bson.D{{Key: "archived", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}, &out.Stakeholders); err != nil {
		return nil, err
	}
	if err := s.searchInto(ctx, colMeetings, scoped(cloneFilter(match), scope, "region"),
		bson.D{{Key: "starts_at", Value: 1}, {Key: "summary", Value: 1}, {Key: "region", Value: 1}},
		bson.D{{Key: "starts_at", Value: -1}, {Key: "_id", Value: -1}}, &out.Meetings); err != nil {
		return nil, err
	}
	if err := s.searchInto(ctx, colCommitments, scoped(cloneFilter(match), scope, "region"),
		bson.D{{Key: "text", Value: 1}, {Key: "status", Value: 1}, {Key: "stakeholder_name", Value: 1}, {Key: "region", Value: 1}},
		bson.D{{Key: "_id", Value: -1}}, &out.Commitments); err != nil {
		return nil, err
	}
	if err := s.searchInto(ctx, colInitiatives, scoped(cloneFilter(match), scope, "region"),
		bson.D{{Key: "title", Value: 1}, {Key: "number", Value: 1}, {Key: "kind", Value: 1}, {Key: "stage", Value: 1}, {Key: "region", Value: 1}},
		bson.D{{Key: "_id", Value: -1}}, &out.Initiatives); err != nil {
		return nil, err
	}
	msgs, err := s.searchMessages(ctx, scope, match)
	if err != nil {
		return nil, err
	}
	out.Messages = msgs
	for i := range out.Meetings {
		out.Meetings[i].Summary = truncateRunes(out.Meetings[i].Summary, snippetRunes)
	}
	for i := range out.Commitments {
		out.Commitments[i].Text = truncateRunes(out.Commitments[i].Text, snippetRunes)
	}
	return out, nil
}

// searchMessages finds messages by their search words (subject, sender,
// snippet) in scope; failed messages are left out, as in every message list.
func (s *Store) searchMessages(ctx context.Context, scope model.Scope, match bson.D) ([]MessageHit, error) {
	filter, _ := s.messageFilter(scope, MessageFilter{})
	out := []MessageHit{}
	if err := s.searchInto(ctx, colMessages, allOf(cloneFilter(match), filter),
		bson.D{{Key: "subject", Value: 1}, {Key: "date", Value: 1}},
		bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// searchInto runs one capped, projected search query; filter is already
// scoped. Only the projected fields travel, so long texts stay in the engine.
func (s *Store) searchInto(ctx context.Context, col string, filter, fields, sort bson.D, out any) error {
	opts := coll.FindOptions{Projection: fields, Sort: sort, Limit: SearchLimit}
	if err := s.col(col).Find(ctx, filter, opts, out); err != nil {
		return wrap("search "+col, err)
	}
	return nil
}

// truncateRunes cuts s to at most n runes, marking the cut with an ellipsis.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// cloneFilter copies a filter so appending to it never writes into a shared array.
func cloneFilter(f bson.D) bson.D { return append(make(bson.D, 0, len(f)+2), f...) }
