// Package calendar writes iCalendar (RFC 5545) documents, with
// arran4/golang-ical: a user's private feed of their meetings and due dates,
// and one meeting's event for download.
package calendar

import (
	"fmt"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/words"
	ics "github.com/arran4/golang-ical"
)

// Feed is what a calendar lists; PublicURL roots the links back to the app.
type Feed struct {
	Name        string
	Meetings    []model.Meeting
	Commitments []model.Commitment
	Tasks       []model.Task
	PublicURL   string
	Lang        words.Lang
	Now         time.Time
	// AlarmMin adds a reminder (VALARM) this many minutes before each
	// meeting; 0: none. Due dates are all-day events and get none.
	AlarmMin int
}

func (f *Feed) word(k string) string { return words.Calendar.In(k, f.Lang) }

// ICS serialises the feed: meetings as timed events (UTC), due dates as
// all-day events. UIDs are stable, so calendars update rather than
// duplicate, and so is the whole text while nothing changes (DTSTAMP is the
// record's last change), so its hash serves as an ETag. Lines end in CRLF
// as RFC 5545 requires, on every platform.
func (f *Feed) ICS() string {
	cal := ics.NewCalendarFor("Alianza")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(f.Name)
	cal.SetXWRCalName(f.Name)
	cal.SetXWRTimezone(model.Lima.String())
	// Subscribers (Google Calendar, Outlook) poll; ask for hourly.
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for i := range f.Meetings {
		f.addMeeting(cal, &f.Meetings[i])
	}
	for _, c := range f.Commitments {
		if c.DueOn == "" || model.IsFinal(c.Status) {
			continue
		}
		f.addDay(cal, "commitment-"+c.ID.Hex(), c.DueOn, f.word("commitment")+": "+c.StakeholderName+" – "+c.Text, c.Text, "/commitments/"+c.ID.Hex(), c.UpdatedAt)
	}
	for _, t := range f.Tasks {
		if t.DueOn == "" || t.Done {
			continue
		}
		f.addDay(cal, "task-"+t.ID.Hex(), t.DueOn, f.word("task")+": "+t.Title, t.Notes, "/", t.UpdatedAt)
	}
	return cal.Serialize(ics.WithNewLineWindows)
}

// Meeting is one meeting's calendar document.
func Meeting(m *model.Meeting, publicURL string, lang words.Lang, now time.Time) string {
	f := &Feed{Name: "Alianza", PublicURL: publicURL, Lang: lang, Now: now, Meetings: []model.Meeting{*m}}
	return f.ICS()
}

func (f *Feed) addMeeting(cal *ics.Calendar, m *model.Meeting) {
	e := cal.AddEvent("meeting-" + m.ID.Hex() + "@alianza")
	e.SetDtStampTime(f.stamp(m.UpdatedAt))
	e.SetModifiedAt(m.UpdatedAt)
	e.SetStartAt(m.StartsAt)
	e.SetEndAt(m.StartsAt.Add(time.Duration(max(m.DurationMin, 1)) * time.Minute))
	label := f.word("meeting")
	if m.Kind == model.KindTraining {
		label = f.word("training")
	}
	names := make([]string, 0, len(m.Participants))
	for _, p := range m.Participants {
		names = append(names, p.Name)
	}
	title := label + " – " + model.RegionName(m.Region)
	if len(names) > 0 {
		title = label + ": " + strings.Join(names, ", ")
	}
	e.SetSummary(title)
	if m.Place != "" {
		e.SetLocation(m.Place)
	}
	url := f.PublicURL + "/meetings/" + m.ID.Hex()
	e.SetDescription(strings.TrimSpace(m.Summary + "\n\n" + url))
	e.SetURL(url)
	if f.AlarmMin > 0 {
		a := e.AddAlarm()
		a.SetAction(ics.ActionDisplay)
		a.SetTrigger(fmt.Sprintf("-PT%dM", f.AlarmMin))
		a.SetDescription(title)
	}
}

// stamp is an event's DTSTAMP: when its record last changed (RFC 5545
// allows it in a published feed), so an unchanged feed is the same text;
// the feed's time for a record that has none.
func (f *Feed) stamp(modified time.Time) time.Time {
	if modified.IsZero() {
		return f.Now
	}
	return modified
}

func (f *Feed) addDay(cal *ics.Calendar, uid, day, title, desc, path string, modified time.Time) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return
	}
	e := cal.AddEvent(uid + "@alianza")
	e.SetDtStampTime(f.stamp(modified))
	if !modified.IsZero() {
		e.SetModifiedAt(modified)
	}
	e.SetAllDayStartAt(d)
	e.SetAllDayEndAt(d.AddDate(0, 0, 1))
	e.SetSummary(title)
	url := f.PublicURL + path
	e.SetDescription(strings.TrimSpace(desc + "\n\n" + url))
	e.SetURL(url)
	e.SetTimeTransparency(ics.TransparencyTransparent)
}
