package tom

import (
	"testing"
	"time"
)

// FuzzYearOf checks the date-to-financial-year path of issue #8.5 for any
// instant in the supported years: YearOf gives the year whose 1 April to
// 31 March holds the date, it renders and reads back, and Next follows it.
// Run it with: go test -run '^$' -fuzz '^FuzzYearOf$' -fuzztime 60s ./tom/
func FuzzYearOf(f *testing.F) {
	for _, s := range []string{"1000-04-01", "1000-03-31", "2024-03-31", "2024-04-01", "9999-12-31", "2000-02-29"} {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(d.Unix(), int64(0))
	}
	f.Add(int64(-62135596800), int64(1)) // 0001-01-01
	first := time.Date(MinYear, time.April, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(MaxYear+1, time.January, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		d := time.Unix(sec, nsec).UTC()
		y := YearOf(d)
		if d.Before(first) || !d.Before(end) {
			if y.Start() >= MinYear && y.Start() <= MaxYear && d.Before(first) {
				t.Fatalf("%v, before the first supported year, is in %v", d, y)
			}
			return
		}
		if y.Start() < MinYear || y.Start() > MaxYear {
			t.Fatalf("%v is in year %d, outside %d to %d", d, y.Start(), MinYear, MaxYear)
		}
		from := time.Date(y.Start(), time.April, 1, 0, 0, 0, 0, time.UTC)
		to := time.Date(y.Start()+1, time.April, 1, 0, 0, 0, 0, time.UTC)
		if d.Before(from) || !d.Before(to) {
			t.Fatalf("%v is not in %v (%v to %v)", d, y, from, to)
		}
		back, err := ParseYear(y.String())
		if err != nil || back != y {
			t.Fatalf("%v renders %q, which reads back as %v, %v", y, y.String(), back, err)
		}
		if y.Next().Start() != y.Start()+1 || !y.Before(y.Next()) {
			t.Fatalf("%v: next is %v", y, y.Next())
		}
	})
}
