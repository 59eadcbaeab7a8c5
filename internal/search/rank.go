package search

import (
	"slices"

	"github.com/google/uuid"
)

// ranked is a doc and its score.
type ranked struct {
	score float64
	doc   int32
}

// topK keeps the best k docs seen: higher scores, and of equal scores the
// lower mention id, so that results do not depend on the order of docs.
type topK struct {
	ids []uuid.UUID
	k   int
	h   []ranked // a heap with the worst kept at the root
}

// worse reports whether a ranks after b.
func (t *topK) worse(a, b ranked) bool {
	return a.score < b.score || a.score == b.score && compareIDs(t.ids[a.doc], t.ids[b.doc]) > 0
}

func (t *topK) push(r ranked) {
	if len(t.h) < t.k {
		t.h = append(t.h, r)
		for i := len(t.h) - 1; i > 0; {
			parent := (i - 1) / 2
			if !t.worse(t.h[i], t.h[parent]) {
				break
			}
			t.h[i], t.h[parent] = t.h[parent], t.h[i]
			i = parent
		}
		return
	}
	if !t.worse(t.h[0], r) {
		return
	}
	t.h[0] = r
	for i := 0; ; {
		worst, l, rt := i, 2*i+1, 2*i+2
		if l < len(t.h) && t.worse(t.h[l], t.h[worst]) {
			worst = l
		}
		if rt < len(t.h) && t.worse(t.h[rt], t.h[worst]) {
			worst = rt
		}
		if worst == i {
			return
		}
		t.h[i], t.h[worst] = t.h[worst], t.h[i]
		i = worst
	}
}

// sorted returns the docs kept, best first.
func (t *topK) sorted() []ranked {
	out := slices.Clone(t.h)
	slices.SortFunc(out, func(a, b ranked) int {
		switch {
		case t.worse(b, a):
			return -1
		case t.worse(a, b):
			return 1
		}
		return 0
	})
	return out
}
