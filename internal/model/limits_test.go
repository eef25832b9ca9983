package model

import (
	"errors"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestTextLimitsAreWhatValidationChecks: each entry of TextLimits is the
// length validation accepts and one character more is refused on its field
// (counted in characters, as the web app counts them), so the limits the
// app shows are the server's.
func TestTextLimitsAreWhatValidationChecks(t *testing.T) {
	leg := func(l Legislator) *Stakeholder {
		return &Stakeholder{Kind: KindLegislator, Name: "Rosa", Regions: []string{"08"}, Stance: "unknown", Influence: "medium", Legislator: &l}
	}
	sh := func(s Stakeholder) *Stakeholder {
		s.Kind, s.Regions, s.Stance, s.Influence = KindPerson, []string{"08"}, "unknown", "medium"
		if s.Name == "" {
			s.Name = "Rosa"
		}
		return &s
	}
	meeting := func(in MeetingInput) *MeetingInput {
		in.StartsAt, in.DurationMin, in.Kind, in.Region = "2026-03-05T15:00:00Z", 60, "in_person", "08"
		if in.Summary == "" {
			in.Summary = "Resumen"
		}
		return &in
	}
	initiative := func(it Initiative) *Initiative {
		it.Kind, it.Region, it.Stage, it.StageOn, it.OwnerID = "bill", "08", "presented", "2026-03-01", bson.NewObjectID()
		if it.Title == "" {
			it.Title = "Ley contra la trata"
		}
		return &it
	}
	one := 1
	who := bson.NewObjectID()
	cases := map[string]struct {
		field    string
		validate func(s string) error
	}{
		"meeting.place":      {"place", func(s string) error { return meeting(MeetingInput{Place: s}).Validate() }},
		"meeting.summary":    {"summary", func(s string) error { return meeting(MeetingInput{Summary: s}).Validate() }},
		"meeting.agreements": {"agreements", func(s string) error { return meeting(MeetingInput{Agreements: s}).Validate() }},
		"meeting.next_steps": {"next_steps", func(s string) error { return meeting(MeetingInput{NextSteps: s}).Validate() }},
		"meeting.participant_role": {"participants[0].role", func(s string) error {
			return meeting(MeetingInput{Participants: []ParticipantInput{{StakeholderID: who, Role: s}}}).Validate()
		}},
		"commitment.text": {"text", func(s string) error {
			return (&CommitmentInput{StakeholderID: who, Text: s, Type: "legislative", Region: "08"}).Validate()
		}},
		"commitment.status_note":     {"note", func(s string) error { return (&StatusChangeInput{Status: StatusInProgress, Note: s}).Validate() }},
		"commitment.status_evidence": {"evidence", func(s string) error { return (&StatusChangeInput{Status: StatusInProgress, Evidence: s}).Validate() }},
		"task.title":                 {"title", func(s string) error { return (&TaskInput{Title: s}).Validate() }},
		"task.notes":                 {"notes", func(s string) error { return (&TaskInput{Title: "t", Notes: s}).Validate() }},
		"stakeholder.name":           {"name", func(s string) error { return sh(Stakeholder{Name: s}).Validate() }},
		"stakeholder.notes":          {"notes", func(s string) error { return sh(Stakeholder{Notes: s}).Validate() }},
		"stakeholder.phone":          {"phones[0]", func(s string) error { return sh(Stakeholder{Phones: []string{s}}).Validate() }},
		"stakeholder.tag":            {"tags[0]", func(s string) error { return sh(Stakeholder{Tags: []string{s}}).Validate() }},
		"stakeholder.relation_role": {"role", func(s string) error {
			return (&RelationshipInput{StakeholderID: who, Kind: "works_for", Role: s}).Validate(bson.NewObjectID())
		}},
		"legislator.party":     {"legislator.party", func(s string) error { return leg(Legislator{Chamber: "congress", Party: s}).Validate() }},
		"legislator.group":     {"legislator.parliamentary_group", func(s string) error { return leg(Legislator{Chamber: "congress", ParliamentaryGroup: s}).Validate() }},
		"legislator.committee": {"legislator.committees[0]", func(s string) error { return leg(Legislator{Chamber: "congress", Committees: []string{s}}).Validate() }},
		"training.topic": {"training.topics[0]", func(s string) error {
			in := meeting(MeetingInput{Training: &Training{Modality: "in_person", Audience: []AudienceCount{{Type: "police", Count: 3}}, Topics: []string{s}}})
			in.Kind = "training"
			return in.Validate()
		}},
		"message.notes":      {"notes", func(s string) error { return (&MessagePatch{Notes: &s, Version: &one}).Validate() }},
		"initiative.title":   {"title", func(s string) error { return initiative(Initiative{Title: s}).Validate() }},
		"initiative.number":  {"number", func(s string) error { return initiative(Initiative{Number: s}).Validate() }},
		"initiative.summary": {"summary", func(s string) error { return initiative(Initiative{Summary: s}).Validate() }},
		"initiative.url": {"url", func(s string) error {
			r := []rune(s) // a web address of as many characters as s
			return initiative(Initiative{URL: "https://example.pe/" + string(r[min(len(r), len("https://example.pe/")):])}).Validate()
		}},
		"initiative.stage_note": {"note", func(s string) error {
			return (&StageInput{Stage: "in_committee", On: "2026-03-01", Note: s}).Validate("bill", "presented", "2026-12-07")
		}},
	}
	for key, n := range TextLimits {
		tc, ok := cases[key]
		if !ok {
			t.Errorf("%s: no case proves the limit", key)
			continue
		}
		refused := func(s string) bool {
			var ve *ValidationError
			if err := tc.validate(s); errors.As(err, &ve) {
				for _, fe := range ve.Errors {
					if fe.Field == tc.field {
						return true
					}
				}
			} else if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			return false
		}
		// "ñ" is two bytes: the limit counts characters.
		if refused(strings.Repeat("ñ", n)) {
			t.Errorf("%s: %d characters refused on %s", key, n, tc.field)
		}
		if !refused(strings.Repeat("ñ", n+1)) {
			t.Errorf("%s: %d characters accepted on %s", key, n+1, tc.field)
		}
	}
}
