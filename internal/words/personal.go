package words

// PersonalPage is the personal-data page's wording in l by key, with its
// language under "lang", for the page's template.
func PersonalPage(l Lang) map[string]string {
	out := map[string]string{"lang": string(l)}
	for k, w := range personalPage {
		out[k] = w.In(l)
	}
	return out
}
