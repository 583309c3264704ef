package graph

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Cursors are opaque to clients: an encoded offset into a stable ordering.
func encodeCursor(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(off)))
}

func decodeCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 3 || string(b[:2]) != "o:" {
		return 0, InvalidField("cursor", "is not a cursor this API issued")
	}
	n, err := strconv.Atoi(string(b[2:]))
	if err != nil || n < 0 {
		return 0, InvalidField("cursor", "is not a cursor this API issued")
	}
	return n, nil
}

// page runs fetch for the cursor's offset; fetch reports whether more items follow.
func Paginate[T any](cursor string, limit int, fetch func(off, lim int) ([]T, bool, error)) (*Page[T], error) {
	limit, err := PageLimit(limit)
	if err != nil {
		return nil, err
	}
	off, err := decodeCursor(cursor)
	if err != nil {
		return nil, err
	}
	items, more, err := fetch(off, limit)
	if err != nil {
		return nil, err
	}
	p := &Page[T]{Items: items}
	if p.Items == nil {
		p.Items = []T{}
	}
	if more {
		p.NextCursor = encodeCursor(off + len(items))
	}
	return p, nil
}

// pageLimit validates a page size (default 100, at most 1000).
func PageLimit(limit int) (int, error) {
	if limit < 0 || limit > 1000 {
		return 0, InvalidField("limit", "must be between 1 and 1000")
	}
	return Clamp(limit, 1, 1000, 100), nil
}

// Keyset cursors carry the last key seen, opaque to clients.
func EncodeKeyCursor(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("k:" + strings.Join(parts, "\x00")))
}

func DecodeKeyCursor(c string, n int) ([]string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 2 || string(b[:2]) != "k:" {
		return nil, InvalidField("cursor", "is not a cursor this API issued")
	}
	parts := strings.Split(string(b[2:]), "\x00")
	if len(parts) != n {
		return nil, InvalidField("cursor", "is not a cursor this API issued")
	}
	return parts, nil
}

// Page is a cursor page of items.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// clamp bounds paging and depth parameters.
func Clamp(v, lo, hi, def int) int {
	if v == 0 {
		return def
	}
	return max(lo, min(v, hi))
}
