package model

import (
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Digest frequencies.
const (
	DigestOff    = "off"
	DigestDaily  = "daily"
	DigestWeekly = "weekly"
)

// Enums of user settings.
var (
	DigestFrequencies = registerEnum("digest_frequencies", Enum{DigestOff, DigestDaily, DigestWeekly})
	Languages         = registerEnum("languages", Enum{"es", "en"})
)

// Prefs are the settings a user changes for themself: the email digest
// (off by default), the language of what is sent to them, when they last
// looked at their notifications, and their calendar feed token (hashed).
type Prefs struct {
	UserID        bson.ObjectID `bson:"_id" json:"-"`
	Digest        string        `bson:"digest" json:"digest"`
	Lang          string        `bson:"lang" json:"lang"`
	SeenAt        time.Time     `bson:"seen_at,omitempty" json:"-"`
	CalendarHash  string        `bson:"calendar_hash,omitempty" json:"-"`
	CalendarSince *time.Time    `bson:"calendar_since,omitempty" json:"-"`
	// CalendarAlarmMin is how many minutes before each meeting the feed's
	// reminder (VALARM) rings; 0: no reminder.
	CalendarAlarmMin int       `bson:"calendar_alarm_min,omitempty" json:"calendar_alarm_min"`
	UpdatedAt        time.Time `bson:"updated_at" json:"-"`
}

// DefaultPrefs are the settings of a user who never changed any.
func DefaultPrefs(userID bson.ObjectID) *Prefs {
	return &Prefs{UserID: userID, Digest: DigestOff, Lang: "es"}
}

// PrefsPatch is the part of PATCH /me a user may send about their settings.
type PrefsPatch struct {
	Digest           *string `json:"digest,omitempty"`
	Lang             *string `json:"lang,omitempty"`
	CalendarAlarmMin *int    `json:"calendar_alarm_min,omitempty"`
	// MailServer says whether this server can send mail; set by the caller
	// from its configuration, never from the body. Without one a digest
	// would never arrive, so asking for it is refused.
	MailServer bool `json:"-"`
}

// MaxCalendarAlarmMin is the earliest reminder before a meeting: a week.
const MaxCalendarAlarmMin = 7 * 24 * 60

// Validate trims and checks the fields that are set.
func (p *PrefsPatch) Validate() error {
	var pr Problems
	if p.Digest != nil {
		*p.Digest = strings.TrimSpace(*p.Digest)
		switch {
		case !DigestFrequencies.Valid(*p.Digest):
			pr.Add("digest", "must be one of %s", DigestFrequencies)
		case *p.Digest != DigestOff && !p.MailServer:
			pr.Add("digest", "no mail server is configured, so no digest can be sent")
		}
	}
	if p.Lang != nil {
		*p.Lang = strings.TrimSpace(*p.Lang)
		if !Languages.Valid(*p.Lang) {
			pr.Add("lang", "must be one of %s", Languages)
		}
	}
	if p.CalendarAlarmMin != nil && (*p.CalendarAlarmMin < 0 || *p.CalendarAlarmMin > MaxCalendarAlarmMin) {
		pr.Add("calendar_alarm_min", "must be from 0 (no reminder) to %d minutes", MaxCalendarAlarmMin)
	}
	return pr.Err()
}

// Apply sets the fields given.
func (p *PrefsPatch) Apply(to *Prefs) {
	if p.Digest != nil {
		to.Digest = *p.Digest
	}
	if p.Lang != nil {
		to.Lang = *p.Lang
	}
	if p.CalendarAlarmMin != nil {
		to.CalendarAlarmMin = *p.CalendarAlarmMin
	}
}
