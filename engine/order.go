package engine

import (
	"slices"
	"strings"
)

// sortByID puts xs in id order, stably (§2: members and sales are taken in id order). The
// projection's kept snapshot is in id order but for what was accepted since it was loaded,
// appended at the end (issue #19): then only that tail is sorted and merged in, O(n + k log k)
// instead of a million-element sort at every update. pause, when not nil, is called every
// pauseEvery elements while the sorted prefix is found, and as mergeTail says (payoutRun.offer).
func sortByID[T any](xs []T, id func(T) string, pause func()) {
	cmp := func(a, b T) int { return strings.Compare(id(a), id(b)) }
	k := 1
	for k < len(xs) && cmp(xs[k-1], xs[k]) <= 0 {
		if pause != nil && k&(pauseEvery-1) == 0 {
			pause()
		}
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
	mergeTail(xs, k, tail, cmp, pause)
}

// mergePause is how many tail elements mergeTail places between two pauses.
const mergePause = 1 << 9

// mergeTail merges tail, in order, into xs[:k], in order, in place: xs is k+len(tail) long and
// its last len(tail) elements are overwritten. Merged from the back, so the sorted prefix is
// only ever read before it is overwritten. Each tail element's place in the prefix is found by
// binary search and the prefix's elements after it move as one block: a merge comparing
// element by element compared nearly every sale's id at each update (each a cache miss at
// millions of sales), where a few thousand arrived. On a tie the tail's element goes last, as
// it came. pause, when not nil, is called every mergePause tail elements: each is a binary search
// that misses the cache at most of its steps (10,000 sales into 2.4 million took about 20 ms).
func mergeTail[T any](xs []T, k int, tail []T, cmp func(a, b T) int, pause func()) {
	i, w := k, len(xs) // xs[:i] is the prefix still to place, xs[w:] is merged
	for j := len(tail) - 1; j >= 0; j-- {
		if pause != nil && j > 0 && j&(mergePause-1) == 0 {
			pause()
		}
		at, _ := slices.BinarySearchFunc(xs[:i], tail[j], func(x, t T) int {
			if cmp(x, t) > 0 {
				return 1
			}
			return -1 // never 0: the first element above t, after any equal to it
		})
		w -= i - at
		copy(xs[w:], xs[at:i])
		w--
		xs[w], i = tail[j], at
	}
}
