package backup

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// statusName is the file in the data folder that remembers the last backup,
// written by `alianza backup` and by the server's scheduled backups alike.
const statusName = "backup-status.json"

// Status is the outcome of the last backup.
type Status struct {
	At         time.Time `json:"at"`
	File       string    `json:"file,omitempty"`
	Size       int64     `json:"size"`
	OK         bool      `json:"ok"`
	Error      string    `json:"error,omitempty"`
	DurationMS int64     `json:"duration_ms"`
	Documents  int64     `json:"documents"`
	// LastOKAt is when the last successful backup was taken: At when OK,
	// else carried over from the status it replaces (metrics alert on it).
	LastOKAt time.Time `json:"last_ok_at,omitzero"`
}

// StatusOf builds the status of a backup attempt.
func StatusOf(at time.Time, res Result, err error) Status {
	st := Status{At: at.UTC(), File: res.Path, Size: res.Size, OK: err == nil, DurationMS: res.Duration.Milliseconds(), Documents: res.Manifest.Documents()}
	if err != nil {
		st.Error = err.Error()
	}
	return st
}

// SaveStatus records st in the data folder, keeping the time of the last
// success across failures.
func SaveStatus(dataDir string, st Status) error {
	if st.OK {
		st.LastOKAt = st.At
	} else if prev, ok, _ := LoadStatus(dataDir); ok {
		st.LastOKAt = prev.LastOKAt
		if prev.OK && prev.LastOKAt.IsZero() { // written before LastOKAt existed
			st.LastOKAt = prev.At
		}
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dataDir, statusName), b, 0o600); err != nil {
		return fmt.Errorf("backup: save status: %w", err)
	}
	return nil
}

// LoadStatus reads the last backup's status; ok is false when none was recorded.
func LoadStatus(dataDir string) (st Status, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dataDir, statusName))
	if errors.Is(err, os.ErrNotExist) {
		return Status{}, false, nil
	}
	if err != nil {
		return Status{}, false, fmt.Errorf("backup: read status: %w", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return Status{}, false, fmt.Errorf("backup: read status: %w", err)
	}
	return st, true, nil
}

// Scheduled backups are named alianza-<UTC time>.tar.gz so that names sort
// by age.
const (
	scheduledPrefix = "alianza-"
	scheduledSuffix = ".tar.gz"
	// A temporary file older than this was left by a killed backup.
	staleAfter = 24 * time.Hour
)

// ScheduledName is the file name of a scheduled backup taken at t.
func ScheduledName(t time.Time) string {
	return scheduledPrefix + t.UTC().Format("20060102T150405Z") + scheduledSuffix
}

// Prune keeps the newest keep scheduled backups in dir, removes the older
// ones and the temporary files that killed backups left behind. It returns
// the names removed.
func Prune(dir string, keep int, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("backup: prune: %w", err)
	}
	var backups, removed []string
	var errs []error
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir():
		case strings.HasPrefix(name, scheduledPrefix) && strings.HasSuffix(name, scheduledSuffix):
			backups = append(backups, name)
		case strings.HasPrefix(name, "."+scheduledPrefix) && (strings.HasSuffix(name, ".partial") || strings.HasSuffix(name, ".sqlite")):
			if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > staleAfter {
				if err := os.Remove(filepath.Join(dir, name)); err != nil {
					errs = append(errs, err)
				} else {
					removed = append(removed, name)
				}
			}
		}
	}
	slices.Sort(backups)
	for len(backups) > keep {
		if err := os.Remove(filepath.Join(dir, backups[0])); err != nil {
			errs = append(errs, err)
		} else {
			removed = append(removed, backups[0])
		}
		backups = backups[1:]
	}
	return removed, errors.Join(errs...)
}
