package network

import (
	"slices"
	"testing"
)

// smallNetwork is two suspects who share victim v1, a third suspect with
// victim v2, and a phone that suspect s1 and victim v2 both used.
func smallNetwork() *Network {
	n := &Network{index: map[string]uint32{}, links: map[linkKey]int{}}
	s1 := n.node(Person, "s1", "s1")
	s2 := n.node(Person, "s2", "s2")
	s3 := n.node(Person, "s3", "s3")
	v1 := n.node(Person, "v1", "V-1")
	v2 := n.node(Person, "v2", "V-2")
	ph := n.node(Phone, "+447700900001", "+447700900001")
	for _, s := range []uint32{s1, s2, s3} {
		n.Nodes[s].Roles = AsSuspect
		n.Nodes[s].Forces = []string{"kent"}
	}
	n.Nodes[s3].Forces = []string{"essex"}
	n.Nodes[v1].Roles, n.Nodes[v2].Roles = AsVictim, AsVictim
	n.link(s1, v1, SuspectVictim, nil)
	n.link(s2, v1, SuspectVictim, nil)
	n.link(s3, v2, SuspectVictim, nil)
	n.link(s1, ph, UsedPhone, nil)
	n.link(v2, ph, UsedPhone, nil)
	return n
}

func TestFindingsNameVictimsOfSeveralSuspectsAndObjectsOfSeveralVictims(t *testing.T) {
	n := smallNetwork()
	groups, err := Groups(n, GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || !slices.Equal(groups[0].Offenders, []uint32{0, 1}) || !slices.Equal(groups[0].Victims, []uint32{3}) {
		t.Fatalf("groups: %+v, want s1 and s2 with victim v1", groups)
	}
	f := Find(n, groups)
	if len(f.VictimsOfSeveral) != 1 || f.VictimsOfSeveral[0].Node != 3 || !slices.Equal(f.VictimsOfSeveral[0].People, []uint32{0, 1}) {
		t.Errorf("victims of several: %+v, want v1 with s1 and s2", f.VictimsOfSeveral)
	}
	// The phone is s1's (so v1's, through s1) and v2's own.
	if len(f.ObjectsOfSeveral) != 1 || f.ObjectsOfSeveral[0].Node != 5 || !slices.Equal(f.ObjectsOfSeveral[0].People, []uint32{3, 4}) {
		t.Errorf("objects of several victims: %+v, want the phone with v1 and v2", f.ObjectsOfSeveral)
	}
	if len(f.CrossBorderGroups) != 0 {
		t.Errorf("cross-border groups: %v, want none (s1 and s2 are both kent's)", f.CrossBorderGroups)
	}
	withPhones, _ := Groups(n, GroupOptions{Associations: CoOffending | SharedVictim | SharedPhone})
	if len(withPhones) != 1 || len(withPhones[0].Offenders) != 2 {
		t.Errorf("sharing a phone with a victim joins no offender: %+v", withPhones)
	}
}
