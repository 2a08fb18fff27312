package retrieval

import "strings"

// Entity is a typed span of a document's text — a name of a person,
// organisation or place, a date, an amount of money, a quantity with its
// unit — found once, at index time (see retrieval/text), so that answering
// picks a short answer of the kind a question asks for without reading
// the sentence again.
type Entity struct {
	Span
	Kind EntityKind
	// Unit is the normalised unit of a quantity or duration ("minute",
	// "km", "tonne") or the currency of an amount ("$", "€", "£"); empty
	// otherwise.
	Unit string
}

// EntityKind is what an entity is. A name whose kind the text does not
// make clear is EntityName; a kind is never guessed.
type EntityKind uint8

// Entity kinds.
const (
	EntityNone        EntityKind = iota
	EntityPerson                 // "Yahya Sarea", "Dr. Brian J. Ward"
	EntityOrg                    // "Saha Airlines", "the University of Bristol"
	EntityPlace                  // "Fort Lauderdale", "Saudi Arabia", "Holy Cross Hospital"
	EntityName                   // a proper name of unknown kind
	EntityNationality            // "German", "Filipino", "Saudi"
	EntityDate                   // a day: "October 2, 2018", "2019-01-12"
	EntityMonth                  // a month or month and year: "October 2018", "last October"
	EntityYear                   // "1993"
	EntityWeekday                // "Tuesday"
	EntityPeriod                 // "the 1990s", "the 19th century", "spring"
	EntityTime                   // "4:00 A.M.", "midnight"
	EntityMoney                  // "€20,000", "$4.2 billion", "400 million dollars"
	EntityPercent                // "4.9%", "54 percent"
	EntityDuration               // "22 minutes", "four years", "73 months"
	EntityQuantity               // "160 km", "5.7 million barrels", "magnitude 4.9"
	EntityNumber                 // a count or bare number: "92,153", "nine", "dozens"
	EntityOrdinal                // "third", "110th"
	EntityAge                    // the 39 of "Emily Spanton, 39," or "aged 82"
	numEntityKinds
)

var entityKindNames = [numEntityKinds]string{"", "person", "organisation", "place", "name", "nationality",
	"date", "month", "year", "weekday", "period", "time", "money", "percent", "duration", "quantity", "number",
	"ordinal", "age"}

func (k EntityKind) String() string {
	if k < numEntityKinds {
		return entityKindNames[k]
	}
	return "unknown"
}

// ParseEntityKind reads an EntityKind's String.
func ParseEntityKind(s string) (EntityKind, bool) {
	for k, n := range entityKindNames {
		if n != "" && strings.EqualFold(n, s) {
			return EntityKind(k), true
		}
	}
	return EntityNone, false
}
