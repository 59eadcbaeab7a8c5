package cli

import "github.com/caselink/caselink/internal/pole"

// The demo sample: a handful of invented cases in three forces. Names are
// common names from public frequency lists, not people from real cases. The
// same man appears in two forces under different spellings and dates of
// birth, as the linkage stage will have to find.

type demoForce struct {
	force, system string
	cases         []demoCase
}

type demoCase struct {
	c      pole.Case
	people []pole.Mention
	events []pole.Event
}

func demoSample() []demoForce {
	victim := func(rec, forename, surname string, dob pole.PartialDate, vuln ...string) pole.Mention {
		return pole.Mention{RecordID: rec, Role: pole.RoleVictim, Forename: forename, Surname: surname,
			NameAsWritten: surname + ", " + forename, DOB: dob, Sex: "F", EthnicitySelf: "W1", Vulnerabilities: vuln}
	}
	suspect := func(rec, forename, surname string, dob pole.PartialDate, aliases ...string) pole.Mention {
		return pole.Mention{RecordID: rec, Role: pole.RoleSuspect, Forename: forename, Surname: surname,
			NameAsWritten: surname + ", " + forename, DOB: dob, Sex: "M", Aliases: aliases}
	}
	return []demoForce{
		{force: "west-yorkshire", system: "Niche", cases: []demoCase{
			{
				c: pole.Case{CrimeRef: "13WY0412", OffenceCodes: []string{"19D"}, OffenceFrom: pole.YearMonth(2012, 9), OffenceTo: pole.YearMonth(2013, 2),
					Recorded: pole.Date(2013, 3, 4), OutcomeType: 16, OutcomeDate: pole.Date(2013, 6, 20), DecisionMaker: "DS 2291",
					ClosureRationale: "Victim does not support. Described as in a relationship with the suspect.", Flags: []string{"CSE"}},
				people: []pole.Mention{
					victim("WYN-100231", "Chloe", "Walker", pole.Date(1998, 5, 17), "looked_after", "missing_episodes"),
					func() pole.Mention {
						m := suspect("WYN-100232", "Mohammed", "Hussain", pole.Date(1981, 3, 12), "Mo")
						m.Phones, m.Vehicles = []string{"+447700900123"}, []string{"YK61ABC"}
						m.Addresses = []pole.Address{{Text: "Takeaway, 4 Example Road", Postcode: "BD1 1AA", Premises: "takeaway"}}
						return m
					}(),
					suspect("WYN-100233", "Imran", "Akhtar", pole.YearOnly(1984)),
				},
				events: []pole.Event{
					{Type: "missing_episode", Date: pole.Date(2012, 11, 2), Detail: "Missing from placement overnight"},
					{Type: "missing_episode", Date: pole.Date(2013, 1, 19), Detail: "Found in a car near a takeaway"},
				},
			},
			{
				c: pole.Case{CrimeRef: "15WY2210", OffenceCodes: []string{"22B"}, OffenceFrom: pole.YearOnly(2014),
					Recorded: pole.Date(2015, 1, 8), OutcomeType: 1, OutcomeDate: pole.Date(2015, 7, 1), DecisionMaker: "CPS", Flags: []string{"CSE"}},
				people: []pole.Mention{
					victim("WYN-100871", "Amelia", "Wood", pole.Date(2000, 2, 2), "disability"),
					suspect("WYN-100872", "Daniel", "Holt", pole.Date(1979, 8, 30)),
				},
				events: []pole.Event{{Type: "suspect_interview", Date: pole.Date(2015, 1, 20)}, {Type: "charge", Date: pole.Date(2015, 7, 1)}},
			},
		}},
		{force: "south-yorkshire", system: "Connect", cases: []demoCase{
			{
				c: pole.Case{CrimeRef: "SY/14/5531", OffenceCodes: []string{"19D", "22B"}, OffenceFrom: pole.Date(2013, 12, 1), OffenceTo: pole.Date(2014, 4, 30),
					Recorded: pole.Date(2014, 5, 12), OutcomeType: 18, OutcomeDate: pole.Date(2014, 6, 2), DecisionMaker: "PS 1180",
					ClosureRationale: "No suspect identified. Victim said a man called Mo drove her to a flat.", Flags: []string{"CSE"}},
				people: []pole.Mention{
					victim("SYP-77120", "Jessica", "Hall", pole.Date(1999, 10, 3), "looked_after"),
					func() pole.Mention {
						m := suspect("SYP-77121", "Muhammad", "Hussein", pole.Date(1981, 12, 3), "Mo")
						m.Phones = []string{"+447700900123"}
						return m
					}(),
				},
				events: []pole.Event{{Type: "victim_arrest", Date: pole.Date(2014, 3, 9), Detail: "Arrested for criminal damage"}},
			},
			{
				c: pole.Case{CrimeRef: "SY/16/0042", OffenceCodes: []string{"88A"}, Recorded: pole.Date(2016, 2, 1), OutcomeType: 21,
					OutcomeDate: pole.Date(2016, 3, 1), DecisionMaker: "DI 0977", ClosureRationale: "Not in the public interest.", Flags: []string{"CSE", "ONLINE"}},
				people: []pole.Mention{
					victim("SYP-80112", "Ellie", "Robinson", pole.Date(2002, 7, 21), "missing_episodes"),
					suspect("SYP-80113", "Jack", "Turner", pole.YearOnly(1990)),
				},
			},
		}},
		{force: "greater-manchester", system: "Athena", cases: []demoCase{
			{
				c: pole.Case{CrimeRef: "GMP-2011-33871", OffenceCodes: []string{"19E"}, OffenceFrom: pole.YearOnly(2010), OffenceTo: pole.YearOnly(2011),
					Recorded: pole.Date(2011, 4, 14), OutcomeType: 14, OutcomeDate: pole.Date(2011, 5, 1), DecisionMaker: "DC 6620",
					ClosureRationale: "Victim declined to support a prosecution; lifestyle choice noted by officer.", Flags: []string{"CSA"}},
				people: []pole.Mention{
					victim("GMP-N-551203", "Olivia", "Kowalska", pole.Date(1999, 1, 1), "looked_after", "child_protection"),
					suspect("GMP-N-551204", "Tariq", "Mahmood", pole.Date(1976, 6, 15), "T"),
				},
				events: []pole.Event{{Type: "missing_episode", Date: pole.YearMonth(2010, 8)}},
			},
		}},
	}
}
