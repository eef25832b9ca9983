package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The dashboards, twice: the ...Scan functions (reports_scan.go) count
// over the collections (finds with a projection, grouped and made distinct
// in Go: the collection interface has no aggregation), the reference the
// tests and benchmarks compare with; the functions here, which the API
// uses, read the counter documents (counters.go) because scans cost
// seconds on the embedded engine.

// Period is a report's range of Lima days, both ends included (YYYY-MM-DD).
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// DefaultPeriod is the last twelve calendar months including the current
// one: from the first day of the month eleven months ago to today, in Lima.
func DefaultPeriod(now time.Time) Period {
	t := now.In(model.Lima)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, model.Lima).AddDate(0, -11, 0)
	return Period{From: first.Format(time.DateOnly), To: t.Format(time.DateOnly)}
}

// MaxPeriodYears bounds a report's period.
const MaxPeriodYears = 20

// Validate checks both dates, their order and the period's length.
func (p Period) Validate() error {
	var pr model.Problems
	if !model.ValidDate(p.From) {
		pr.Add("from", "must be a date (YYYY-MM-DD)")
	}
	if !model.ValidDate(p.To) {
		pr.Add("to", "must be a date (YYYY-MM-DD)")
	}
	if len(pr) == 0 && p.From > p.To {
		pr.Add("to", "must not be before from")
	}
	if len(pr) == 0 {
		// A dashboard reads per month of the period: an unbounded period
		// (0001 to 9999) is a hundred thousand months.
		from, _ := time.Parse(time.DateOnly, p.From)
		if to, _ := time.Parse(time.DateOnly, p.To); !to.Before(from.AddDate(MaxPeriodYears, 0, 0)) {
			pr.Add("to", "must be less than %d years after from", MaxPeriodYears)
		}
	}
	return pr.Err()
}

// instants is the period as UTC times [from 00:00 Lima, the day after to 00:00 Lima).
func (p Period) instants() (time.Time, time.Time) {
	from, _ := time.ParseInLocation(time.DateOnly, p.From, model.Lima)
	to, _ := time.ParseInLocation(time.DateOnly, p.To, model.Lima)
	return from.UTC(), to.AddDate(0, 0, 1).UTC()
}

// dateRange is the condition from <= field <= to on a YYYY-MM-DD field.
func (p Period) dateRange() bson.D {
	return bson.D{{Key: "$gte", Value: p.From}, {Key: "$lte", Value: p.To}}
}

// StatusCount is the number of commitments of one region in one status.
type StatusCount struct {
	Region string `json:"region"`
	Status string `json:"status"`
	Count  int    `json:"count"`
}

// OwnerCount is the number of overdue commitments of one region and owner.
type OwnerCount struct {
	Region    string        `json:"region"`
	OwnerID   bson.ObjectID `json:"owner_id"`
	OwnerName string        `json:"owner_name"`
	Count     int           `json:"count"`
}

// MonthCount is the number of meetings of one region in one Lima month (YYYY-MM).
type MonthCount struct {
	Month  string `json:"month"`
	Region string `json:"region"`
	Count  int    `json:"count"`
}

// RegionCount is one region's number.
type RegionCount struct {
	Region string `json:"region"`
	Count  int    `json:"count"`
}

// sortStatusCounts orders by region, then statuses in the enum's order.
func sortStatusCounts(out []StatusCount) {
	slices.SortFunc(out, func(a, b StatusCount) int {
		if a.Region != b.Region {
			return compareStrings(a.Region, b.Region)
		}
		return slices.Index(model.CommitmentStatuses, a.Status) - slices.Index(model.CommitmentStatuses, b.Status)
	})
}

// ownerCounts turns region/owner-hex counts into rows with the owners' names
// (joined in Go), by region, most overdue first.
func (s *Store) ownerCounts(ctx context.Context, counts map[[2]string]int) ([]OwnerCount, error) {
	out := make([]OwnerCount, 0, len(counts))
	ids := make([]bson.ObjectID, 0, len(counts))
	for k, n := range counts {
		id, _ := bson.ObjectIDFromHex(k[1])
		out = append(out, OwnerCount{Region: k[0], OwnerID: id, Count: n})
		if !id.IsZero() {
			ids = append(ids, id)
		}
	}
	users, err := s.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].OwnerName = users[out[i].OwnerID].Name
	}
	slices.SortFunc(out, func(a, b OwnerCount) int {
		if a.Region != b.Region {
			return compareStrings(a.Region, b.Region)
		}
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return compareStrings(a.OwnerName, b.OwnerName)
	})
	return out, nil
}

func sortMonthCounts(out []MonthCount) {
	slices.SortFunc(out, func(a, b MonthCount) int {
		if a.Month != b.Month {
			return compareStrings(a.Month, b.Month)
		}
		return compareStrings(a.Region, b.Region)
	})
}

// regionCounts turns a map into rows, largest first, then by region code.
func regionCounts(m map[string]int) []RegionCount {
	out := make([]RegionCount, 0, len(m))
	for r, n := range m {
		out = append(out, RegionCount{Region: r, Count: n})
	}
	slices.SortFunc(out, func(a, b RegionCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return compareStrings(a.Region, b.Region)
	})
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// months lists the YYYY-MM months the period touches.
func (p Period) months() map[string]bool {
	from, _ := time.Parse(time.DateOnly, p.From)
	to, _ := time.Parse(time.DateOnly, p.To)
	out := map[string]bool{}
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		out[m.Format("2006-01")] = true
	}
	return out
}

// CommitmentsByRegion counts commitments made in the period by region and
// status (from the counter documents).
func (s *Store) CommitmentsByRegion(ctx context.Context, scope model.Scope, p Period) ([]StatusCount, error) {
	r, err := s.counters(ctx)
	if err != nil {
		return nil, err
	}
	return r.commitmentsByRegion(scope, p)
}

func (r *counterReader) commitmentsByRegion(scope model.Scope, p Period) ([]StatusCount, error) {
	counts := map[[2]string]int{}
	err := r.read("c", []string{"s"}, scope, p, func(_, region string, rest []string, n int) {
		if len(rest) >= 1 {
			counts[[2]string{region, rest[0]}] += n
		}
	})
	if err != nil {
		return nil, err
	}
	out := make([]StatusCount, 0, len(counts))
	for k, n := range counts {
		if n > 0 {
			out = append(out, StatusCount{Region: k[0], Status: k[1], Count: n})
		}
	}
	sortStatusCounts(out)
	return out, nil
}

// OverdueByOwner counts overdue commitments (due before today in Lima, status
// not final) whose due date falls in the period, by region and owner, with
// the owners' names (from the counter documents).
func (s *Store) OverdueByOwner(ctx context.Context, scope model.Scope, p Period) ([]OwnerCount, error) {
	r, err := s.counters(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[[2]string]int{}
	// Overdue is due before today: the period ends yesterday at the latest,
	// so that the months before today's can be read from their views.
	if yesterday := model.Today(s.Now().AddDate(0, 0, -1)); yesterday < p.To {
		p.To = yesterday
	}
	if p.From <= p.To {
		err = r.read("d", []string{"r"}, scope, p, func(_, region string, rest []string, n int) {
			if len(rest) >= 1 {
				counts[[2]string{region, rest[0]}] += n
			}
		})
		if err != nil {
			return nil, err
		}
	}
	for k, n := range counts {
		if n <= 0 {
			delete(counts, k)
		}
	}
	return s.ownerCounts(ctx, counts)
}

// MeetingsPerMonth counts meetings that start in the period by Lima month
// and region (from the counter documents).
func (s *Store) MeetingsPerMonth(ctx context.Context, scope model.Scope, p Period) ([]MonthCount, error) {
	r, err := s.counters(ctx)
	if err != nil {
		return nil, err
	}
	return r.meetingsPerMonth(scope, p)
}

func (r *counterReader) meetingsPerMonth(scope model.Scope, p Period) ([]MonthCount, error) {
	counts := map[[2]string]int{}
	err := r.read("m", []string{"r"}, scope, p, func(date, region string, _ []string, n int) {
		counts[[2]string{date[:7], region}] += n
	})
	if err != nil {
		return nil, err
	}
	out := make([]MonthCount, 0, len(counts))
	for k, n := range counts {
		if n > 0 {
			out = append(out, MonthCount{Month: k[0], Region: k[1], Count: n})
		}
	}
	sortMonthCounts(out)
	return out, nil
}

// ActiveCommittees counts the oversight committees (not archived) with at
// least one meeting or commitment in the period, per committee region; the
// committee, the meeting and the commitment must all be in scope (from the
// counter documents).
func (s *Store) ActiveCommittees(ctx context.Context, scope model.Scope, p Period) ([]RegionCount, error) {
	r, err := s.counters(ctx)
	if err != nil {
		return nil, err
	}
	type committee struct {
		region   string
		archived bool
	}
	reg, has, err := registryByMember(r, "committees", func(entry string) committee {
		region, archived, _ := strings.Cut(entry, "|")
		return committee{region: region, archived: archived == "true"}
	})
	if err != nil {
		return nil, err
	}
	committed, err := r.tallyMembers("c", "k", model.KindOversightCommittee, commitmentMember(model.KindOversightCommittee), keepAny, scope, p)
	if err != nil {
		return nil, err
	}
	met, err := r.tallyMembers("p", "r", "committee", committeeMember, keepAny, scope, p)
	if err != nil {
		return nil, err
	}
	active := committed.set
	active.or(met.set)
	perRegion := map[string]int{}
	active.each(func(m int32) {
		if int(m) < len(has) && has[m] && !reg[m].archived && scope.Allows(reg[m].region) {
			perRegion[reg[m].region]++
		}
	})
	return regionCounts(perRegion), nil
}
