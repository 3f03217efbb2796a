package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"

	"github.com/arbsync/arbsync/thresholds"
)

//go:embed report.html.tmpl
var pageSource string

// page is the parsed HTML template. It is built once and only executed
// afterwards, which html/template allows concurrently.
var page = template.Must(template.New("report").Parse(pageSource))

// htmlData is what the template renders: the view plus the charts.
type htmlData struct {
	*view
	IndustryCount int
	CompaniesText string
	Charts        []histChart
	AlertChart    *alertChart
	Notes         []string
	BacktestNotes []string
}

// HTML writes the report as one self-contained HTML page: inline CSS and
// inline SVG, no scripts, no external references of any kind, so it opens
// offline and prints on A4. Every text is escaped by html/template. It
// writes nothing when r is invalid (see Weekly.Validate).
func HTML(w io.Writer, r Weekly) error {
	v, err := prepare(r)
	if err != nil {
		return err
	}
	d := htmlData{
		view:          v,
		IndustryCount: v.Sections + v.Divisions,
		CompaniesText: group(strconv.Itoa(v.Companies)),
		Notes:         methodNotes(v),
	}
	if v.Backtest != nil {
		d.BacktestNotes = backtestNotes(v.Backtest)
	}
	rows := make(map[thresholds.Key]*thresholds.Row)
	for _, ind := range v.Industries {
		if ind.Warning != nil {
			rows[ind.Warning.Row.Key()] = &ind.Warning.Row
		}
		if ind.Urgent != nil {
			rows[ind.Urgent.Row.Key()] = &ind.Urgent.Row
		}
	}
	for _, h := range v.Histograms {
		if h.N() == 0 {
			continue
		}
		d.Charts = append(d.Charts, newHistChart(h, industryLabel(h.Section, r.IndustryNames),
			rows[thresholds.Key{Industry: h.Section, Severity: thresholds.SeverityWarning}],
			rows[thresholds.Key{Industry: h.Section, Severity: thresholds.SeverityUrgent}]))
	}
	if c, ok := newAlertChart(v.Alerts); ok {
		d.AlertChart = &c
	}

	var b bytes.Buffer
	if err := page.Execute(&b, d); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}
