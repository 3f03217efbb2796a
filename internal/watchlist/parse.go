package watchlist

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// column is a CSV column the importer knows, in export order.
type column int

const (
	colCreditCode column = iota
	colCompanyName
	colIndustryCode
	colEnabled
	colNote
	colRefreshInterval
	colChecksumOverride
	numColumns
)

// String returns the column's header name.
func (c column) String() string {
	return [numColumns]string{
		"credit_code", "company_name", "industry_code", "enabled",
		"note", "refresh_interval", "checksum_override",
	}[c]
}

func (c column) required() bool { return c <= colIndustryCode }

// header returns the header row that Export writes.
func header() []string {
	h := make([]string, numColumns)
	for c := range numColumns {
		h[c] = c.String()
	}
	return h
}

// bom is the UTF-8 byte order mark some editors put before the header.
const bom = "\uFEFF"

// parser streams the records of an import file.
type parser struct {
	csv   *csv.Reader
	index [numColumns]int // field index of each column; -1 when absent
	width int             // number of fields of every record (the header's)
}

// record is one data row.
type record struct {
	line   int                // physical line where the record starts (header = 1)
	fields [numColumns]string // "" for absent columns
	lines  [numColumns]int    // physical line where each field starts
}

// newParser skips a byte order mark and reads and checks the header. A bad
// header is a *ValidationError on the header's line.
func newParser(r io.Reader) (*parser, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(len(bom)); err == nil && string(b) == bom {
		if _, err := br.Discard(len(bom)); err != nil {
			return nil, fmt.Errorf("watchlist import: reading CSV: %w", err)
		}
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	names, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("watchlist import: the file is empty: a header row is required (" +
			strings.Join(header(), ",") + ")")
	}
	if err != nil {
		return nil, csvError(err)
	}
	p := &parser{csv: cr, width: len(names)}
	line, _ := cr.FieldPos(0) // 1 unless the file starts with blank lines
	if err := p.readHeader(names, line); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *parser) readHeader(names []string, line int) error {
	for c := range p.index {
		p.index[c] = -1
	}
	var errs []RowError
	var unknown []string
	for i, raw := range names {
		name := strings.ToLower(strings.TrimSpace(raw))
		c, ok := columnNamed(name)
		switch {
		case name == "":
			errs = append(errs, RowError{Line: line, Message: fmt.Sprintf("column %d of the header has no name", i+1)})
		case !ok:
			unknown = append(unknown, fmt.Sprintf("%q", strings.TrimSpace(raw)))
		case p.index[c] >= 0:
			errs = append(errs, RowError{Line: line, Column: name, Message: fmt.Sprintf("column %q appears more than once in the header", name)})
		default:
			p.index[c] = i
		}
	}
	if len(unknown) > 0 {
		errs = append(errs, RowError{Line: line, Message: fmt.Sprintf("unknown column(s) %s (known columns: %s)",
			strings.Join(unknown, ", "), strings.Join(header(), ", "))})
	}
	var missing []string
	for c := range numColumns {
		if c.required() && p.index[c] < 0 {
			missing = append(missing, fmt.Sprintf("%q", c.String()))
		}
	}
	if len(missing) > 0 {
		errs = append(errs, RowError{Line: line, Message: "missing required column(s) " + strings.Join(missing, ", ")})
	}
	if len(errs) > 0 {
		return &ValidationError{Errors: errs}
	}
	return nil
}

func columnNamed(name string) (column, bool) {
	for c := range numColumns {
		if c.String() == name {
			return c, true
		}
	}
	return 0, false
}

// has reports whether the file has column c.
func (p *parser) has(c column) bool { return p.index[c] >= 0 }

// next reads the next record that has a non-blank field into rec. It
// returns io.EOF after the last one.
func (p *parser) next(rec *record) error {
	for {
		fields, err := p.csv.Read()
		if err != nil {
			if errors.Is(err, csv.ErrFieldCount) {
				return fmt.Errorf("%w (%d fields, the header has %d)", csvError(err), len(fields), p.width)
			}
			return csvError(err)
		}
		if blank(fields) {
			continue
		}
		rec.line, _ = p.csv.FieldPos(0)
		for c := range numColumns {
			if i := p.index[c]; i >= 0 {
				rec.fields[c] = fields[i]
				rec.lines[c], _ = p.csv.FieldPos(i)
			} else {
				rec.fields[c], rec.lines[c] = "", rec.line
			}
		}
		return nil
	}
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// csvError describes an error of the CSV reader: a malformed file names the
// line (the error wraps the *csv.ParseError).
func csvError(err error) error {
	if errors.Is(err, io.EOF) {
		return err
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("watchlist import: malformed CSV, nothing changed: %w", err)
	}
	return fmt.Errorf("watchlist import: reading CSV: %w", err)
}
