package store

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/pole"
)

// The hand readers of JSON arrays must agree with encoding/json whenever
// they accept a document, and accept what the store itself writes.

func TestHandReadersAcceptWhatTheStoreWrites(t *testing.T) {
	strs := []string{"07700 900123", `quote " and \ slash`, "Zoë", ""}
	got, err := decodeStrings("phones", []byte(jsonStrings(strs)))
	if err != nil || !slices.Equal(got, strs) {
		t.Fatalf("strings read back as %q, %v; want %q", got, err, strs)
	}
	addrs := []pole.Address{{Text: "12 Oak Road, Leeds", Postcode: "LS1 1AA", Premises: "residential"}, {Postcode: "BD1 1HA"}, {}}
	back, err := decodeAddresses("addresses", []byte(jsonAddresses(addrs)))
	if err != nil || !slices.Equal(back, addrs) {
		t.Fatalf("addresses read back as %+v, %v; want %+v", back, err, addrs)
	}
	if _, ok := plainAddresses([]byte(jsonAddresses(addrs[:2]))); !ok {
		t.Fatal("the hand reader refused addresses as the store writes them, leaving them to encoding/json")
	}
}

func TestHandReadersNameTheColumnOfBadJSON(t *testing.T) {
	for _, raw := range []string{`[{"text":1}`, `["a",`, `[{"text":"a"},]`} {
		if _, err := decodeAddresses("addresses", []byte(raw)); err == nil {
			t.Errorf("addresses %s: no error", raw)
		}
	}
	if _, err := decodeStrings("aliases", []byte(`["a",`)); err == nil || !strings.Contains(err.Error(), "column aliases") {
		t.Errorf("strings: %v, want an error naming column aliases", err)
	}
}

func FuzzPlainStringsAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{`[]`, ` [ "a" , "b" ] `, `["a\"b"]`, `["\u00e9"]`, `["a",]`, `[1]`, `["x` + "\n" + `"]`, "[\"\xff\"]", `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		fast, ok := plainStrings(raw)
		if !ok {
			return
		}
		var want []string
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("%q: hand reader gave %q, encoding/json refused it: %v", raw, fast, err)
		}
		if !slices.Equal(fast, emptyNil(want)) {
			t.Fatalf("%q: hand reader gave %q, encoding/json %q", raw, fast, want)
		}
	})
}

func FuzzPlainAddressesAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{`[]`, `[{}]`, `[{"text":"1 A St","postcode":"LS1 1AA","premises":"residential"}]`,
		` [ { "postcode" : "B1 1AA" } , {"text":""} ] `, `[{"Text":"a"}]`, `[{"text":"a","text":"b"}]`,
		`[{"text":null}]`, `[{"other":"x"}]`, `[{"text":"a"},]`, "[{\"text\":\"\xff\"}]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		fast, ok := plainAddresses(raw)
		if !ok {
			return
		}
		var want []pole.Address
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("%q: hand reader gave %+v, encoding/json refused it: %v", raw, fast, err)
		}
		if !slices.Equal(fast, emptyNil(want)) {
			t.Fatalf("%q: hand reader gave %+v, encoding/json %+v", raw, fast, want)
		}
	})
}
