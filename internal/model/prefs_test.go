package model

import (
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestPrefsPatch(t *testing.T) {
	str := func(s string) *string { return &s }
	ptr := func(n int) *int { return &n }
	tests := []struct {
		name   string
		p      PrefsPatch
		fields []string
		digest string
		lang   string
	}{
		{"nothing", PrefsPatch{}, nil, DigestOff, "es"},
		{"weekly, trimmed", PrefsPatch{Digest: str(" weekly "), MailServer: true}, nil, DigestWeekly, "es"},
		{"daily without a mail server", PrefsPatch{Digest: str("daily")}, []string{"digest"}, "", ""},
		{"off without a mail server", PrefsPatch{Digest: str("off")}, nil, DigestOff, "es"},
		{"english", PrefsPatch{Lang: str("en")}, nil, DigestOff, "en"},
		{"unknown digest", PrefsPatch{Digest: str("hourly")}, []string{"digest"}, "", ""},
		{"both wrong", PrefsPatch{Digest: str(""), Lang: str("fr")}, []string{"digest", "lang"}, "", ""},
		{"calendar alarm", PrefsPatch{CalendarAlarmMin: ptr(30)}, nil, DigestOff, "es"},
		{"no calendar alarm", PrefsPatch{CalendarAlarmMin: ptr(0)}, nil, DigestOff, "es"},
		{"negative calendar alarm", PrefsPatch{CalendarAlarmMin: ptr(-1)}, []string{"calendar_alarm_min"}, "", ""},
		{"calendar alarm over a week", PrefsPatch{CalendarAlarmMin: ptr(MaxCalendarAlarmMin + 1)}, []string{"calendar_alarm_min"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if got := problemFields(err); !slices.Equal(got, tt.fields) {
				t.Fatalf("problems %v, want %v", got, tt.fields)
			}
			if err != nil {
				return
			}
			p := DefaultPrefs(bson.NewObjectID())
			tt.p.Apply(p)
			if p.Digest != tt.digest || p.Lang != tt.lang || (tt.p.CalendarAlarmMin != nil && p.CalendarAlarmMin != *tt.p.CalendarAlarmMin) {
				t.Fatalf("applied: %+v", p)
			}
		})
	}
}
