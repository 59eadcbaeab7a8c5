package keyring

import (
	"bytes"
	"testing"
)

// FuzzParse feeds the key file parser arbitrary bytes: it must not panic,
// and a file it accepts must write back as a file it reads as the same keys.
func FuzzParse(f *testing.F) {
	r, err := Generate()
	if err != nil {
		f.Fatal(err)
	}
	r.Rotate()
	good, err := r.marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"format": 1, "current_data_key": "k1", "data_keys": [{"id": "k1"}]}`))
	f.Add([]byte(`{"format": 1} {}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parse(b)
		if err != nil {
			return
		}
		out, err := r.marshal()
		if err != nil {
			t.Fatalf("marshal of a parsed ring: %v", err)
		}
		again, err := parse(out)
		if err != nil {
			t.Fatalf("parse of a marshalled ring: %v", err)
		}
		out2, err := again.marshal()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, out2) {
			t.Errorf("the ring changed on a second round trip:\n%s\n%s", out, out2)
		}
	})
}
