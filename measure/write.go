package measure

import (
	"bytes"
	"encoding/json"
	"io"

	"gopkg.in/yaml.v3"

	"github.com/socialvalue-toms/toms/internal/csvsafe"
	"github.com/socialvalue-toms/toms/internal/yamlx"
)

// WriteRecords writes records as an outcomes or commitments file that
// ReadRecords and Aggregator.Read read back: CSV with a header row, or JSON
// lines, with the columns of kind (commitments have no evidence column). A
// JSON line leaves out the optional keys that are empty. CSV goes through
// the module's spreadsheet-safe writer: a text cell starting with =, +, -,
// @, a tab or a carriage return is written with a leading single quote, so
// such a name reads back with the quote; JSON lines keep every value as it
// is.
func WriteRecords(w io.Writer, format Format, kind Kind, recs []Record) error {
	var cols []column
	for c := column(0); c < numCols; c++ {
		if c.allowed(kind) {
			cols = append(cols, c)
		}
	}
	cells := func(r Record) [numCols]string {
		var f [numCols]string
		f[colContract], f[colSupplier], f[colMeasure] = r.Contract, r.Supplier, r.Measure
		f[colQuantity], f[colDate] = r.Quantity.String(), r.Date.Format(dateLayout)
		f[colEvidence], f[colPeriod], f[colNotes], f[colUnit] = r.Evidence, r.Period, r.Notes, string(r.Unit)
		f[colSME], f[colVCSE], f[colLocal] = r.SupplierSME.String(), r.SupplierVCSE.String(), r.Local.String()
		return f
	}
	if format == JSONLines {
		var buf bytes.Buffer
		for _, r := range recs {
			f := cells(r)
			buf.WriteByte('{')
			first := true
			for _, c := range cols {
				if f[c] == "" && !c.required(kind) {
					continue
				}
				if !first {
					buf.WriteByte(',')
				}
				first = false
				k, _ := json.Marshal(columnNames[c])
				buf.Write(k)
				buf.WriteByte(':')
				if c == colQuantity {
					buf.WriteString(f[c]) // a plain decimal: a JSON number, read back from its text
					continue
				}
				v, err := json.Marshal(f[c])
				if err != nil {
					return err
				}
				buf.Write(v)
			}
			buf.WriteString("}\n")
		}
		_, err := w.Write(buf.Bytes())
		return err
	}
	cw := csvsafe.NewWriter(w)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = columnNames[c]
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range recs {
		f := cells(r)
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = f[c]
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// contractCells are a contract's fields as text, in ContractColumns order:
// what WriteContracts writes in either format.
func contractCells(c Contract) []string {
	by := map[string]string{
		"id": c.ID, "title": c.Title, "supplier": c.Supplier, "value": c.Value.String(),
		"start": c.Start.Format(dateLayout), "end": c.End.Format(dateLayout),
		"category": c.Category, "tender": c.Tender,
		"sme": c.SME.String(), "vcse": c.VCSE.String(), "local": c.Local.String(),
	}
	out := make([]string, len(contractColumns))
	for i, col := range contractColumns {
		out[i] = by[col]
	}
	return out
}

// WriteContracts writes contracts as a register that ReadContracts reads
// back: a CSV table with a header row when csv is true (through the
// spreadsheet-safe writer, as WriteRecords), YAML with apiVersion and kind
// otherwise. Fields that are empty (an unknown flag, no title) are left out
// of the YAML and empty in the CSV.
func WriteContracts(w io.Writer, csv bool, contracts []Contract) error {
	if csv {
		cw := csvsafe.NewWriter(w)
		if err := cw.Write(contractColumns); err != nil {
			return err
		}
		for _, c := range contracts {
			if err := cw.Write(contractCells(c)); err != nil {
				return err
			}
		}
		return cw.Flush()
	}
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, c := range contracts {
		m := &yaml.Node{Kind: yaml.MappingNode}
		for i, v := range contractCells(c) {
			if v == "" {
				continue
			}
			m.Content = append(m.Content, str(contractColumns[i]), str(v))
		}
		list.Content = append(list.Content, m)
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str("apiVersion"), str(yamlx.APIVersion), str("kind"), str("Contracts"), str("contracts"), list,
	}}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return enc.Close()
}
