// Command annual-review runs the council's whole social value cycle, from
// tender to the annual review against targets, with the library:
//
//  1. evaluate the highways tender (cycle/tender.yaml, three bids);
//
//  2. award two contracts from it, HW-1 to the bid ranked first and HW-2 to
//     the second, each from 1 July 2024 to 30 June 2026, their
//     commitments spread over the financial years by days (package award),
//     and their register entries;
//
//  3. read a year of the suppliers' returns (cycle/returns-2024-25.csv)
//     against those commitments;
//
//  4. judge 2024/25 against the council's targets (cycle/targets-2024-25.yaml)
//     with the contract register: RAG, social value per £1, shares of total
//     spend.
//
//     go run ./examples/annual-review                  # the cycle's review, Markdown
//     go run ./examples/annual-review -format html > review.html
//     go run ./examples/annual-review -data DIR        # also write the files the CLI reads
//     go run ./examples/annual-review -generated       # a generated year of a dozen contracts
//
// The same with the command line, after -data DIR:
//
//	toms award DIR/tender.yaml --contract HW-1 --supplier "Kestrel Civils" --start 2024-07-01 --end 2026-06-30 ...
//	toms report DIR/returns-2024-25.csv --commitments DIR/commitments.csv --contracts DIR/register.csv \
//	    --targets DIR/targets-2024-25.yaml --year 2024/25
//
// With -generated it generates a realistic year of quarterly social value
// returns for a dozen contracts, with the commitments made at award, and
// publishes the council's annual review from them. The data is generated, deterministically from -seed, rather than stored:
// four quarterly return files (returns-2024-Q1.csv ... Q4) and
// commitments.csv. Suppliers deliver at different paces, so the review
// shows contracts met, on track, behind and not started; one return has a
// row without evidence, which lenient reading rejects and the review lists.
// Carbon savings are valued with the government's 2021/22 carbon value,
// carried forward, and the review says so.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/socialvalue-toms/toms/measure"
	"github.com/socialvalue-toms/toms/tom"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "annual-review:", err)
		os.Exit(1)
	}
}

// contract is one generated contract: its supplier and what it committed to.
type contract struct {
	id, supplier     string
	sme, vcse, local bool
	pace             int // percent of the commitment delivered over the year
	commitments      []commitment
}

type commitment struct {
	measure string
	amount  int // in hundredths of the measure's unit, for the whole year
}

var suppliers = []struct {
	name             string
	sme, vcse, local bool
}{
	{"Acme Facilities Ltd", false, false, true}, {"Brightway Care CIC", true, true, true},
	{"Civic Build Group plc", false, false, false}, {"Dales Catering Ltd", true, false, true},
	{"Evergreen Grounds Ltd", true, false, true}, {"Fairshare Transport CIC", true, true, true},
	{"Granite Highways plc", false, false, false}, {"Harbour IT Services Ltd", true, false, false},
	{"Insight Consulting LLP", true, false, false}, {"Junction Youth Trust", true, true, true},
	{"Keystone Cleaning Ltd", true, false, true}, {"Lowland Energy plc", false, false, false},
}

// menus are measures a contract may commit to, with a yearly range in whole units.
var menu = []struct {
	measure  string
	min, max int
}{
	{"volunteering-hours", 100, 1200}, {"expert-hours", 20, 300}, {"resources-donated", 1000, 20000},
	{"vcs-schools-supported", 2, 20}, {"local-people-training", 5, 60}, {"local-apprentices", 1, 8},
	{"apprenticeship-weeks", 40, 400}, {"young-people-supported", 10, 150}, {"work-placement-weeks", 4, 60},
	{"local-spend", 50000, 900000}, {"sme-spend", 20000, 500000}, {"vcse-spend", 5000, 120000},
	{"carbon-saved", 5, 120}, {"waste-diverted", 10, 400},
}

// generate makes the contracts deterministically from the seed.
func generate(seed uint64) []contract {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	paces := []int{120, 105, 100, 95, 90, 80, 70, 60, 50, 40, 25, 0}
	rng.Shuffle(len(paces), func(i, j int) { paces[i], paces[j] = paces[j], paces[i] })
	var cs []contract
	for i, s := range suppliers {
		c := contract{id: fmt.Sprintf("CT-2024-%03d", i+1), supplier: s.name, sme: s.sme, vcse: s.vcse, local: s.local, pace: paces[i]}
		picks := rng.Perm(len(menu))[:3+rng.IntN(3)]
		// the energy firm saves carbon, the consultancy gives expert time
		for k, m := range menu {
			if (m.measure == "carbon-saved" && strings.Contains(s.name, "Energy")) || (m.measure == "expert-hours" && strings.Contains(s.name, "Consulting")) {
				if !slices.Contains(picks, k) {
					picks = append(picks, k)
				}
			}
		}
		slices.Sort(picks)
		for _, k := range picks {
			m := menu[k]
			c.commitments = append(c.commitments, commitment{m.measure, (m.min + rng.IntN(m.max-m.min+1)) * 100})
		}
		cs = append(cs, c)
	}
	return cs
}

// quarterEnds are the dates of the 2024/25 quarterly returns.
var quarterEnds = []string{"2024-06-30", "2024-09-30", "2024-12-31", "2025-03-31"}

// writeData writes commitments.csv and the four quarterly returns into dir,
// and returns the return files in order.
func writeData(dir string, seed uint64) (returns []string, commitments string, err error) {
	cs := generate(seed)
	rng := rand.New(rand.NewPCG(seed+1, seed))
	var cb strings.Builder
	cb.WriteString("contract,supplier,measure,quantity,date\n")
	for _, c := range cs {
		for _, m := range c.commitments {
			fmt.Fprintf(&cb, "%s,%s,%s,%s,2024-04-01\n", c.id, c.supplier, m.measure, hundredths(m.amount))
		}
	}
	commitments = filepath.Join(dir, "commitments.csv")
	if err := os.WriteFile(commitments, []byte(cb.String()), 0o644); err != nil {
		return nil, "", err
	}
	for q, date := range quarterEnds {
		var b strings.Builder
		b.WriteString("contract,supplier,measure,quantity,date,evidence,period,supplier_sme,supplier_vcse,local,notes\n")
		for _, c := range cs {
			for _, m := range c.commitments {
				// a quarter of the year's pace, give or take 20%
				amount := m.amount * c.pace / 100 * (80 + rng.IntN(41)) / 100 / 4
				if !strings.HasSuffix(m.measure, "-hours") && !strings.HasSuffix(m.measure, "-spend") && m.measure != "resources-donated" {
					amount = amount / 100 * 100 // whole people, weeks, tonnes
				}
				if amount == 0 {
					continue
				}
				evidence := fmt.Sprintf("%s/2024-Q%d/%s.pdf", c.id, q+1, m.measure)
				if q == 2 && c.pace == 50 && m == c.commitments[0] {
					evidence = "" // forgotten: lenient reading rejects this row
				}
				sme, vcse, local := "", "", ""
				// Who received the spend. The catalogue's spend measures are
				// disjoint (each pound under one of them): local-spend is local
				// suppliers that are neither SMEs nor VCSEs, sme-spend SMEs
				// outside the county, vcse-spend VCSEs (here local SMEs).
				switch m.measure {
				case "local-spend":
					sme, vcse, local = "no", "no", "yes"
				case "sme-spend":
					sme, vcse, local = "yes", "no", "no"
				case "vcse-spend":
					sme, vcse, local = "yes", "yes", "yes"
				}
				fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,2024-Q%d,%s,%s,%s,\n", c.id, c.supplier, m.measure, hundredths(amount), date, evidence, q+1, sme, vcse, local)
			}
		}
		path := filepath.Join(dir, fmt.Sprintf("returns-2024-Q%d.csv", q+1))
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			return nil, "", err
		}
		returns = append(returns, path)
	}
	return returns, commitments, nil
}

// hundredths renders n/100 exactly, without floats: 12345 -> "123.45".
func hundredths(n int) string {
	if n%100 == 0 {
		return fmt.Sprint(n / 100)
	}
	return fmt.Sprintf("%d.%02d", n/100, n%100)
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("annual-review", flag.ContinueOnError)
	format := fs.String("format", "md", "md, html or json")
	dataDir := fs.String("data", "", "directory to write the input files to (default: a temporary directory, removed afterwards, for -generated; none for the cycle)")
	generated := fs.Bool("generated", false, "review a generated year of a dozen contracts instead of the cycle from tender to targets")
	seed := fs.Uint64("seed", 2024, "seed of the generated data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*generated {
		return runCycle(ctx, *dataDir, *format, stdout)
	}
	dir := *dataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "annual-review-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	returns, commitments, err := writeData(dir, *seed)
	if err != nil {
		return err
	}

	fw, err := tom.Default()
	if err != nil {
		return err
	}
	agg := measure.NewAggregator(fw, measure.Options{Year: tom.MustYear("2024/25"), YearPolicy: tom.CarryForward})
	read := func(path string, kind measure.Kind) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		// Paths in the report are relative to the data directory, so the
		// report does not depend on where it was generated.
		_, err = agg.Read(ctx, f, filepath.Base(path), kind, measure.ReadOptions{Lenient: true})
		return err
	}
	for _, r := range returns {
		if err := read(r, measure.Outcomes); err != nil {
			return err
		}
	}
	if err := read(commitments, measure.Commitments); err != nil {
		return err
	}
	rv := measure.NewReview(agg.Result(), measure.ReviewOptions{Title: "County Council social value annual review"})
	switch *format {
	case "html":
		return rv.WriteHTML(stdout)
	case "json":
		return rv.WriteJSON(stdout)
	case "md":
		return rv.WriteMarkdown(stdout)
	}
	return fmt.Errorf("-format %q: use md, html or json", *format)
}
