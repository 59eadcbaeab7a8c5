package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"
)

// asCommunities turns labels into gonum's form, a list of members per label.
func asCommunities(label []uint32, count int) [][]graph.Node {
	out := make([][]graph.Node, count)
	for u, c := range label {
		out[c] = append(out[c], simple.Node(u))
	}
	return out
}

func TestLouvainModularityIsGonumsQOfItsPartition(t *testing.T) {
	for _, c := range oracleCases(t) {
		for _, res := range []float64{0.5, 1, 2} {
			label, count, q := Louvain(c.g, res, 7)
			if c.g.Edges() == 0 {
				if q != 0 || count != c.n {
					t.Fatalf("%s: got Q %v and %d communities, want 0 and one per node", c.name, q, count)
				}
				continue
			}
			want := community.Q(gonumWeighted(c.g), asCommunities(label, count), res)
			if math.Abs(q-want) > 1e-9 {
				t.Fatalf("%s resolution %v: got Q %v, gonum gives %v for the same partition", c.name, res, q, want)
			}
		}
	}
}

func TestLouvainIsNearGonumsModularize(t *testing.T) {
	var ours, theirs float64
	for _, c := range oracleCases(t) {
		if c.g.Edges() == 0 {
			continue
		}
		_, _, q := Louvain(c.g, 1, 1)
		o := gonumWeighted(c.g)
		want := community.Q(o, community.Modularize(o, 1, rand.NewPCG(1, 1)).Communities(), 1)
		if q < want-0.03 {
			t.Errorf("%s: got Q %v, gonum's Louvain reaches %v", c.name, q, want)
		}
		ours += q
		theirs += want
	}
	t.Logf("total Q over all graphs: ours %.4f, gonum's %.4f", ours, theirs)
	if ours < theirs-0.01 {
		t.Errorf("got total Q %v over all graphs, gonum's Louvain reaches %v", ours, theirs)
	}
}

func TestLouvainSplitsTwoCliquesAtTheBridge(t *testing.T) {
	label, count, q := Louvain(twoCliques(t), 1, 1)
	want := []uint32{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}
	if count != 2 || !equal(label, want) {
		t.Errorf("got %v (%d communities), want %v", label, count, want)
	}
	// in_c/2m = 20/42 each, tot_c/2m = 21/42 each.
	if wantQ := 2 * (20.0/42 - 0.25); math.Abs(q-wantQ) > 1e-12 {
		t.Errorf("got Q %v, want %v", q, wantQ)
	}
}

func TestLouvainFindsPlantedCommunities(t *testing.T) {
	// Twenty groups of fifty, most links inside a group.
	const groups, size = 20, 50
	rng := rand.New(rand.NewPCG(3, 3))
	var links []link
	for range 6000 {
		u := rng.IntN(groups * size)
		v := u/size*size + rng.IntN(size)
		if rng.Float64() < 0.1 {
			v = rng.IntN(groups * size)
		}
		links = append(links, link{uint32(u), uint32(v), 0, 1})
	}
	label, count, _ := Louvain(build(t, groups*size, links), 1, 1)
	if count != groups {
		t.Fatalf("got %d communities, want %d", count, groups)
	}
	for u := range label {
		if label[u] != label[u/size*size] {
			t.Fatalf("node %d: got community %d, its group's first node %d", u, label[u], label[u/size*size])
		}
	}
}

func TestLouvainIsTheSameForASeed(t *testing.T) {
	g := build(t, 3000, randomLinks(8, 3000, 12000))
	a, _, qa := Louvain(g, 1, 42)
	b, _, qb := Louvain(g, 1, 42)
	if !equal(a, b) || qa != qb {
		t.Error("got different partitions from one seed, want the same")
	}
}

func TestLouvainCommunitiesAreConnectedAndLabelsDense(t *testing.T) {
	for _, c := range oracleCases(t) {
		label, count, _ := Louvain(c.g, 1, 3)
		if len(label) != c.n {
			t.Fatalf("%s: got %d labels, want %d", c.name, len(label), c.n)
		}
		next := uint32(0)
		for u, l := range label {
			if l > next {
				t.Fatalf("%s: node %d got label %d before label %d was used", c.name, u, l, next)
			}
			if l == next {
				next++
			}
		}
		if int(next) != count {
			t.Fatalf("%s: got labels 0..%d, want 0..%d", c.name, next-1, count-1)
		}
		// Splitting each community into its connected parts changes nothing.
		parts, n := componentsWhere(c.g, func(u, v uint32) bool { return label[u] == label[v] })
		if n != count || !equal(parts, label) {
			t.Fatalf("%s: got %d communities but %d connected parts", c.name, count, n)
		}
	}
}

func TestModularityOfHandPartitions(t *testing.T) {
	g := twoCliques(t)
	cases := []struct {
		label []uint32
		res   float64
		want  float64
	}{
		{[]uint32{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 1, 0},
		{[]uint32{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, 1, 2 * (20.0/42 - 0.25)},
		{[]uint32{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, 2, 2 * (20.0/42 - 0.5)},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			if got := Modularity(g, c.label, c.res); math.Abs(got-c.want) > 1e-12 {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
