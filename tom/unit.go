package tom

// Unit is the unit a measure's quantity is counted in, such as "hours" or
// "gbp". The built-in units are listed in Units; a catalogue may declare more.
type Unit string

// The built-in units. A catalogue file may declare others in its units list.
const (
	Count     Unit = "count"     // a number of things (organisations, projects, visits)
	People    Unit = "people"    // a number of people
	Hours     Unit = "hours"     // hours; for sessions, session hours × attendees
	Weeks     Unit = "weeks"     // weeks, e.g. of training or placements
	FTEYears  Unit = "fte_years" // full-time-equivalent years of employment
	GBP       Unit = "gbp"       // pounds sterling
	Tonnes    Unit = "tonnes"    // tonnes of material, e.g. waste diverted
	TCO2e     Unit = "tco2e"     // tonnes of carbon dioxide equivalent
	Contracts Unit = "contracts" // a number of contracts
	Percent   Unit = "percent"   // a percentage, 0 to 100
)

// UnitInfo describes a unit for people reading a catalogue or a report.
type UnitInfo struct {
	ID          Unit   // the unit as files write it, such as "tco2e"
	Name        string // short human-readable name
	Description string // what one unit is
}

// Units returns the built-in units in a fixed order.
func Units() []UnitInfo {
	return []UnitInfo{
		{Count, "count", "a number of things, such as organisations, projects or visits"},
		{People, "people", "a number of people"},
		{Hours, "hours", "hours; for sessions, session length × attendees (2 h × 8 people = 16 hours)"},
		{Weeks, "weeks", "weeks, for example of training or work placements"},
		{FTEYears, "FTE years", "full-time-equivalent years of employment"},
		{GBP, "£", "pounds sterling"},
		{Tonnes, "tonnes", "tonnes of material"},
		{TCO2e, "tCO2e", "tonnes of carbon dioxide equivalent"},
		{Contracts, "contracts", "a number of contracts"},
		{Percent, "%", "a percentage from 0 to 100"},
	}
}
