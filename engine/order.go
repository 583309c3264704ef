package engine

import (
	"slices"
	"strings"
)

// sortByID puts xs in id order, stably (§2: members and sales are taken in id order). The
// projection's kept snapshot is in id order but for what was accepted since it was loaded,
// appended at the end (issue #19): then only that tail is sorted and merged in, O(n + k log k)
// instead of a million-element sort at every update.
func sortByID[T any](xs []T, id func(T) string) {
	cmp := func(a, b T) int { return strings.Compare(id(a), id(b)) }
	k := 1
	for k < len(xs) && cmp(xs[k-1], xs[k]) <= 0 {
		k++
	}
	if k >= len(xs) {
		return
	}
	if len(xs)-k > len(xs)/4 {
		slices.SortStableFunc(xs, cmp)
		return
	}
	tail := slices.Clone(xs[k:])
	slices.SortStableFunc(tail, cmp)
	// Merged from the back, so the sorted prefix is only ever read before it is overwritten; on
	// a tie the tail's element goes last, as it came.
	i, j := k-1, len(tail)-1
	for w := len(xs) - 1; j >= 0; w-- {
		if i >= 0 && cmp(xs[i], tail[j]) > 0 {
			xs[w], i = xs[i], i-1
		} else {
			xs[w], j = tail[j], j-1
		}
	}
}
