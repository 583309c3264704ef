// Package cypher holds every Cypher statement Halo runs, one per .cypher file, embedded into the
// binary. Statements take parameters only; no Go code builds Cypher from strings.
//
// migrations/NNNN_name.cypher are schema steps applied once each, in order, at start-up.
// queries/<subdomain>/<subject>_<action>.cypher are the statements the Neo4j store runs, one
// folder per subdomain of graph/ (genealogy, sales, payouts, identity, field, dashboards,
// platform, and audit for the kernel's audit log), looked up with MustQuery("<subdomain>/<name>").
//
// parts/<subdomain>/<name>.cypher are reads that several queries make alike (a member's status
// changes, services, field enablement): a query line "//+ <subdomain>/<name>" stands for that
// part, so one query can read what another subdomain's reads also read (a dashboard in one
// round trip) without a second copy of it.
package cypher

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed migrations/*.cypher queries/*/*.cypher parts/*/*.cypher
var files embed.FS

// Migration is one schema step.
type Migration struct {
	ID        string // file name without extension, e.g. "0001_member_id"
	Statement string
}

// Migrations returns every migration in order.
func Migrations() []Migration {
	entries, err := fs.ReadDir(files, "migrations")
	if err != nil {
		panic(err)
	}
	var out []Migration
	for _, e := range entries {
		b, err := files.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			panic(err)
		}
		out = append(out, Migration{ID: strings.TrimSuffix(e.Name(), ".cypher"), Statement: clean(string(b))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// MustQuery returns the statement in queries/<subdomain>/<name>.cypher; it panics at package initialisation
// of the caller when the file is missing, so a typo never reaches production.
func MustQuery(name string) string {
	b, err := files.ReadFile("queries/" + name + ".cypher")
	if err != nil {
		panic(fmt.Sprintf("cypher: no query %q", name))
	}
	return clean(withParts(string(b)))
}

// withParts replaces each "//+ <subdomain>/<name>" line by parts/<subdomain>/<name>.cypher.
func withParts(s string) string {
	lines := strings.Split(s, "\n")
	for i, ln := range lines {
		if name, ok := strings.CutPrefix(strings.TrimSpace(ln), "//+ "); ok {
			b, err := files.ReadFile("parts/" + strings.TrimSpace(name) + ".cypher")
			if err != nil {
				panic(fmt.Sprintf("cypher: no part %q", name))
			}
			lines[i] = string(b)
		}
	}
	return strings.Join(lines, "\n")
}

// Names lists every query as "<subdomain>/<name>" (for tests).
func Names() []string {
	var out []string
	_ = fs.WalkDir(files, "queries", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(p, "queries/"), ".cypher"))
		}
		return err
	})
	return out
}

// clean drops // comment lines so files can explain themselves.
func clean(s string) string {
	var b strings.Builder
	for _, ln := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(ln), "//") {
			continue
		}
		b.WriteString(ln)
		b.WriteByte('\n')
	}
	return strings.TrimSpace(b.String())
}
