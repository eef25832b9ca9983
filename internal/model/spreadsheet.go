package model

// SpreadsheetSafe prefixes a CSV cell that a spreadsheet would run as a
// formula (=, +, -, @, tab, CR first) with a quote, so it shows as text.
func SpreadsheetSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
