package store

// SetCreateFailpoint makes the named step of CreateMeeting ("commitments",
// "tasks" or "meeting") or of CommitImport ("import-merge") fail with err
// while the test runs.
func SetCreateFailpoint(t interface{ Cleanup(func()) }, step string, err error) {
	createFailpoint = func(s string) error {
		if s == step {
			return err
		}
		return nil
	}
	t.Cleanup(func() { createFailpoint = nil })
}

// OnCreateStep calls f at each step SetCreateFailpoint names, for a child
// process that kills itself there.
func OnCreateStep(f func(step string)) {
	createFailpoint = func(s string) error { f(s); return nil }
}
