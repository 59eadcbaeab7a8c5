package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

// person is one real (synthetic) human being: the truth that force records
// describe imperfectly.
type person struct {
	id       string
	groupID  string
	comm     *Community
	sex      string
	forename string
	middle   string
	surname  string
	dob      pole.PartialDate
	aliases  []string
	phones   []string
	vehicles []string
	home     address
	vuln     []string
	force    int // home force index
	// recordIDs and nominalWritten are the person's references in forces
	// that keep a nominal index, and which of them are written there.
	recordIDs      map[int]string
	nominalWritten map[string]bool
}

type address struct {
	text     string
	postcode string
	premises string
}

// The mix of offenders' communities. Groups: local data for multi-victim,
// multi-offender CSE suspects in Greater Manchester, as reported by the
// Guardian (52% Asian, 38% white, the rest other); lone offenders: all child
// sexual abuse suspects there (16% Asian, 44% white, 32% unknown, the
// unknown spread over the known in proportion). See reference/domain.md §5.3.
var (
	groupOffenderMix = []commShare{{"pakistani", 0.36}, {"bangladeshi", 0.06}, {"indian", 0.03}, {"afghan", 0.04}, {"kurdish", 0.03},
		{"english", 0.28}, {"scottish", 0.02}, {"irish", 0.02}, {"welsh", 0.02}, {"polish", 0.02}, {"romanian", 0.02},
		{"caribbean", 0.05}, {"somali", 0.03}, {"eritrean", 0.02}}
	loneOffenderMix = []commShare{{"pakistani", 0.12}, {"bangladeshi", 0.04}, {"indian", 0.05}, {"afghan", 0.01}, {"kurdish", 0.01},
		{"english", 0.52}, {"scottish", 0.03}, {"irish", 0.03}, {"welsh", 0.03}, {"polish", 0.04}, {"romanian", 0.02},
		{"caribbean", 0.06}, {"somali", 0.03}, {"eritrean", 0.01}}
)

type commShare struct {
	code  string
	share float64
}

func pickShare(r *rand.Rand, mix []commShare) string {
	x := r.Float64()
	for _, m := range mix {
		if x < m.share {
			return m.code
		}
		x -= m.share
	}
	return mix[len(mix)-1].code
}

// streets are invented street names for synthetic addresses.
var streets = []string{
	"Alder Grove", "Beck Lane", "Birch Road", "Canal Street", "Cedar Close", "Chapel Row", "Church Walk",
	"Clough Road", "Dale Street", "Elm Terrace", "Fern Avenue", "Foundry Lane", "Garden Street", "Hawthorn Way",
	"Hill Top", "Holly Bank", "Kiln Lane", "Larch Drive", "Lime Street", "Maple Road", "Market Street",
	"Meadow View", "Mill Lane", "Moor Road", "Oak Street", "Orchard Close", "Park Road", "Quarry Hill",
	"Rowan Court", "School Lane", "Station Road", "Tannery Row", "Victoria Street", "Water Lane",
	"Weaver Street", "Well Lane", "Willow Grove", "Wood Street", "Yarn Street", "Yew Tree Road",
}

// Postcode units never use C, I, K, M, O or V.
const unitLetters = "ABDEFGHJLNPQRSTUWXYZ"

func (g *generator) postcode(f int) (string, string) {
	t := forceSpecs[f].towns[g.r.IntN(len(forceSpecs[f].towns))]
	d := t.districts[g.r.IntN(len(t.districts))]
	pc := d + " " + strconv.Itoa(g.r.IntN(10)) + string(unitLetters[g.r.IntN(len(unitLetters))]) + string(unitLetters[g.r.IntN(len(unitLetters))])
	return pc, t.name
}

func (g *generator) address(f int, premises string) address {
	pc, town := g.postcode(f)
	var b strings.Builder
	switch premises {
	case "flat":
		b.WriteString("Flat " + strconv.Itoa(1+g.r.IntN(12)) + ", ")
	case "takeaway", "taxi_office", "shop":
		b.WriteString(venueNames[g.r.IntN(len(venueNames))] + ", ")
	case "hotel":
		b.WriteString(hotelNames[g.r.IntN(len(hotelNames))] + ", ")
	}
	b.WriteString(strconv.Itoa(1+g.r.IntN(180)) + " " + streets[g.r.IntN(len(streets))] + ", " + town)
	return address{text: b.String(), postcode: pc, premises: premises}
}

var venueNames = []string{"Express Grill", "Pizza Point", "Kebab House", "Spice Corner", "City Cars", "Star Taxis",
	"Town Cabs", "Night Bites", "Chicken Hut", "Late Bites", "Metro Cars", "Rapid Private Hire"}

var hotelNames = []string{"Station Hotel", "Park View Lodge", "Canal Side Inn", "Central Guest House", "Moorland Hotel"}

// phone draws a mobile number from the 07700 9 block, which holds Ofcom's
// range reserved for drama (07700 900000-900999). A data set of a million
// people needs more numbers than that range; the rest of the block may be
// allocated, but no synthetic record describes a real subscriber.
func (g *generator) phone() string {
	return "+4477009" + pad(g.r.IntN(100000), 5)
}

// vehicle draws a registration mark in the current format (AB12 CDE).
func (g *generator) vehicle() string {
	const area = "ABCDEFGHKLMNOPRSVWXY"
	const rest = "ABCDEFGHJKLMNOPRSTUVWXYZ"
	age := []int{51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22}[g.r.IntN(42)]
	return string(area[g.r.IntN(len(area))]) + string(rest[g.r.IntN(len(rest))]) + pad(age, 2) +
		string(rest[g.r.IntN(len(rest))]) + string(rest[g.r.IntN(len(rest))]) + string(rest[g.r.IntN(len(rest))])
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// newPerson makes a person of the community, sex and birth year given.
func (g *generator) newPerson(comm *Community, sex string, born int, force int, groupID string) *person {
	g.nextPerson++
	p := &person{id: "P" + pad(g.nextPerson, 7), groupID: groupID, comm: comm, sex: sex, force: force}
	names := comm.Male
	if sex == "F" {
		names = comm.Female
	}
	p.forename = names.Pick(g.r)
	if g.r.Float64() < 0.6 {
		for range 3 {
			if m := names.Pick(g.r); m != p.forename {
				p.middle = m
				break
			}
		}
	}
	p.surname = comm.Surnames.Pick(g.r)
	p.dob = pole.Date(born, 1+g.r.IntN(12), 1+g.r.IntN(28))
	p.home = g.address(force, "residence")
	g.writePerson(p)
	return p
}

func (g *generator) community(code string) *Community {
	for i := range g.comms {
		if g.comms[i].Code == code {
			return &g.comms[i]
		}
	}
	panic("synth: no community " + code)
}

// populationCommunity draws a community by its share of the population.
func (g *generator) populationCommunity() *Community {
	x := g.r.Float64() * g.commTotal
	for i := range g.comms {
		if x < g.comms[i].Weight {
			return &g.comms[i]
		}
		x -= g.comms[i].Weight
	}
	return &g.comms[len(g.comms)-1]
}

// giveAliases gives an offender the names others know him by: a nickname of
// his forename where English has one, a shortened form, or a street name.
func (g *generator) giveAliases(p *person) {
	if g.r.Float64() < 0.55 {
		if nicks := Nicknames(p.forename); len(nicks) > 0 {
			p.aliases = append(p.aliases, nicks[g.r.IntN(len(nicks))])
		} else if rs := []rune(p.forename); len(rs) > 4 {
			p.aliases = append(p.aliases, string(rs[:2+g.r.IntN(2)]))
		}
	}
	if g.r.Float64() < 0.45 {
		street := g.streetAliases[g.r.IntN(len(g.streetAliases))]
		p.aliases = append(p.aliases, street)
	}
}
