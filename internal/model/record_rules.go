package model

import "time"

// The rules of a stored record, for records built elsewhere (the demo and
// reference datasets) rather than from an input: the field rules of the
// inputs' Validate, plus what the workflows set when they build a record
// (a version, a status with its history, the participants' names). That
// referenced records exist is the caller's check.

// Validate checks a built meeting's fields.
func (m *Meeting) Validate() error {
	var p Problems
	startsAt := ""
	if !m.StartsAt.IsZero() {
		startsAt = m.StartsAt.Format(time.RFC3339)
	}
	validateMeetingFields(&p, startsAt, m.DurationMin, m.Kind, m.Region, m.Place, m.Topics, m.Summary, m.Agreements, m.NextSteps)
	ins := make([]ParticipantInput, len(m.Participants))
	for i, x := range m.Participants {
		ins[i] = ParticipantInput{StakeholderID: x.StakeholderID, Role: x.Role}
		if x.Name == "" {
			p.Add("participants["+itoa(i)+"].name", "is required")
		}
	}
	validateParticipants(&p, ins)
	validateIDList(&p, "staff_ids", m.StaffIDs)
	validateTraining(&p, m.Kind, m.Training)
	checkBuilt(&p, m.ID.IsZero(), m.Version)
	return p.Err()
}

// Validate checks a built commitment's fields and that its status is the
// last of its history.
func (c *Commitment) Validate() error {
	var p Problems
	if c.StakeholderID.IsZero() {
		p.Add("stakeholder_id", "is required")
	}
	validateCommitmentFields(&p, c.Text, c.Type, c.Region, c.MadeOn, c.DueOn, c.NextFollowUpOn)
	if !ValidRegion(c.Region) {
		p.Add("region", "must be a known region code")
	}
	if !ValidDate(c.MadeOn) {
		p.Add("made_on", "must be a date (YYYY-MM-DD)")
	}
	if !CommitmentStatuses.Valid(c.Status) {
		p.Add("status", "must be one of %s", CommitmentStatuses)
	}
	if len(c.History) == 0 || c.History[len(c.History)-1].Status != c.Status {
		p.Add("history", "must end with the commitment's status")
	}
	if c.Origin != nil && (!OriginKinds.Valid(c.Origin.Kind) || c.Origin.ID.IsZero()) {
		p.Add("origin", "must name a meeting or message by id")
	}
	checkBuilt(&p, c.ID.IsZero(), c.Version)
	return p.Err()
}

// Validate checks a built task's fields.
func (t *Task) Validate() error {
	var p Problems
	validateTaskFields(&p, t.Title, t.DueOn, t.Notes)
	if !ValidRegion(t.Region) {
		p.Add("region", "must be a known region code")
	}
	checkBuilt(&p, t.ID.IsZero(), t.Version)
	return p.Err()
}

// checkBuilt checks what every built record has: an id and a version.
func checkBuilt(p *Problems, noID bool, version int) {
	if noID {
		p.Add("id", "is required")
	}
	if version < 1 {
		p.Add("version", "must be at least 1")
	}
}
