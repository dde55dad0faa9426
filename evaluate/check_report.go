package evaluate

import (
	"encoding/json"
	"io"

	"github.com/socialvalue-toms/toms/rules"
)

// CheckReport is a tender's policy check as `toms check` prints it: the
// verdict of every rule (see Check) with the tender it was made for.
type CheckReport struct {
	Tender *Tender      // the tender checked
	Report rules.Report // every rule's verdict
}

// checkJSON is the documented JSON of a CheckReport (FORMAT.md, "toms check JSON").
type checkJSON struct {
	Tender   string          `json:"tender"`
	Title    string          `json:"title"`
	Failed   bool            `json:"failed"`
	Verdicts []rules.Verdict `json:"outcomes"`
}

// MarshalJSON renders the report as {"tender", "title", "failed", "outcomes"}.
func (c CheckReport) MarshalJSON() ([]byte, error) {
	out := checkJSON{Tender: c.Tender.ID, Title: c.Tender.Title, Failed: c.Report.Failed(), Verdicts: c.Report.Verdicts}
	if out.Verdicts == nil {
		out.Verdicts = []rules.Verdict{}
	}
	return json.Marshal(out)
}

// WriteJSON writes the report's JSON, indented by two spaces and ending
// with a newline, as `toms check --format json` prints it.
func (c CheckReport) WriteJSON(w io.Writer) error { return writeIndentedJSON(w, c) }

// WriteText writes the report for people, as `toms check` prints it: one
// line per rule (status, rule, severity, the message of a rule that did not
// pass), then the counts and the verdict.
func (c CheckReport) WriteText(w io.Writer) error {
	p := &printer{w: w}
	rep := c.Report
	p.printf("Tender %s: %s\n", c.Tender.ID, c.Tender.Title)
	if len(rep.Verdicts) > 0 {
		writePolicy(p, rep.Verdicts, "")
	}
	verdict := "OK: no rule of severity error failed"
	if rep.Failed() {
		verdict = "FAILED: a rule of severity error failed; the tender must not be evaluated as it stands"
	}
	p.printf("%d rules: %d pass, %d fail, %d waived, %d skipped, %d error. %s\n",
		len(rep.Verdicts), rep.Count(rules.StatusPass), rep.Count(rules.StatusFail), rep.Count(rules.StatusWaived),
		rep.Count(rules.StatusSkipped), rep.Count(rules.StatusError), verdict)
	return p.err
}
