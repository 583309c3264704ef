package store

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// A statement's lines are stored as one string property (`lines`): one record per line, fields
// separated by U+001F and records by U+001E, zeros and empty fields left empty. A million
// statements write about three times faster this way than as twelve parallel lists (40,000 statements of 15
// lines: 1.2 s against 3.6 s), and the draft's write is most of a payout run. Statements written
// before carry the lists (`l_idx`, `l_type`, …); every reader takes either.
//
// Fields: index, type, amount, source, generation, reversal of, vendor, base, rate, skipped,
// compressed (comma-separated), detail (JSON). Since issue #19's sixth session a record is
// shorter, and a million statements' lines are a third fewer bytes for Neo4j to write (they
// were 1.5 GB at 1M, most of what the draft writes): the type is its number (engine.LineType,
// a stored value) instead of its name, a vendor that is its source's prefix ("sun" for
// "sun:a1", every activation's line) is sameVendor, and empty fields at a record's end are
// left out. Every reader takes the longer form too.
const (
	fieldSep  = '\x1f'
	recordSep = '\x1e'
	escape    = '\x1b'
)

// sameVendor stands for the vendor named by the source's prefix; escaping never writes it.
const sameVendor = "\x1b3"

var (
	escaper   = strings.NewReplacer(string(escape), string(escape)+"0", string(recordSep), string(escape)+"1", string(fieldSep), string(escape)+"2")
	unescaper = strings.NewReplacer(string(escape)+"0", string(escape), string(escape)+"1", string(recordSep), string(escape)+"2", string(fieldSep))
)

func appendField(b []byte, s string) []byte {
	if strings.ContainsAny(s, "\x1b\x1e\x1f") {
		s = escaper.Replace(s)
	}
	return append(append(b, s...), fieldSep)
}

func appendInt(b []byte, v int64) []byte {
	if v != 0 {
		b = strconv.AppendInt(b, v, 10)
	}
	return append(b, fieldSep)
}

// encodeLines packs a statement's lines; nil when it has none. The record is built in *buf,
// kept by the caller from one statement to the next, and copied once at its size: grown
// afresh for every statement it was copied at each doubling (issue #19).
func encodeLines(buf *[]byte, lines []payouts.StatementLine) any {
	if len(lines) == 0 {
		return nil
	}
	b := (*buf)[:0]
	for i, l := range lines {
		if i > 0 {
			b = append(b, recordSep)
		}
		b = appendInt(b, int64(l.Index))
		b = appendInt(b, int64(l.Type))
		b = appendInt(b, int64(l.Amount))
		b = appendField(b, l.Source)
		b = appendInt(b, int64(l.Generation))
		b = appendField(b, l.ReversalOf)
		if v, _, ok := strings.Cut(l.Source, ":"); ok && l.Vendor != "" && v == l.Vendor {
			b = append(append(b, sameVendor...), fieldSep)
		} else {
			b = appendField(b, l.Vendor)
		}
		b = appendInt(b, int64(l.Basis.Base))
		b = appendInt(b, int64(l.Basis.Rate))
		b = appendInt(b, int64(l.Basis.Skipped))
		b = appendField(b, strings.Join(l.Compressed, ","))
		if l.Basis.Detail != nil {
			// The last field, unescaped: encoding/json writes control characters as \u00XX.
			det, _ := json.Marshal(l.Basis.Detail)
			b = append(b, det...)
		} else {
			for len(b) > 0 && b[len(b)-1] == fieldSep {
				b = b[:len(b)-1]
			}
		}
	}
	*buf = b[:0]
	return string(b)
}

// lineType reads a type by its number or, in records written before, its name.
func lineType(f string) engine.LineType {
	if n, err := strconv.Atoi(f); err == nil {
		for _, t := range engine.LineTypes {
			if int(t) == n {
				return t
			}
		}
		return 0
	}
	t, _ := engine.ParseLineType(f)
	return t
}

// decodeLines unpacks what encodeLines packed; the basis's detail only when asked (statements
// explain it, pages of lines and summaries do not).
func decodeLines(s string, detail bool) []payouts.StatementLine {
	if s == "" {
		return nil
	}
	recs := strings.Split(s, string(recordSep))
	out := make([]payouts.StatementLine, 0, len(recs))
	for _, rec := range recs {
		f := strings.Split(rec, string(fieldSep))
		for len(f) < 12 {
			f = append(f, "")
		}
		str := func(i int) string {
			if strings.IndexByte(f[i], escape) >= 0 {
				return unescaper.Replace(f[i])
			}
			return f[i]
		}
		num := func(i int) int64 {
			v, _ := strconv.ParseInt(f[i], 10, 64)
			return v
		}
		src, vendor := str(3), f[6]
		if vendor == sameVendor {
			vendor, _, _ = strings.Cut(src, ":")
		} else {
			vendor = str(6)
		}
		l := payouts.StatementLine{Index: int(num(0)), Type: lineType(f[1]), Amount: engine.Units(num(2)), Source: src, Generation: int(num(4)),
			ReversalOf: str(5), Vendor: vendor, Basis: engine.Basis{Base: engine.Units(num(7)), Rate: engine.Rate(num(8)), Skipped: int32(num(9))}}
		if c := str(10); c != "" {
			l.Compressed = strings.Split(c, ",")
		}
		if detail && f[11] != "" {
			var d engine.Detail
			if json.Unmarshal([]byte(f[11]), &d) == nil {
				l.Basis.Detail = &d
			}
		}
		out = append(out, l)
	}
	return out
}

// statementLines reads a statement's lines from a record holding `lines` and, for statements
// written before, the parallel lists `idx`, `type`, `amount`, `source`, `gen`, `rev`, `vendor`,
// `base`, `rate`, `skip`, `comp`, `detail` (absent ones read as zero).
func statementLines(r *neo4j.Record, detail bool) []payouts.StatementLine {
	return linesOf(r.AsMap(), detail)
}

// linesOf is statementLines for a map (a statement collected inside a query).
func linesOf(m map[string]any, detail bool) []payouts.StatementLine {
	if s, _ := m["lines"].(string); s != "" {
		return decodeLines(s, detail)
	}
	return legacyLines(m)
}

// legacyLines reads the parallel lists of a statement written before `lines` existed.
func legacyLines(m map[string]any) []payouts.StatementLine {
	ints := func(k string) []int64 {
		l, _ := m[k].([]any)
		o := make([]int64, len(l))
		for i, x := range l {
			o[i], _ = x.(int64)
		}
		return o
	}
	strs := func(k string) []string {
		l, _ := m[k].([]any)
		o := make([]string, len(l))
		for i, x := range l {
			o[i], _ = x.(string)
		}
		return o
	}
	idx, amt, gen, base, rate, skip := ints("idx"), ints("amount"), ints("gen"), ints("base"), ints("rate"), ints("skip")
	typ, src, rev, ven, comp, det := strs("type"), strs("source"), strs("rev"), strs("vendor"), strs("comp"), strs("detail")
	at := func(xs []int64, i int) int64 {
		if i < len(xs) {
			return xs[i]
		}
		return 0
	}
	st := func(xs []string, i int) string {
		if i < len(xs) {
			return xs[i]
		}
		return ""
	}
	out := make([]payouts.StatementLine, 0, len(idx))
	for i := range idx {
		lt, _ := engine.ParseLineType(st(typ, i))
		l := payouts.StatementLine{Index: int(idx[i]), Type: lt, Amount: engine.Units(at(amt, i)), Source: st(src, i), Generation: int(at(gen, i)),
			ReversalOf: st(rev, i), Vendor: st(ven, i), Basis: engine.Basis{Base: engine.Units(at(base, i)), Rate: engine.Rate(at(rate, i)), Skipped: int32(at(skip, i))}}
		if c := st(comp, i); c != "" {
			l.Compressed = strings.Split(c, ",")
		}
		if d := st(det, i); d != "" {
			var detail engine.Detail
			if json.Unmarshal([]byte(d), &detail) == nil {
				l.Basis.Detail = &detail
			}
		}
		out = append(out, l)
	}
	return out
}
