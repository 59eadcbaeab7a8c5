package reftable

import (
	"strings"
	"testing"
	"testing/fstest"
)

func panicOf(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = r.(string)
		}
	}()
	f()
	return ""
}

func TestReadSkipsCommentsAndKeepsLineNumbers(t *testing.T) {
	fsys := fstest.MapFS{"t.csv": {Data: []byte("# source: public list\ncode,name\nW1,White British\nA2,Pakistani\n")}}
	rows := Read(fsys, "pole", "t.csv", "code", "name")
	if len(rows) != 2 || rows[1].Fields[1] != "Pakistani" || rows[1].Line != 4 {
		t.Fatalf("got %+v, want two rows, the second at line 4", rows)
	}
}

func TestMalformedTablesPanicNamingFileAndLine(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{"code,label\nW1,x\n", `t.csv:1: header is ["code" "label"]`},
		{"code,name\nW1, White\n", "t.csv:2: column name has leading or trailing spaces"},
		{"code,name\nW1\n", "wrong number of fields"},
		{"code,name\n", "no data rows"},
		{"code,name\nW1,\xff\n", "not valid UTF-8"},
	} {
		got := panicOf(func() { Read(fstest.MapFS{"t.csv": {Data: []byte(tc.data)}}, "pole", "t.csv", "code", "name") })
		if !strings.HasPrefix(got, "pole: ") || !strings.Contains(got, tc.want) {
			t.Errorf("%q: panic %q, want it to say %q", tc.data, got, tc.want)
		}
	}
	row := Read(fstest.MapFS{"t.csv": {Data: []byte("code,name\nW1,\n")}}, "synth", "t.csv", "code", "name")[0]
	if got := panicOf(func() { row.RequireValues(1) }); got != "synth: t.csv:2: column name is empty" {
		t.Fatalf("RequireValues: got %q", got)
	}
}
