// Package ui embeds the built single-page app so the Go binary can serve it.
package ui

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// DistFS returns the built app rooted at dist/ (index.html at the top).
func DistFS() (fs.FS, error) {
	return fs.Sub(dist, "dist")
}
