package question

import (
	"slices"
	"strings"

	rtext "github.com/citebot/citebot/retrieval/text"

	"github.com/citebot/citebot/retrieval"
)

// A question's Want is the kind of entity that answers it, finer than its
// AnswerType: "how much did they pay" wants an amount of money, "how long
// did the flight take" a duration, "how deep is the wreck" a quantity of
// length, "on what date" a day (a month will do, less well), "how many
// votes" a number of votes. Candidates of the kind asked for are short
// answers; a kind that only will-do is quoted, never put in bold.

// WantedKind is one acceptable kind and how well it answers: 1 for exactly
// the kind asked for, less for a kind that is a weaker answer (a month for
// a date, a bare number for an amount).
type WantedKind struct {
	Kind  retrieval.EntityKind
	Prior float64
}

// ExactPrior is the least prior of a kind a short answer may be of.
const ExactPrior = 0.99

// Want says what answers a question.
type Want struct {
	Kinds []WantedKind
	// Unit restricts quantities to one dimension ("length", "mass" …);
	// empty for any.
	Unit string
	// Noun is the counted noun of "how many N" (lower case, as written),
	// which the number's own noun should match.
	Noun string
	// Aspect is the noun that names the measure asked for ("depth" for
	// "how deep", "height" for "what is the height"): a figure the text
	// introduces with it ("at a depth of 1,400 feet") is the one asked.
	Aspect string
}

// Prior is how well a candidate of kind k answers: 1 for exactly the kind
// asked for, less for one that will only do, 0 for none.
func (w Want) Prior(k retrieval.EntityKind) float64 {
	for _, wk := range w.Kinds {
		if wk.Kind == k {
			return wk.Prior
		}
	}
	return 0
}

// Empty reports a question that asks for no kind in particular.
func (w Want) Empty() bool { return len(w.Kinds) == 0 }

func kinds(ks ...any) []WantedKind {
	var out []WantedKind
	for i := 0; i+1 < len(ks); i += 2 {
		out = append(out, WantedKind{ks[i].(retrieval.EntityKind), ks[i+1].(float64)})
	}
	return out
}

var (
	wantPerson = Want{Kinds: kinds(retrieval.EntityPerson, 1.0, retrieval.EntityName, 0.5)}
	wantOrg    = Want{Kinds: kinds(retrieval.EntityOrg, 1.0, retrieval.EntityName, 0.5)}
	wantPlace  = Want{Kinds: kinds(retrieval.EntityPlace, 1.0, retrieval.EntityName, 0.5)}
	wantWho    = Want{Kinds: kinds(retrieval.EntityPerson, 1.0, retrieval.EntityOrg, 0.7, retrieval.EntityName, 0.5)}
	// "When" takes a date of any precision; the more precise wins ties.
	wantDate     = Want{Kinds: kinds(retrieval.EntityDate, 1.0, retrieval.EntityMonth, 0.995, retrieval.EntityYear, 0.99, retrieval.EntityPeriod, 0.8, retrieval.EntityWeekday, 0.6, retrieval.EntityTime, 0.5)}
	wantDay      = Want{Kinds: kinds(retrieval.EntityDate, 1.0, retrieval.EntityWeekday, 0.6, retrieval.EntityMonth, 0.5)}
	wantWeekday  = Want{Kinds: kinds(retrieval.EntityWeekday, 1.0, retrieval.EntityDate, 0.99)}
	wantYear     = Want{Kinds: kinds(retrieval.EntityYear, 1.0, retrieval.EntityDate, 0.9, retrieval.EntityMonth, 0.9, retrieval.EntityPeriod, 0.5)}
	wantMonth    = Want{Kinds: kinds(retrieval.EntityMonth, 1.0, retrieval.EntityDate, 0.9)}
	wantTime     = Want{Kinds: kinds(retrieval.EntityTime, 1.0, retrieval.EntityDate, 0.4, retrieval.EntityWeekday, 0.4)}
	wantMoney    = Want{Kinds: kinds(retrieval.EntityMoney, 1.0, retrieval.EntityNumber, 0.4)}
	wantPercent  = Want{Kinds: kinds(retrieval.EntityPercent, 1.0, retrieval.EntityNumber, 0.4)}
	wantDuration = Want{Kinds: kinds(retrieval.EntityDuration, 1.0, retrieval.EntityDate, 0.3, retrieval.EntityNumber, 0.3)}
	wantAge      = Want{Kinds: kinds(retrieval.EntityAge, 1.0, retrieval.EntityDuration, 0.8, retrieval.EntityYear, 0.6, retrieval.EntityNumber, 0.5)}
	wantCount    = Want{Kinds: kinds(retrieval.EntityNumber, 1.0, retrieval.EntityQuantity, 0.8, retrieval.EntityMoney, 0.5, retrieval.EntityPercent, 0.5, retrieval.EntityDuration, 0.5)}
	// wantAmount is a bare "how much": money, a quantity, a number.
	wantAmount   = Want{Kinds: kinds(retrieval.EntityMoney, 1.0, retrieval.EntityQuantity, 1.0, retrieval.EntityPercent, 0.8, retrieval.EntityNumber, 0.6)}
	wantQuantity = Want{Kinds: kinds(retrieval.EntityQuantity, 1.0, retrieval.EntityNumber, 0.5)}
	wantOrdinal  = Want{Kinds: kinds(retrieval.EntityOrdinal, 1.0, retrieval.EntityNumber, 0.5)}
	// wantName is "what is the name of X" for an X that is none of a
	// person, an organisation or a place that citebot knows of.
	wantName = Want{Kinds: kinds(retrieval.EntityPerson, 1.0, retrieval.EntityOrg, 1.0, retrieval.EntityPlace, 1.0, retrieval.EntityName, 0.8)}
)

// moneyWords in a "how much" question make it ask for money.
var moneyWords = rtext.WordSet("pay paid pays paying cost costs costing price priced worth fine fined fines raise raised raising spend spent spending budget fund funds funded funding donate donated donation compensation loan loans salary salaries wage wages fee fees charge charged sell sold buy bought earn earned earns owe owed debt deficit revenue revenues profit profits loss losses damages reward bail settlement money dollars euros pounds invest invested investment grant granted pledge pledged aid bill bills ransom award awarded prize bid valued value")

// unitNouns name a quantity's dimension in "what is the X" and "how X".
var unitNouns = map[string]Want{
	"length": withUnit(wantQuantity, "length"), "distance": withUnit(wantQuantity, "length"), "height": withUnit(wantQuantity, "length"),
	"depth": withUnit(wantQuantity, "length"), "width": withUnit(wantQuantity, "length"), "altitude": withUnit(wantQuantity, "length"),
	"elevation": withUnit(wantQuantity, "length"), "weight": withUnit(wantQuantity, "mass"), "mass": withUnit(wantQuantity, "mass"),
	"speed": withUnit(wantQuantity, "speed"), "temperature": withUnit(wantQuantity, "temperature"), "magnitude": withUnit(wantQuantity, "magnitude"),
	"area": withUnit(wantQuantity, "area"), "size": wantQuantity, "capacity": wantQuantity, "volume": wantQuantity,
	"price": wantMoney, "cost": wantMoney, "fine": wantMoney, "budget": wantMoney, "salary": wantMoney, "fee": wantMoney,
	"reward": wantMoney, "bail": wantMoney, "compensation": wantMoney, "value": wantAmount, "worth": wantMoney,
	"revenue": wantMoney, "profit": wantMoney, "loss": wantMoney, "debt": wantMoney, "deficit": wantMoney, "loan": wantMoney,
	"bill": wantMoney, "ransom": wantMoney, "prize": wantMoney, "damages": wantMoney, "settlement": wantMoney, "bid": wantMoney,
	"percentage": wantPercent, "percent": wantPercent, "share": wantPercent, "proportion": wantPercent, "rate": wantPercent,
	"turnout":    withKinds(wantPercent, retrieval.EntityNumber, 0.9),
	"population": wantCount, "number": wantCount, "total": wantCount, "count": wantCount, "toll": wantCount, "score": wantCount,
	"tally": wantCount, "majority": wantCount, "attendance": wantCount, "crowd": wantCount, "vote": wantCount,
	"age": wantAge, "duration": wantDuration, "sentence": wantDuration, "term": wantDuration,
	"year": wantYear, "date": wantDay, "day": wantWeekday, "month": wantMonth, "time": wantTime, "decade": wantYear, "century": wantYear,
	"place": wantOrdinal, "position": wantOrdinal, "rank": wantOrdinal, "ranking": wantOrdinal,
	"nationality": {Kinds: kinds(retrieval.EntityNationality, 1.0, retrieval.EntityPlace, 0.6)},
	"citizenship": {Kinds: kinds(retrieval.EntityNationality, 1.0, retrieval.EntityPlace, 0.6)},
}

func withUnit(w Want, unit string) Want { w.Unit = unit; return w }

func withKinds(w Want, k retrieval.EntityKind, prior float64) Want {
	w.Kinds = append(append([]WantedKind(nil), w.Kinds...), WantedKind{k, prior})
	return w
}

// howWants maps "how X" to what it asks for.
var howWants = map[string]Want{
	"far": withUnit(wantQuantity, "length"), "deep": withUnit(wantQuantity, "length"), "tall": withUnit(wantQuantity, "length"),
	"high": withUnit(wantQuantity, "length"), "wide": withUnit(wantQuantity, "length"), "heavy": withUnit(wantQuantity, "mass"),
	"fast": withUnit(wantQuantity, "speed"), "big": wantQuantity, "large": wantQuantity, "hot": withUnit(wantQuantity, "temperature"),
	"cold": withUnit(wantQuantity, "temperature"), "old": wantAge, "strong": wantQuantity,
	// "How often": every 20 minutes, twice a week.
	"often": {Kinds: kinds(retrieval.EntityDuration, 1.0, retrieval.EntityNumber, 0.99, retrieval.EntityQuantity, 0.5)},
}

// howAspects name the measure a "how X" question asks about.
var howAspects = map[string]string{
	"far": "distance", "deep": "depth", "tall": "height", "high": "height", "wide": "width", "heavy": "weight",
	"fast": "speed", "hot": "temperature", "cold": "temperature", "old": "age", "long": "length",
}

// durationVerbs make "how long" ask for a duration rather than a length.
var durationVerbs = rtext.WordSet("take took taken takes last lasted lasts serve served spend spent sentence sentenced jail jailed prison imprisoned stay stayed wait waited run ran been live lived remain remained go went ago since until until")

// unitDimension maps a normalised unit to its dimension.
var unitDimension = map[string]string{
	"mm": "length", "cm": "length", "m": "length", "km": "length", "mile": "length", "foot": "length", "inch": "length",
	"yard": "length", "nautical mile": "length", "light-year": "length", "hectare": "area", "acre": "area", "km²": "area",
	"g": "mass", "kg": "mass", "tonne": "mass", "pound": "mass", "ounce": "mass", "mph": "speed", "km/h": "speed",
	"knot": "speed", "degree": "temperature", "magnitude": "magnitude",
}

// Dimension is the dimension of a normalised unit ("km" → "length"), or
// "" for a unit it does not know.
func Dimension(unit string) string { return unitDimension[unit] }

// wantOf reads what the question asks for from its words; whIdx is the
// question word's position (-1 when none) and headPos its head noun's.
func wantOf(q *Question, words []word, whIdx, headPos int) Want {
	if whIdx < 0 {
		return Want{}
	}
	lw := make([]string, len(words))
	for i, w := range words {
		lw[i] = w.lower
	}
	at := func(k int) string {
		if k >= 0 && k < len(lw) {
			return lw[k]
		}
		return ""
	}
	has := func(set map[string]bool) bool {
		for _, w := range lw[whIdx:] {
			if set[w] {
				return true
			}
		}
		return false
	}
	switch lw[whIdx] {
	case "who", "whom", "whose":
		if q.Intent == IntentPublisher {
			return wantOrg
		}
		return wantWho
	case "where":
		return wantPlace
	case "when":
		return wantDate
	case "how":
		switch n := at(whIdx + 1); {
		case n == "many":
			w := wantCount
			if noun := at(whIdx + 2); noun != "" && !auxVerbs[noun] {
				if isTimeUnit(noun) {
					return wantDuration
				}
				w.Noun = noun
			}
			return w
		case n == "much" || n == "big" || n == "large":
			if has(moneyWords) {
				return wantMoney // "how much did they pay", "how big was the loan"
			}
			if n == "much" {
				return wantAmount
			}
			return wantQuantity
		case n == "long":
			if has(durationVerbs) || !hasAnyAux(lw[whIdx+2:]) {
				return wantDuration
			}
			return Want{Kinds: kinds(retrieval.EntityQuantity, 1.0, retrieval.EntityDuration, 1.0, retrieval.EntityNumber, 0.4)}
		default:
			if w, ok := howWants[n]; ok {
				w.Aspect = howAspects[n]
				return w
			}
		}
		return Want{}
	case "what", "which":
		head, at := "", headPos
		if headPos >= 0 {
			head = lw[headPos]
		} else if k := whIdx + 2; k < len(lw) {
			// "What was the FY2026 refugee cap?", "What was the name
			// of …": the noun phrase's head.
			head = npHead(lw, k)
			at = slices.Index(lw[k:], head) + k
		}
		// "what is the name of the company": the head of the noun
		// phrase after "name of"; a name is asked for either way.
		if head == "name" || head == "names" {
			k := at + 1
			for k < len(lw) && (lw[k] == "of" || determiners[lw[k]]) {
				k++
			}
			// The named noun alone decides: "the name of the shop" asks
			// for a name whatever the question word suggested.
			named := npHead(lw, k)
			if w := wantOfNoun(named, &Question{}); !w.Empty() && (w.Prior(retrieval.EntityPerson) > 0 || w.Prior(retrieval.EntityOrg) > 0 || w.Prior(retrieval.EntityPlace) > 0) {
				return w
			}
			return wantName
		}
		return wantOfNoun(head, q)
	}
	return Want{}
}

// wantOfNoun is what a question's category noun asks for.
func wantOfNoun(head string, q *Question) Want {
	sing := strings.TrimSuffix(head, "s")
	for _, h := range []string{head, sing} {
		if w, ok := unitNouns[h]; ok {
			if w.Unit != "" {
				w.Aspect = h // "what is the depth": introduced as "a depth of"
			}
			return w
		}
	}
	switch {
	case personNouns[head] || personNouns[sing] || roleLikeNoun(head):
		return wantPerson
	case orgNouns[head] || orgNouns[sing]:
		return wantOrg
	case placeNouns[head] || placeNouns[sing]:
		return wantPlace
	}
	switch q.Type {
	case TypeNumber:
		return wantCount
	case TypeDate:
		return wantDate
	case TypePerson:
		return wantPerson
	case TypeOrg:
		return wantOrg
	case TypePlace:
		return wantPlace
	}
	return Want{}
}

// roleLikeNoun reports nouns naming people by what they do ("driver",
// "spokesman", "captain", "winner").
func roleLikeNoun(w string) bool {
	return strings.HasSuffix(w, "man") || strings.HasSuffix(w, "woman") || strings.HasSuffix(w, "person") ||
		personRoles[w] || personRoles[strings.TrimSuffix(w, "s")]
}

var personRoles = rtext.WordSet("worker employee officer official driver captain pilot winner loser champion candidate nominee victim suspect killer gunman shooter attacker founder owner ceo chairman chair director manager coach player singer actor actress artist author writer journalist reporter judge lawyer attorney prosecutor doctor surgeon scientist researcher professor teacher student spokesperson leader chief head governor mayor senator minister president premier king queen prince princess pope bishop envoy ambassador diplomat officer commander general soldier astronaut chemist economist character cosplayer survivor witness resident husband wife son daughter mother father brother sister successor predecessor replacement rival opponent challenger")

func isTimeUnit(w string) bool {
	switch strings.TrimSuffix(w, "s") {
	case "second", "minute", "hour", "day", "week", "month", "year", "decade", "century", "centurie":
		return true
	}
	return false
}

func hasAnyAux(ws []string) bool {
	for _, w := range ws {
		if auxVerbs[w] {
			return true
		}
	}
	return false
}
