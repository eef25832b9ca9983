package model

import (
	"errors"
	"strings"
	"testing"
)

func TestTrainingValidation(t *testing.T) {
	valid := func() *Training {
		return &Training{Modality: "virtual", Audience: []AudienceCount{{Type: "public_defenders", Count: 85}, {Type: "judges", Count: 70}}}
	}
	tests := []struct {
		name   string
		kind   string
		tr     func() *Training
		fields []string // every field reported, in order; none when valid
	}{
		{"valid training", KindTraining, valid, nil},
		{"training without audience record", KindTraining, func() *Training { return nil }, []string{"training"}},
		{"training on a call", "call", valid, []string{"training"}},
		{"call without training", "call", func() *Training { return nil }, nil},
		{"bad modality", KindTraining, func() *Training { x := valid(); x.Modality = "radio"; return x }, []string{"training.modality"}},
		{"no audience", KindTraining, func() *Training { x := valid(); x.Audience = nil; return x }, []string{"training.audience"}},
		{"unknown audience, zero and huge counts", KindTraining, func() *Training {
			x := valid()
			x.Audience = []AudienceCount{{Type: "teachers", Count: 3}, {Type: "judges", Count: 0}, {Type: "police", Count: MaxAudienceCount + 1}}
			return x
		}, []string{"training.audience[0].type", "training.audience[1].count", "training.audience[2].count"}},
		{"audience twice", KindTraining, func() *Training {
			x := valid()
			x.Audience = append(x.Audience, AudienceCount{Type: "judges", Count: 1})
			return x
		}, []string{"training.audience[2].type"}},
		{"long topic", KindTraining, func() *Training { x := valid(); x.Topics = []string{strings.Repeat("a", 201)}; return x }, []string{"training.topics[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := MeetingInput{StartsAt: "2026-03-05T15:00:00Z", DurationMin: 120, Kind: tt.kind, Region: "08", Training: tt.tr()}
			in.Normalize()
			var got []string
			var v *ValidationError
			if err := in.Validate(); errors.As(err, &v) {
				for _, f := range v.Errors {
					got = append(got, f.Field)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Fatalf("fields %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestTrainingPatch(t *testing.T) {
	m := Meeting{Kind: KindTraining, Region: "08", DurationMin: 60,
		Training: &Training{Modality: "virtual", Audience: []AudienceCount{{Type: "judges", Count: 5}}}}
	call := "call"
	got, err := (&MeetingPatch{Kind: &call}).Apply(m)
	if err != nil || got.Training != nil {
		t.Fatalf("to a call: %+v %v", got.Training, err)
	}
	// A training logged before audiences were counted stays editable.
	legacy := Meeting{Kind: KindTraining, Region: "08", DurationMin: 60}
	place := "Iquitos"
	if _, err := (&MeetingPatch{Place: &place}).Apply(legacy); err != nil {
		t.Fatalf("legacy training: %v", err)
	}
	bad := Training{Modality: "virtual"}
	if _, err := (&MeetingPatch{Training: &bad}).Apply(legacy); err == nil {
		t.Fatal("an empty audience was accepted")
	}
}
