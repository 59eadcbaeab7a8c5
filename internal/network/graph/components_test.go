package graph

import (
	"testing"

	"gonum.org/v1/gonum/graph/topo"
)

func TestComponentsMatchGonum(t *testing.T) {
	for _, c := range oracleCases(t) {
		label, count := Components(c.g)
		want := topo.ConnectedComponents(gonumUnweighted(c.g))
		if count != len(want) {
			t.Fatalf("%s: got %d components, want %d", c.name, count, len(want))
		}
		// Same partition: the members of each gonum component share one of
		// our labels, and no two gonum components share a label.
		seen := map[uint32]bool{}
		for _, comp := range want {
			l := label[comp[0].ID()]
			if seen[l] {
				t.Fatalf("%s: label %d given to two components", c.name, l)
			}
			seen[l] = true
			for _, node := range comp {
				if label[node.ID()] != l {
					t.Fatalf("%s: nodes %d and %d are connected but got labels %d and %d",
						c.name, comp[0].ID(), node.ID(), l, label[node.ID()])
				}
			}
		}
	}
}

func TestComponentsLabelEveryNodeDenselyInOrderOfSmallestMember(t *testing.T) {
	for _, c := range oracleCases(t) {
		label, count := Components(c.g)
		if len(label) != c.n {
			t.Fatalf("%s: got %d labels, want %d", c.name, len(label), c.n)
		}
		next := uint32(0)
		for u, l := range label {
			switch {
			case l == next:
				next++
			case l > next:
				t.Fatalf("%s: node %d got label %d before label %d was used", c.name, u, l, next)
			}
		}
		if int(next) != count {
			t.Fatalf("%s: got labels 0..%d, want 0..%d", c.name, next-1, count-1)
		}
	}
}

func TestComponentsOfTwoCliquesAndAnIsolatedNode(t *testing.T) {
	g := build(t, 7, []link{
		{0, 1, 0, 1}, {1, 2, 0, 1}, {0, 2, 0, 1},
		{4, 5, 0, 1}, {5, 6, 0, 1}, {4, 6, 0, 1},
	})
	label, count := Components(g)
	want := []uint32{0, 0, 0, 1, 2, 2, 2}
	if count != 3 || !equal(label, want) {
		t.Errorf("got %v (%d), want %v (3)", label, count, want)
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
