package measure

import (
	"bufio"
	"embed"
	htmltemplate "html/template"
	"io"
	texttemplate "text/template"
)

//go:embed templates/review.md.tmpl templates/review.html.tmpl
var templates embed.FS

var (
	mdTemplate = texttemplate.Must(texttemplate.New("review.md.tmpl").Funcs(texttemplate.FuncMap{"md": mdText}).
			ParseFS(templates, "templates/review.md.tmpl"))
	htmlTemplate = htmltemplate.Must(htmltemplate.New("review.html.tmpl").Funcs(htmltemplate.FuncMap{"style": func() htmltemplate.CSS { return htmlStyle }}).
			ParseFS(templates, "templates/review.html.tmpl"))
)

// WriteMarkdown renders the review as a Markdown document for a committee
// paper, from templates/review.md.tmpl: the headline (£ social value beside
// the non-financial totals), the targets with their RAG ratings, each theme
// with its measures, the top contracts (with their suppliers) and
// suppliers, committed against delivered, the register's contracts and
// their commitments over their lives, SME/VCSE/local spend, this year
// against last, the proxy values used with their sources, and the
// data-quality notes with the rejected rows (the first 50).
func (rv *Review) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if err := mdTemplate.Execute(bw, rv.view()); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteHTML renders the same document as one self-contained HTML page, from
// templates/review.html.tmpl: inline CSS and inline SVG bar charts (social
// value by theme, top contracts and suppliers, delivery against
// commitments with a line at 100% so that over-delivery shows, spend
// shares), no JavaScript, no external assets; proxy sources that are web
// addresses are links. Every text is escaped by html/template. The markup
// is well-formed XML, so XHTML tools can read it too.
func (rv *Review) WriteHTML(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if err := htmlTemplate.Execute(bw, rv.view()); err != nil {
		return err
	}
	return bw.Flush()
}

const htmlStyle = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;margin:0;background:#fafafa}
main{max-width:1000px;margin:0 auto;padding:1.5rem;background:#fff;overflow-wrap:break-word}
h1{font-size:1.8rem;margin-bottom:.3rem}h1 .year{color:#505a5f;font-weight:400}
h2{border-bottom:2px solid #1d70b8;padding-bottom:.2rem;margin-top:2rem}
.caveat{background:#f3f2f1;border-left:4px solid #1d70b8;padding:.6rem .8rem;font-size:.9rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{border:1px solid #ccc;border-radius:6px;padding:.6rem .9rem;min-width:9rem}
.card .n{display:block;font-size:1.4rem;font-weight:600}.card .u{color:#555;font-size:.85rem}.card.money{border-color:#1d70b8}
.tw{overflow-x:auto;margin:.6rem 0 1.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}.r{text-align:right;white-space:nowrap}
.basis{color:#505a5f;font-size:.8rem;margin-top:.2rem}
.status.good{color:#00703c}.status.warn{color:#b35c00}.status.bad{color:#d4351c}
.rag{display:inline-block;white-space:nowrap;overflow-wrap:normal;padding:.1rem .5rem;border-radius:3px;font-weight:600;text-transform:uppercase;font-size:.8rem}
.rag.green{background:#00703c;color:#fff}.rag.amber{background:#ffdd00;color:#0b0c0c}.rag.red{background:#d4351c;color:#fff}.rag.none{background:#f3f2f1}
figure{margin:.5rem 0}svg.chart{display:block;max-width:100%;height:auto}
.ct{font-weight:600;font-size:14px}.cl{text-anchor:end;font-size:12px}.cv{font-size:12px;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}.cb{fill:#1d70b8}
.co{font-size:12px;fill:#1d70b8}.cm{stroke:#0b0c0c;stroke-width:1.5;stroke-dasharray:4 3}
`
