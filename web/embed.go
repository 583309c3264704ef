// Package web carries the back office (a Vite build of web/src) into halod. The build lands in
// static/app, which is not committed: a plain `go build` on a fresh clone embeds only
// static/fallback.html, a page that says how to build the UI.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:static
var files embed.FS

// Files is the embedded site: static/app when it was built, else the fallback page alone.
func Files() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}
