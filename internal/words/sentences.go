package words

import (
	"strconv"
	"strings"

	"github.com/alianza-pe/alianza/internal/model"
)

// Number writes 0..10 as a word ("uno" becomes "un" before a Spanish noun,
// which the caller handles) and larger numbers as digits.
func Number(n int, l Lang) string {
	if n >= 0 && n < len(numbers) {
		return numbers[n].In(l)
	}
	return strconv.Itoa(n)
}

// Join joins items the way l does, without the Oxford comma: "a", "a y b",
// "a, b y c" / "a, b and c". The Spanish conjunction becomes "e" before a
// word starting with the sound /i/ ("Lima e Ica"), but not before
// "hie"/"hia" (diphthongs: "agua y hielo").
func Join(items []string, l Lang) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	last := items[len(items)-1]
	and := "and"
	if l != EN {
		and = conjunctionES(last)
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + and + " " + last
}

func conjunctionES(next string) string {
	w := strings.ToLower(next)
	w = strings.NewReplacer("í", "i", "Í", "i").Replace(w)
	if strings.HasPrefix(w, "hie") || strings.HasPrefix(w, "hia") {
		return "y"
	}
	if strings.HasPrefix(w, "i") || strings.HasPrefix(w, "hi") {
		return "e"
	}
	return "y"
}

// RegionName is the region's name in running text in l.
func RegionName(code string, l Lang) string {
	if code == model.National {
		return Phrases.In("national", l)
	}
	return model.RegionName(code)
}

// Month is month m (1..12) by name in l.
func Month(m int, l Lang) string { return months[m-1].In(l) }
