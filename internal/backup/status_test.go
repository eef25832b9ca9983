package backup

import (
	"errors"
	"testing"
	"time"
)

// TestStatusKeepsLastSuccess: a failed backup replaces the status but not
// the time of the last success, which the metrics alert on.
func TestStatusKeepsLastSuccess(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	steps := []struct {
		at     time.Time
		err    error
		wantOK time.Time
	}{
		{t0, errors.New("disk full"), time.Time{}},
		{t0.Add(time.Hour), nil, t0.Add(time.Hour)},
		{t0.Add(2 * time.Hour), errors.New("disk full"), t0.Add(time.Hour)},
		{t0.Add(3 * time.Hour), errors.New("disk full"), t0.Add(time.Hour)},
		{t0.Add(4 * time.Hour), nil, t0.Add(4 * time.Hour)},
	}
	for i, s := range steps {
		if err := SaveStatus(dir, StatusOf(s.at, Result{}, s.err)); err != nil {
			t.Fatal(err)
		}
		st, ok, err := LoadStatus(dir)
		if err != nil || !ok {
			t.Fatalf("step %d: %v %v", i, ok, err)
		}
		if !st.LastOKAt.Equal(s.wantOK) || st.OK != (s.err == nil) {
			t.Errorf("step %d: ok %v, last success %v, want %v", i, st.OK, st.LastOKAt, s.wantOK)
		}
	}
}
