package notify

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/alianza-pe/alianza/internal/model"
	"github.com/alianza-pe/alianza/internal/words"
)

// Horizon is how many days ahead a digest of the frequency looks.
func Horizon(freq string) int {
	if freq == model.DigestWeekly {
		return 7
	}
	return AppHorizon
}

// PeriodKey names the period a digest of freq covers at now, in Lima:
// "daily/2026-11-29" or "weekly/2026-W48" (ISO week).
func PeriodKey(freq string, now time.Time) string {
	t := now.In(model.Lima)
	if freq == model.DigestWeekly {
		y, w := t.ISOWeek()
		return fmt.Sprintf("weekly/%d-W%02d", y, w)
	}
	return "daily/" + t.Format(time.DateOnly)
}

// dueKinds are the notifications a digest lists.
var dueKinds = []string{KindOverdue, KindDueToday, KindDueSoon}

// regionGroup is a region's items in a digest: overdue first, then by due date.
type regionGroup struct {
	Name  string
	Items []digestLine
}

type digestLine struct {
	Label, Title, Due, URL string
}

func word(key string, lang words.Lang) string { return words.Digest.In(key, lang) }

// Subject is the digest's subject line, e.g. "Alianza: 2 vencidos y 3 por
// vencer" / "Alianza: 2 overdue and 3 coming due".
func Subject(items []Item, lang words.Lang) string {
	over, soon := 0, 0
	for _, it := range items {
		if it.Kind == KindOverdue {
			over++
		} else {
			soon++
		}
	}
	if lang == words.ES {
		var parts []string
		if over > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", over, plural(over, "vencido", "vencidos")))
		}
		if soon > 0 {
			parts = append(parts, fmt.Sprintf("%d por vencer", soon))
		}
		return "Alianza: " + words.Join(parts, words.ES)
	}
	var parts []string
	if over > 0 {
		parts = append(parts, fmt.Sprintf("%d overdue", over))
	}
	if soon > 0 {
		parts = append(parts, fmt.Sprintf("%d coming due", soon))
	}
	return "Alianza: " + words.Join(parts, words.EN)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// DueItems keeps the items a digest lists.
func DueItems(items []Item) []Item {
	out := []Item{}
	for _, it := range items {
		if slices.Contains(dueKinds, it.Kind) {
			out = append(out, it)
		}
	}
	return out
}

// Build writes a user's digest in their language: one section per region
// (in region name order), each item with its state, due date and a link;
// unsubscribe, when set, is the one-click link that turns the digest off
// (in the footer and the List-Unsubscribe header).
func Build(u *model.User, lang words.Lang, items []Item, publicURL, unsubscribe string) Mail {
	publicURL = strings.TrimRight(publicURL, "/")
	groups := map[string]*regionGroup{}
	for _, it := range items {
		name := regionLabel(it.Region, lang)
		g := groups[name]
		if g == nil {
			g = &regionGroup{Name: name}
			groups[name] = g
		}
		g.Items = append(g.Items, digestLine{Label: word(it.Kind, lang) + " · " + word(it.Entity, lang), Title: it.Title,
			Due: it.DueOn, URL: publicURL + it.Path})
	}
	names := make([]string, 0, len(groups))
	for n := range groups {
		names = append(names, n)
	}
	slices.Sort(names)
	var ordered []regionGroup
	for _, n := range names {
		g := groups[n]
		slices.SortStableFunc(g.Items, func(a, b digestLine) int { return strings.Compare(a.Due, b.Due) })
		ordered = append(ordered, *g)
	}
	name := u.Name
	if name == "" {
		name = u.Email
	}
	intro := fmt.Sprintf(word("intro", lang), name)
	footer := fmt.Sprintf(word("footer", lang), publicURL+"/profile")
	if unsubscribe != "" {
		footer += " " + fmt.Sprintf(word("unsubscribe", lang), unsubscribe)
	}
	var text strings.Builder
	text.WriteString(intro + "\n")
	for _, g := range ordered {
		text.WriteString("\n" + g.Name + "\n" + strings.Repeat("-", len([]rune(g.Name))) + "\n")
		for _, l := range g.Items {
			fmt.Fprintf(&text, "- %s: %s (%s %s)\n  %s\n", l.Label, l.Title, word("due", lang), l.Due, l.URL)
		}
	}
	text.WriteString("\n" + footer + "\n")
	var html bytes.Buffer
	_ = digestHTML.Execute(&html, map[string]any{"Lang": lang, "Intro": intro, "Groups": ordered, "Footer": footer, "Due": word("due", lang)})
	return Mail{To: u.Email, Subject: Subject(items, lang), Text: text.String(), HTML: html.String(), Unsubscribe: unsubscribe}
}

func regionLabel(code string, lang words.Lang) string {
	if code == "" {
		return word("no_region", lang)
	}
	return words.RegionName(code, lang)
}

// digestHTML escapes every value (titles are user text).
var digestHTML = template.Must(template.New("digest").Parse(`<!doctype html>
<html lang="{{.Lang}}"><body style="font-family:sans-serif">
<p>{{.Intro}}</p>
{{range .Groups}}<h2 style="font-size:1.1em">{{.Name}}</h2>
<ul>{{range .Items}}<li><strong>{{.Label}}</strong>: <a href="{{.URL}}">{{.Title}}</a> ({{$.Due}} {{.Due}})</li>{{end}}</ul>
{{end}}<p style="color:#555;font-size:.9em">{{.Footer}}</p>
</body></html>`))
