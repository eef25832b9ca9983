package report

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/alianza-pe/alianza/internal/words"
)

// AudienceCount is one audience's number of people in a summary, in the
// order it should read, with the women and men among them where recorded
// (0: not recorded).
type AudienceCount struct {
	Audience   string
	People     int
	Women, Men int
}

// numberESFem is NumberES before a feminine noun ("una persona", "una sesión").
func numberESFem(n int) string {
	if n == 1 {
		return "una"
	}
	return words.Number(n, words.ES)
}

// TrainingSummary is the funder sentence for the trainings report, e.g.
// "Capacitación virtual a 155 personas en dos sesiones: defensores públicos
// (85) y jueces (70)." / "Virtual training delivered to 155 people in two
// sessions: public defenders (85) and judges (70)." The modality is named
// only when every training of the period shared it.
func TrainingSummary(trainings, people int, modalities []string, audiences []AudienceCount) Summary {
	if trainings == 0 || people == 0 {
		return Summary{ES: "Sin capacitaciones en el periodo.", EN: "No trainings delivered in the period."}
	}
	es, en := "Capacitación", "Training"
	if len(modalities) == 1 {
		if l, ok := words.Modalities[modalities[0]]; ok {
			es += " " + l.ES
			en = l.EN + " training"
		}
	}
	var s Summary
	if people == 1 {
		s.ES = es + " a una persona"
		s.EN = en + " delivered to one person"
	} else {
		s.ES = es + " a " + words.Number(people, words.ES) + " personas"
		s.EN = en + " delivered to " + words.Number(people, words.EN) + " people"
	}
	if trainings == 1 {
		s.ES += " en una sesión"
		s.EN += " in one session"
	} else {
		s.ES += " en " + numberESFem(trainings) + " sesiones"
		s.EN += " in " + words.Number(trainings, words.EN) + " sessions"
	}
	if len(audiences) > 0 {
		list := audienceList(audiences)
		s.ES += ": " + list.ES
		s.EN += ": " + list.EN
	}
	s.ES += "."
	s.EN += "."
	return s
}

// PeriodPhrase names a period of Lima days (YYYY-MM-DD, both included) as a
// sentence opening: whole months by name ("De enero a marzo de 2026" / "From
// January to March 2026", "En marzo de 2026" / "In March 2026"), otherwise
// days ("Del 1 de enero al 15 de marzo de 2026" / "From 1 January to 15 March
// 2026"); the year is written once when both ends share it.
func PeriodPhrase(from, to string) Summary {
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return Summary{}
	}
	mES := func(d time.Time) string { return words.Month(int(d.Month()), words.ES) }
	mEN := func(d time.Time) string { return words.Month(int(d.Month()), words.EN) }
	sameYear := f.Year() == t.Year()
	sameMonth := sameYear && f.Month() == t.Month()
	if f.Day() == 1 && t.AddDate(0, 0, 1).Day() == 1 {
		switch {
		case sameMonth:
			return Summary{ES: fmt.Sprintf("En %s de %d", mES(t), t.Year()), EN: fmt.Sprintf("In %s %d", mEN(t), t.Year())}
		case sameYear:
			return Summary{ES: fmt.Sprintf("De %s a %s de %d", mES(f), mES(t), t.Year()),
				EN: fmt.Sprintf("From %s to %s %d", mEN(f), mEN(t), t.Year())}
		}
		return Summary{ES: fmt.Sprintf("De %s de %d a %s de %d", mES(f), f.Year(), mES(t), t.Year()),
			EN: fmt.Sprintf("From %s %d to %s %d", mEN(f), f.Year(), mEN(t), t.Year())}
	}
	switch {
	case f.Equal(t):
		return Summary{ES: fmt.Sprintf("El %d de %s de %d", t.Day(), mES(t), t.Year()),
			EN: fmt.Sprintf("On %d %s %d", t.Day(), mEN(t), t.Year())}
	case sameMonth:
		return Summary{ES: fmt.Sprintf("Del %d al %d de %s de %d", f.Day(), t.Day(), mES(t), t.Year()),
			EN: fmt.Sprintf("From %d to %d %s %d", f.Day(), t.Day(), mEN(t), t.Year())}
	case sameYear:
		return Summary{ES: fmt.Sprintf("Del %d de %s al %d de %s de %d", f.Day(), mES(f), t.Day(), mES(t), t.Year()),
			EN: fmt.Sprintf("From %d %s to %d %s %d", f.Day(), mEN(f), t.Day(), mEN(t), t.Year())}
	}
	return Summary{ES: fmt.Sprintf("Del %d de %s de %d al %d de %s de %d", f.Day(), mES(f), f.Year(), t.Day(), mES(t), t.Year()),
		EN: fmt.Sprintf("From %d %s %d to %d %s %d", f.Day(), mEN(f), f.Year(), t.Day(), mEN(t), t.Year())}
}

// WithPeriod opens a funder line with its period: "De enero a marzo de 2026,
// acuerdos con dos congresistas: Loreto (2)."
func WithPeriod(s Summary, from, to string) Summary {
	p := PeriodPhrase(from, to)
	if p.ES == "" {
		return s
	}
	// The period now says which period: "in the period" would repeat it.
	es := strings.NewReplacer(" en el periodo.", ".", " en el periodo:", ":").Replace(s.ES)
	en := strings.NewReplacer(" in the period.", ".", " in the period:", ":").Replace(s.EN)
	return Summary{ES: p.ES + ", " + lowerFirst(es), EN: p.EN + ", " + lowerFirst(en)}
}

// lowerFirst lowercases the first letter; every line starts with a common noun.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// audienceList is "jueces (70)" per audience, or "jueces (70: 40 mujeres y
// 30 hombres)" where women or men were recorded, joined as each language
// joins a list.
func audienceList(audiences []AudienceCount) Summary {
	in := func(l words.Lang) string {
		out := make([]string, len(audiences))
		for i, a := range audiences {
			var sexes []string
			if a.Women > 0 {
				sexes = append(sexes, fmt.Sprintf("%d %s", a.Women, map[words.Lang]string{words.ES: "mujeres", words.EN: "women"}[l]))
			}
			if a.Men > 0 {
				sexes = append(sexes, fmt.Sprintf("%d %s", a.Men, map[words.Lang]string{words.ES: "hombres", words.EN: "men"}[l]))
			}
			n := fmt.Sprint(a.People)
			if len(sexes) > 0 {
				n += ": " + words.Join(sexes, l)
			}
			out[i] = fmt.Sprintf("%s (%s)", words.Audiences.In(a.Audience, l), n)
		}
		return words.Join(out, l)
	}
	return Summary{ES: in(words.ES), EN: in(words.EN)}
}
