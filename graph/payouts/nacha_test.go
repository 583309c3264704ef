package payouts

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
)

func TestWriteNACHA(t *testing.T) {
	at := time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)
	f := ACHFile{Created: at, Effective: at.AddDate(0, 0, 1), BatchNumber: 3}
	var hash, total int64
	for i := range 1200 { // enough routing numbers for the entry hash to pass ten digits
		r := []string{"011000015", "021000021", "121000358", "322271627"}[i%4]
		var r8 int64
		fmt.Sscanf(r[:8], "%d", &r8)
		hash += r8
		total += int64(1000 + i)
		f.Entries = append(f.Entries, ACHEntry{Routing: r, Account: fmt.Sprint(1000000 + i), Savings: i%3 == 0, Amount: engine.Units(1000 + i),
			IndividualID: fmt.Sprint("m", i), Name: "Consultant ñame " + fmt.Sprint(i), Trace: fmt.Sprintf("01100001%07d", i+1)})
	}
	text, err := WriteNACHA(DemoACH, f)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines)%10 != 0 {
		t.Errorf("%d records: not blocked by ten", len(lines))
	}
	for i, l := range lines {
		if len(l) != 94 {
			t.Fatalf("record %d is %d characters", i+1, len(l))
		}
	}
	// header, batch header, entries, batch control, file control, filler
	if lines[0][:3] != "101" || lines[1][:4] != "5220" || lines[1][50:53] != "PPD" || lines[2][:3] != "632" || lines[3][:3] != "622" {
		t.Errorf("record types: %q %q %q", lines[0][:3], lines[1][:4], lines[2][:3])
	}
	bc, fc := lines[2+len(f.Entries)], lines[3+len(f.Entries)]
	wantHash := fmt.Sprintf("%010d", hash%10_000_000_000)
	if hash < 10_000_000_000 {
		t.Fatalf("the test's hash %d does not overflow ten digits", hash)
	}
	if bc[:1] != "8" || bc[4:10] != "001200" || bc[10:20] != wantHash || bc[32:44] != fmt.Sprintf("%012d", total) {
		t.Errorf("batch control %q", bc)
	}
	blocks := (len(f.Entries) + 4 + 9) / 10
	if fc[:1] != "9" || fc[1:7] != "000001" || fc[7:13] != fmt.Sprintf("%06d", blocks) || fc[21:31] != wantHash || fc[43:55] != fmt.Sprintf("%012d", total) {
		t.Errorf("file control %q", fc)
	}
	if !strings.Contains(lines[2], "CONSULTANT  AME 0") {
		t.Errorf("non-ASCII is not blanked and upper-cased: %q", lines[2][54:76])
	}
	f.Entries[0].Amount = 100_000_000_00 // 10,000,000,000 cents: 11 digits
	if _, err := WriteNACHA(DemoACH, f); err == nil {
		t.Error("an amount wider than its field is written")
	}
}
