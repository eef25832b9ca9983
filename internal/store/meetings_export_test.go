package store

// SetCreateFailpoint makes the named step of CreateMeeting ("commitments",
// "tasks" or "meeting") fail with err while the test runs.
func SetCreateFailpoint(t interface{ Cleanup(func()) }, step string, err error) {
	createFailpoint = func(s string) error {
		if s == step {
			return err
		}
		return nil
	}
	t.Cleanup(func() { createFailpoint = nil })
}
