package mailsync

import (
	"encoding/json"
	"os"
	"testing"
)

// TestReasonsHaveWording: the admin page shows a failed folder's reason in
// the reader's language (ui/src/i18n, sync_reason.*), so every reason the
// sync records has its wording in both languages.
func TestReasonsHaveWording(t *testing.T) {
	all := []string{ReasonUnknown}
	for _, r := range reasons {
		all = append(all, r.reason)
	}
	for _, lang := range []string{"es", "en"} {
		raw, err := os.ReadFile("../../ui/src/i18n/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var dict map[string]string
		if err := json.Unmarshal(raw, &dict); err != nil {
			t.Fatal(err)
		}
		for _, r := range all {
			if dict["sync_reason."+r] == "" {
				t.Errorf("%s: no wording for sync_reason.%s", lang, r)
			}
		}
	}
}
