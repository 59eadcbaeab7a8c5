package ingest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/caselink/caselink/internal/pole"
)

// jsonSynonyms are names that JSON exports give fields, folded with their
// path ("name.given" becomes "namegiven"), beyond the column names of
// delimited files. Within a case a bare "ref" is its crime reference,
// within a person their record id.
var jsonSynonyms = map[string][]string{
	"case.crime_ref":            {"ref", "reference", "occurrenceref", "id"},
	"case.decision_maker":       {"outcomeby", "outcomedecidedby", "decisionby"},
	"case.closure_rationale":    {"outcomerationale", "outcomereason"},
	"case.outcome":              {"outcometype", "outcomecode"},
	"case.offence_codes":        {"offencecodes", "codes", "offencecode"},
	"person.record_id":          {"ref", "reference", "id", "personref"},
	"person.forename":           {"namegiven", "namefirst", "nameforename"},
	"person.middle_names":       {"namemiddle", "namemiddlenames"},
	"person.surname":            {"namefamily", "namelast", "namesurname"},
	"person.ethnicity_self":     {"ethnicityself", "ethnicitysde", "ethnicityselfdefined"},
	"person.ethnicity_observed": {"ethnicityobserved", "ethnicityofficer", "ethnicityic"},
	"person.address":            {"addresses0text", "address0text", "addresstext"},
	"person.postcode":           {"addresses0postcode", "addresspostcode"},
	"person.premises":           {"addresses0type", "addresstype"},
	"event.record_id":           {"person", "personref", "ref"},
	"event.type":                {"type", "event", "eventtype"},
	"event.date":                {"date", "eventdate", "on"},
}

// draftJSON proposes a json_cases profile from the first objects of a JSON
// Lines export: which array holds the people and which the events, and
// which path is which field.
func draftJSON(file, force, encoding string, lines []string) (string, error) {
	var objects []map[string]any
	skip := 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		var obj map[string]any
		if json.Unmarshal([]byte(l), &obj) != nil {
			continue
		}
		// Lines before the first case (a banner object) have no array of
		// objects: they are skipped.
		if len(objects) == 0 && len(arraysOfObjects(obj)) == 0 {
			skip++
			continue
		}
		objects = append(objects, obj)
		if len(objects) == draftSample {
			break
		}
	}
	if len(objects) == 0 {
		return "", pole.Invalid("file", "%s: no JSON object with an array of people found", file)
	}
	peoplePath, eventPath := "", ""
	best := 0
	for _, path := range arraysOfObjects(objects[0]) {
		keys := leafPaths(objects[0][path].([]any)[0].(map[string]any), "", false)
		score := 0
		for _, k := range keys {
			if _, ok := matchField("person.", fold(k)); ok {
				score++
			}
		}
		if score > best {
			peoplePath, best = path, score
		}
	}
	for _, path := range arraysOfObjects(objects[0]) {
		if path != peoplePath {
			eventPath = path
		}
	}
	caseFields := mapPaths("case.", leafPaths(objects[0], "", true))
	var people, events []map[string]any
	for _, o := range objects {
		people = append(people, children(o, peoplePath)...)
		events = append(events, children(o, eventPath)...)
	}
	personFields := mapPaths("person.", union(people))
	eventFields := mapPaths("event.", union(events))

	var dateValues []string
	for _, o := range objects {
		for _, k := range []string{"case.recorded", "case.offence_from", "case.offence_to", "case.outcome_date"} {
			if pth, ok := caseFields[k]; ok {
				dateValues = append(dateValues, jsonRecord{obj: o}.get(pth))
			}
		}
	}
	for _, pp := range people {
		if pth, ok := personFields["person.dob"]; ok {
			dateValues = append(dateValues, jsonRecord{obj: pp}.get(pth))
		}
	}
	dates, pivot := guessDates(slices.DeleteFunc(dateValues, func(v string) bool { return v == "" }))

	var b strings.Builder
	fmt.Fprintf(&b, "# Drafted by caselink profile draft from %s.\n# Check every line, then run: caselink profile check --profile THIS %s\n", filepath.Base(file), filepath.Base(file))
	fmt.Fprintf(&b, "force = %q\nsystem = %q\nlayout = %q\nfiles = %q\n\n[format]\n", force, "", JSONCases, filepath.Base(file))
	fmt.Fprintf(&b, "encoding = %q\nskip_lines = %d\ndates = [%s]\n", encoding, skip, quoteList(dates))
	if pivot {
		b.WriteString("# Two-digit years: check the pivot against the oldest and youngest dates of birth.\ntwo_digit_year_pivot = 30\n")
	}
	writeSection(&b, "case", "", caseFields)
	writeSection(&b, "person", peoplePath, personFields)
	if eventPath != "" {
		writeSection(&b, "event", eventPath, eventFields)
	}
	return b.String(), nil
}

func writeSection(b *strings.Builder, section, path string, fields map[string]string) {
	fmt.Fprintf(b, "\n[%s]\n", section)
	if path != "" {
		fmt.Fprintf(b, "path = %q\n", path)
	}
	var keys []string
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "%s = %q\n", strings.TrimPrefix(k, section+"."), fields[k])
	}
}

// matchField finds the profile key a folded name stands for in a section.
func matchField(section, name string) (string, bool) {
	for _, s := range synonyms {
		if strings.HasPrefix(s.key, section) && slices.Contains(s.names, name) {
			return s.key, true
		}
	}
	keys := make([]string, 0, len(jsonSynonyms))
	for k := range jsonSynonyms {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if strings.HasPrefix(k, section) && slices.Contains(jsonSynonyms[k], name) {
			return k, true
		}
	}
	return "", false
}

// mapPaths maps each path to the field it stands for, the first path
// taking a field.
func mapPaths(section string, paths []string) map[string]string {
	out := map[string]string{}
	for _, pth := range paths {
		if key, ok := matchField(section, fold(pth)); ok {
			if _, taken := out[key]; !taken {
				out[key] = pth
			}
		}
	}
	return out
}

// leafPaths lists the paths to an object's values, sorted, through nested
// objects and into the first object of an array of objects (addresses.0.text);
// arrays of plain values are leaves. A case's own arrays of objects are its
// people and events, sections of their own: caseLevel leaves them out.
func leafPaths(obj map[string]any, prefix string, caseLevel bool) []string {
	var out []string
	for k, v := range obj {
		p := prefix + k
		switch t := v.(type) {
		case map[string]any:
			out = append(out, leafPaths(t, p+".", false)...)
		case []any:
			if len(t) > 0 {
				if inner, ok := t[0].(map[string]any); ok {
					if !caseLevel {
						out = append(out, leafPaths(inner, p+".0.", false)...)
					}
					continue
				}
			}
			out = append(out, p)
		default:
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

func arraysOfObjects(obj map[string]any) []string {
	var out []string
	for k, v := range obj {
		if arr, ok := v.([]any); ok && len(arr) > 0 {
			if _, ok := arr[0].(map[string]any); ok {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

func children(obj map[string]any, path string) []map[string]any {
	var out []map[string]any
	arr, _ := obj[path].([]any)
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// union lists the paths found in any of the objects.
func union(objects []map[string]any) []string {
	seen := map[string]bool{}
	for _, o := range objects {
		for _, p := range leafPaths(o, "", false) {
			seen[p] = true
		}
	}
	return keys(seen)
}
