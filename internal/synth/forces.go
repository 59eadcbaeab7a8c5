package synth

// The forces of the synthetic data set: ten forces in two neighbouring
// clusters, so that groups can offend across force borders, each exporting
// in the style of a different records system. Towns carry real postcode
// districts so that postcodes parse as UK ones; the streets are invented.

// layout names a force's export format.
type layout string

const (
	layoutNicheCSV   layout = "niche-csv"   // comma, UTF-8, ISO dates, split names, numeric codes
	layoutAthenaSemi layout = "athena-semi" // semicolon, Windows-1252, dd/mm/yyyy, "SURNAME, Forename", text labels
	layoutConnectTab layout = "connect-tab" // tab, UTF-8, "03 March 1989", split names, text labels
	layoutJSONLines  layout = "jsonl"       // one case per line with its people and events nested
	layoutNominal    layout = "nominal"     // a nominal index beside a case list and a link table, dd-mm-yy dates
)

type town struct {
	name      string
	districts []string // postcode districts
}

// quality is how carefully a force records people: each a probability.
type quality struct {
	suspectEthnicityMissing float64
	victimEthnicityMissing  float64
	dobMissing              float64
	dobWrong                float64 // transposed day and month, a year off, or 1 January
	typo                    float64
	variant                 float64 // another spelling of a name that has one
	swapped                 float64 // forename and surname swapped
	middleMissing           float64
	nicknameAsForename      float64
	aliasRecorded           float64
	phoneRecorded           float64
	vehicleRecorded         float64
}

type forceSpec struct {
	code       string
	prefix     string // of crime references and record ids
	layout     layout
	towns      []town
	neighbours []string
	q          quality
}

var forceSpecs = []forceSpec{
	{code: "west-yorkshire", prefix: "WY", layout: layoutNicheCSV,
		towns:      []town{{"Bradford", []string{"BD1", "BD3", "BD5", "BD8"}}, {"Leeds", []string{"LS7", "LS8", "LS9", "LS11"}}, {"Halifax", []string{"HX1", "HX3"}}, {"Dewsbury", []string{"WF12", "WF13"}}},
		neighbours: []string{"south-yorkshire", "greater-manchester", "lancashire"},
		q:          quality{0.62, 0.30, 0.03, 0.05, 0.03, 0.35, 0.02, 0.40, 0.03, 0.45, 0.55, 0.40}},
	{code: "thames-valley", prefix: "TV", layout: layoutNicheCSV,
		towns:      []town{{"Oxford", []string{"OX1", "OX3", "OX4"}}, {"Reading", []string{"RG1", "RG2", "RG30"}}, {"Slough", []string{"SL1", "SL2"}}},
		neighbours: nil,
		q:          quality{0.55, 0.25, 0.02, 0.04, 0.02, 0.30, 0.01, 0.35, 0.02, 0.50, 0.60, 0.45}},
	{code: "lancashire", prefix: "LC", layout: layoutAthenaSemi,
		towns:      []town{{"Blackburn", []string{"BB1", "BB2"}}, {"Preston", []string{"PR1", "PR2"}}, {"Burnley", []string{"BB10", "BB11"}}},
		neighbours: []string{"west-yorkshire", "greater-manchester"},
		q:          quality{0.78, 0.40, 0.06, 0.09, 0.06, 0.40, 0.03, 0.70, 0.04, 0.30, 0.40, 0.30}},
	{code: "west-mercia", prefix: "WR", layout: layoutAthenaSemi,
		towns:      []town{{"Telford", []string{"TF1", "TF2", "TF3"}}, {"Worcester", []string{"WR1", "WR4"}}, {"Shrewsbury", []string{"SY1", "SY3"}}},
		neighbours: []string{"west-midlands", "staffordshire"},
		q:          quality{0.80, 0.45, 0.07, 0.10, 0.07, 0.40, 0.04, 0.75, 0.04, 0.25, 0.35, 0.25}},
	{code: "west-midlands", prefix: "WM", layout: layoutConnectTab,
		towns:      []town{{"Birmingham", []string{"B10", "B11", "B12", "B21"}}, {"Wolverhampton", []string{"WV1", "WV2"}}, {"Walsall", []string{"WS1", "WS2"}}},
		neighbours: []string{"staffordshire", "west-mercia"},
		q:          quality{0.70, 0.35, 0.04, 0.06, 0.04, 0.35, 0.02, 0.50, 0.03, 0.40, 0.50, 0.35}},
	{code: "staffordshire", prefix: "ST", layout: layoutConnectTab,
		towns:      []town{{"Stoke-on-Trent", []string{"ST1", "ST4", "ST6"}}, {"Stafford", []string{"ST16", "ST17"}}},
		neighbours: []string{"west-midlands", "west-mercia", "derbyshire"},
		q:          quality{0.66, 0.30, 0.04, 0.06, 0.04, 0.30, 0.02, 0.55, 0.03, 0.35, 0.45, 0.35}},
	{code: "greater-manchester", prefix: "GM", layout: layoutJSONLines,
		towns:      []town{{"Rochdale", []string{"OL11", "OL12", "OL16"}}, {"Oldham", []string{"OL1", "OL4", "OL8"}}, {"Manchester", []string{"M8", "M13", "M14"}}},
		neighbours: []string{"west-yorkshire", "lancashire"},
		q:          quality{0.60, 0.28, 0.03, 0.05, 0.03, 0.35, 0.02, 0.45, 0.03, 0.50, 0.55, 0.45}},
	{code: "derbyshire", prefix: "DB", layout: layoutJSONLines,
		towns:      []town{{"Derby", []string{"DE1", "DE22", "DE23", "DE24"}}, {"Chesterfield", []string{"S40", "S41"}}},
		neighbours: []string{"south-yorkshire", "nottinghamshire", "staffordshire"},
		q:          quality{0.64, 0.32, 0.04, 0.06, 0.04, 0.30, 0.02, 0.50, 0.03, 0.40, 0.50, 0.35}},
	{code: "south-yorkshire", prefix: "SY", layout: layoutNominal,
		towns:      []town{{"Rotherham", []string{"S60", "S61", "S65", "S66"}}, {"Sheffield", []string{"S2", "S3", "S9"}}, {"Doncaster", []string{"DN1", "DN4"}}},
		neighbours: []string{"west-yorkshire", "derbyshire", "nottinghamshire"},
		q:          quality{0.74, 0.42, 0.05, 0.08, 0.05, 0.40, 0.03, 0.65, 0.04, 0.35, 0.40, 0.30}},
	{code: "nottinghamshire", prefix: "NT", layout: layoutNominal,
		towns:      []town{{"Nottingham", []string{"NG1", "NG3", "NG7"}}, {"Mansfield", []string{"NG18", "NG19"}}},
		neighbours: []string{"south-yorkshire", "derbyshire"},
		q:          quality{0.68, 0.35, 0.05, 0.07, 0.05, 0.35, 0.03, 0.60, 0.03, 0.35, 0.45, 0.30}},
}

func forceIndex(code string) int {
	for i, f := range forceSpecs {
		if f.code == code {
			return i
		}
	}
	return -1
}
