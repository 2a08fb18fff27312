package answer

import (
	"strings"

	"github.com/citebot/citebot/retrieval"
)

// A question's want is the kind of entity that answers it, finer than its
// AnswerType: "how much did they pay" wants an amount of money, "how long
// did the flight take" a duration, "how deep is the wreck" a quantity of
// length, "on what date" a day (a month will do, less well), "how many
// votes" a number of votes. Candidates of the kind asked for are short
// answers; a kind that only will-do is quoted, never put in bold.

// wantKind is one acceptable kind and how well it answers: 1 for exactly
// the kind asked for, less for a kind that is a weaker answer (a month for
// a date, a bare number for an amount).
type wantKind struct {
	kind  retrieval.EntityKind
	prior float64
}

// exactPrior is the least prior of a kind a short answer may be of.
const exactPrior = 0.99

// want says what answers a question.
type want struct {
	kinds []wantKind
	// unit restricts quantities to one dimension ("length", "mass" …);
	// empty for any.
	unit string
	// noun is the counted noun of "how many N" (lower case, as written),
	// which the number's own noun should match.
	noun string
}

func (w want) prior(k retrieval.EntityKind) float64 {
	for _, wk := range w.kinds {
		if wk.kind == k {
			return wk.prior
		}
	}
	return 0
}

func (w want) empty() bool { return len(w.kinds) == 0 }

func kinds(ks ...any) []wantKind {
	var out []wantKind
	for i := 0; i+1 < len(ks); i += 2 {
		out = append(out, wantKind{ks[i].(retrieval.EntityKind), ks[i+1].(float64)})
	}
	return out
}

var (
	wantPerson   = want{kinds: kinds(retrieval.EntityPerson, 1.0, retrieval.EntityName, 0.5)}
	wantOrg      = want{kinds: kinds(retrieval.EntityOrg, 1.0, retrieval.EntityName, 0.5)}
	wantPlace    = want{kinds: kinds(retrieval.EntityPlace, 1.0, retrieval.EntityName, 0.5)}
	wantWho      = want{kinds: kinds(retrieval.EntityPerson, 1.0, retrieval.EntityOrg, 0.7, retrieval.EntityName, 0.5)}
	wantDate     = want{kinds: kinds(retrieval.EntityDate, 1.0, retrieval.EntityMonth, 0.8, retrieval.EntityYear, 0.7, retrieval.EntityWeekday, 0.5, retrieval.EntityPeriod, 0.6, retrieval.EntityTime, 0.4)}
	wantDay      = want{kinds: kinds(retrieval.EntityDate, 1.0, retrieval.EntityWeekday, 0.6, retrieval.EntityMonth, 0.5)}
	wantYear     = want{kinds: kinds(retrieval.EntityYear, 1.0, retrieval.EntityDate, 0.9, retrieval.EntityMonth, 0.9, retrieval.EntityPeriod, 0.5)}
	wantMonth    = want{kinds: kinds(retrieval.EntityMonth, 1.0, retrieval.EntityDate, 0.9)}
	wantTime     = want{kinds: kinds(retrieval.EntityTime, 1.0, retrieval.EntityDate, 0.4, retrieval.EntityWeekday, 0.4)}
	wantMoney    = want{kinds: kinds(retrieval.EntityMoney, 1.0, retrieval.EntityNumber, 0.4)}
	wantPercent  = want{kinds: kinds(retrieval.EntityPercent, 1.0, retrieval.EntityNumber, 0.4)}
	wantDuration = want{kinds: kinds(retrieval.EntityDuration, 1.0, retrieval.EntityDate, 0.3, retrieval.EntityNumber, 0.3)}
	wantAge      = want{kinds: kinds(retrieval.EntityAge, 1.0, retrieval.EntityDuration, 0.8, retrieval.EntityNumber, 0.5)}
	wantCount    = want{kinds: kinds(retrieval.EntityNumber, 1.0, retrieval.EntityQuantity, 0.8, retrieval.EntityMoney, 0.5, retrieval.EntityPercent, 0.5, retrieval.EntityDuration, 0.5)}
	// wantAmount is a bare "how much": money, a quantity, a number.
	wantAmount   = want{kinds: kinds(retrieval.EntityMoney, 1.0, retrieval.EntityQuantity, 1.0, retrieval.EntityPercent, 0.8, retrieval.EntityNumber, 0.6)}
	wantQuantity = want{kinds: kinds(retrieval.EntityQuantity, 1.0, retrieval.EntityNumber, 0.5)}
	wantOrdinal  = want{kinds: kinds(retrieval.EntityOrdinal, 1.0, retrieval.EntityNumber, 0.5)}
)

// moneyWords in a "how much" question make it ask for money.
var moneyWords = wordSet("pay paid pays paying cost costs costing price priced worth fine fined fines raise raised raising spend spent spending budget fund funds funded funding donate donated donation compensation loan loans salary salaries wage wages fee fees charge charged sell sold buy bought earn earned earns owe owed debt deficit revenue revenues profit profits loss losses damages reward bail settlement money dollars euros pounds invest invested investment grant granted pledge pledged aid bill bills ransom award awarded prize bid valued value")

// unitNouns name a quantity's dimension in "what is the X" and "how X".
var unitNouns = map[string]want{
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
	"tally": wantCount, "majority": wantCount, "attendance": wantCount, "crowd": wantCount,
	"age": wantAge, "duration": wantDuration, "sentence": wantDuration, "term": wantDuration,
	"year": wantYear, "date": wantDay, "day": wantDay, "month": wantMonth, "time": wantTime, "decade": wantYear, "century": wantYear,
	"place": wantOrdinal, "position": wantOrdinal, "rank": wantOrdinal, "ranking": wantOrdinal,
}

func withUnit(w want, unit string) want { w.unit = unit; return w }

func withKinds(w want, k retrieval.EntityKind, prior float64) want {
	w.kinds = append(append([]wantKind(nil), w.kinds...), wantKind{k, prior})
	return w
}

// howWants maps "how X" to what it asks for.
var howWants = map[string]want{
	"far": withUnit(wantQuantity, "length"), "deep": withUnit(wantQuantity, "length"), "tall": withUnit(wantQuantity, "length"),
	"high": withUnit(wantQuantity, "length"), "wide": withUnit(wantQuantity, "length"), "heavy": withUnit(wantQuantity, "mass"),
	"fast": withUnit(wantQuantity, "speed"), "big": wantQuantity, "large": wantQuantity, "hot": withUnit(wantQuantity, "temperature"),
	"cold": withUnit(wantQuantity, "temperature"), "old": wantAge, "often": wantCount, "strong": wantQuantity,
}

// durationVerbs make "how long" ask for a duration rather than a length.
var durationVerbs = wordSet("take took taken takes last lasted lasts serve served spend spent sentence sentenced jail jailed prison imprisoned stay stayed wait waited run ran been live lived remain remained go went ago since until until")

// unitDimension maps a normalised unit to its dimension.
var unitDimension = map[string]string{
	"mm": "length", "cm": "length", "m": "length", "km": "length", "mile": "length", "foot": "length", "inch": "length",
	"yard": "length", "nautical mile": "length", "light-year": "length", "hectare": "area", "acre": "area", "km²": "area",
	"g": "mass", "kg": "mass", "tonne": "mass", "pound": "mass", "ounce": "mass", "mph": "speed", "km/h": "speed",
	"knot": "speed", "degree": "temperature", "magnitude": "magnitude",
}

// wantOf reads what the question asks for from its words; whIdx is the
// question word's position (-1 when none) and headPos its head noun's.
func wantOf(q *Question, words []word, whIdx, headPos int) want {
	if whIdx < 0 {
		return want{}
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
				w.noun = noun
			}
			return w
		case n == "much":
			if has(moneyWords) {
				return wantMoney
			}
			return wantAmount
		case n == "long":
			if has(durationVerbs) || !hasAnyAux(lw[whIdx+2:]) {
				return wantDuration
			}
			return want{kinds: kinds(retrieval.EntityQuantity, 1.0, retrieval.EntityDuration, 1.0, retrieval.EntityNumber, 0.4)}
		default:
			if w, ok := howWants[n]; ok {
				return w
			}
		}
		return want{}
	case "what", "which":
		head := ""
		if headPos >= 0 {
			head = lw[headPos]
		}
		// "what is the name of the company": the noun after "name of".
		if head == "name" || head == "names" {
			for k := headPos + 1; k < len(lw) && k <= headPos+3; k++ {
				if lw[k] == "of" || determiners[lw[k]] {
					continue
				}
				head = lw[k]
				break
			}
		}
		if head == "" && q.Type == TypeNone {
			// "What was the FY2026 refugee cap?": the noun phrase's head.
			head = npHead(lw, whIdx+2)
		}
		return wantOfNoun(head, q)
	}
	return want{}
}

// wantOfNoun is what a question's category noun asks for.
func wantOfNoun(head string, q *Question) want {
	sing := strings.TrimSuffix(head, "s")
	for _, h := range []string{head, sing} {
		if w, ok := unitNouns[h]; ok {
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
	return want{}
}

// roleLikeNoun reports nouns naming people by what they do ("driver",
// "spokesman", "captain", "winner").
func roleLikeNoun(w string) bool {
	return strings.HasSuffix(w, "man") || strings.HasSuffix(w, "woman") || strings.HasSuffix(w, "person") ||
		personRoles[w] || personRoles[strings.TrimSuffix(w, "s")]
}

var personRoles = wordSet("driver captain pilot winner loser champion candidate nominee victim suspect killer gunman shooter attacker founder owner ceo chairman chair director manager coach player singer actor actress artist author writer journalist reporter judge lawyer attorney prosecutor doctor surgeon scientist researcher professor teacher student spokesperson leader chief head governor mayor senator minister president premier king queen prince princess pope bishop envoy ambassador diplomat officer commander general soldier astronaut chemist economist character cosplayer survivor witness resident husband wife son daughter mother father brother sister successor predecessor replacement rival opponent challenger")

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

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
