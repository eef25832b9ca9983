package model

// cleanList applies norm to each value and drops the empty and repeated
// ones, keeping the order of first appearance (never nil).
func cleanList(in []string, norm func(string) string) []string {
	out := make([]string, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, v := range in {
		v = norm(v)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// distinct drops repeated values, keeping the first of each (never nil).
func distinct[T comparable](in []T) []T {
	out := make([]T, 0, len(in))
	seen := make(map[T]bool, len(in))
	for _, v := range in {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
