package ui

import (
	_ "embed"
	"encoding/json"
	"strings"
)

// routesJSON is the app's list of client routes (src/routes.json), which
// src/app.tsx routes by: the one place both sides read.
//
//go:embed src/routes.json
var routesJSON []byte

// clientRoutes are the patterns of routesJSON, split into segments.
var clientRoutes = func() [][]string {
	var list []string
	if err := json.Unmarshal(routesJSON, &list); err != nil {
		panic("ui: src/routes.json: " + err.Error())
	}
	out := make([][]string, len(list))
	for i, p := range list {
		out[i] = segments(p)
	}
	return out
}()

// IsClientRoute reports whether path is a page of the app, like
// "/stakeholders/665f.../edit" for "/stakeholders/:id/edit"; the server
// answers index.html for those and 404 for any other path.
func IsClientRoute(path string) bool {
	segs := segments(path)
	for _, pattern := range clientRoutes {
		if matches(pattern, segs) {
			return true
		}
	}
	return false
}

func matches(pattern, segs []string) bool {
	if len(pattern) != len(segs) {
		return false
	}
	for i, p := range pattern {
		if !strings.HasPrefix(p, ":") && p != segs[i] {
			return false
		}
	}
	return true
}

// segments splits a path as the app's router does (empty parts dropped).
func segments(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
