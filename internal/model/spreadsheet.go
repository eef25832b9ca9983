package model

import "strings"

// SpreadsheetSafe defuses spreadsheet formulas in cells that came from users:
// a cell a spreadsheet would run (= + - @, tab, CR first) gets a leading
// quote, unless it is only a number or a phone number ("+51 984 123 456",
// "-3"), which cannot call anything and must read as written.
func SpreadsheetSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if !numberLike(s) {
			return "'" + s
		}
	}
	return s
}

// numberLike reports whether s holds only digits and the signs, spaces,
// dots, slashes and brackets of numbers and phone numbers, with a digit.
func numberLike(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune("+-()./ ", r):
		default:
			return false
		}
	}
	return digit
}
