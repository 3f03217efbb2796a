package report

import (
	"math"
	"strconv"
	"strings"

	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// This file computes the geometry of the inline SVG charts; the template
// (report.html.tmpl) only emits it, so html/template escapes every text.

// coord is an SVG coordinate, printed with at most one decimal.
type coord float64

// String formats c with at most one decimal ("12", "12.5").
func (c coord) String() string {
	return strconv.FormatFloat(math.Round(float64(c)*10)/10, 'f', -1, 64)
}

// Histogram chart layout, in SVG user units.
const (
	histW      = 560
	histH      = 270
	histLeft   = 46
	histRight  = 16
	histTop    = 64
	histBottom = 40
)

// histChart is a section's score histogram with its threshold markers.
type histChart struct {
	ID, Title, Aria string
	N               int
	W, H            coord
	Left, Right     coord // plot area x range
	Top, Bottom     coord // plot area y range
	AxisTitleX      coord
	AxisTitleY      coord
	Bars            []histBar
	Clipped         bool // the tallest bin is cut at the top of the plot
	XTicks          []xTick
	YTicks          []yTick
	Markers         []marker
	Legend          []legendItem
}

type histBar struct {
	X, Y, W, H     coord
	Count          string // "" for an empty bin (no label)
	CountX, CountY coord
	Tip            string
	Break          string // polygon points of the break mark of a clipped bar, else ""
}

type xTick struct {
	X, Y1, Y2 coord
	Label     string // "" for a minor tick
	LabelY    coord
}

type yTick struct {
	Y, LabelX, LabelY coord
	Label             string
}

// marker is a vertical line at a threshold.
type marker struct {
	Class      string // warn-new, warn-old, urg-new, urg-old
	X, Y1, Y2  coord
	Value, Tip string
}

// legendItem is a line swatch and its text; Swatch is false when the
// threshold it names does not exist (no line is drawn for it either).
type legendItem struct {
	Class        string
	Swatch       bool
	X1, X2, Y    coord
	TextX, TextY coord
	Text         string
}

// newHistChart lays out h with the section's rows (nil when missing).
func newHistChart(h Histogram, title string, warning, urgent *thresholds.Row) histChart {
	c := histChart{
		ID: "sec-" + h.Section, Title: title, N: h.N(),
		W: histW, H: histH, Left: histLeft, Right: histW - histRight, Top: histTop, Bottom: histH - histBottom,
	}
	c.Aria = title + "：评分分布 score histogram, n = " + strconv.Itoa(c.N)
	c.AxisTitleX, c.AxisTitleY = (c.Left+c.Right)/2, c.H-6
	plotW, plotH := float64(c.Right-c.Left), float64(c.Bottom-c.Top)
	xOf := func(p scoring.Points) coord { return c.Left + coord(plotW*p.Float64()/100) }

	// Companies without any case all score 100, so the last bin often
	// dwarfs the rest. When the tallest bin is more than 3× the next, the
	// axis is scaled to the others and that bin is cut with a break mark
	// (its count is still printed), so the shape below it stays readable.
	maxCount, second := 0, 0
	for _, n := range h.Counts {
		if n > maxCount {
			maxCount, second = n, maxCount
		} else {
			second = max(second, n)
		}
	}
	limit := maxCount
	if second > 0 && maxCount > 3*second {
		limit, c.Clipped = (3*second+1)/2, true
	}
	step, top := niceScale(limit)
	yOf := func(n int) coord { return c.Bottom - coord(plotH*float64(n)/float64(top)) }
	for v := 0; v <= top; v += step {
		y := yOf(v)
		c.YTicks = append(c.YTicks, yTick{Y: y, LabelX: c.Left - 6, LabelY: y + 3.5, Label: strconv.Itoa(v)})
	}

	binW := plotW / Bins
	for i, n := range h.Counts {
		x0 := c.Left + coord(binW*float64(i))
		b := histBar{X: x0 + 1, W: coord(binW) - 2, Y: yOf(min(n, top)), H: c.Bottom - yOf(min(n, top))}
		if n > top {
			x1, y := b.X+b.W, c.Top+14
			b.Break = pointList(b.X, y+2, x1, y-3, x1, y+3, b.X, y+8)
		}
		lo, hi := i*5, i*5+5
		rng := "[" + strconv.Itoa(lo) + ", " + strconv.Itoa(hi) + ")"
		if i == Bins-1 {
			rng = "[95, 100]"
		}
		b.Tip = rng + "：" + strconv.Itoa(n) + " 家 companies"
		if n > 0 {
			b.Count, b.CountX, b.CountY = strconv.Itoa(n), x0+coord(binW/2), b.Y-3
		}
		c.Bars = append(c.Bars, b)
	}
	for v := 0; v <= 100; v += 5 {
		x := xOf(scoring.WholePoints(int64(v)))
		t := xTick{X: x, Y1: c.Bottom, Y2: c.Bottom + 3, LabelY: c.Bottom + 15}
		if v%10 == 0 {
			t.Y2, t.Label = c.Bottom+5, strconv.Itoa(v)
		}
		c.XTicks = append(c.XTicks, t)
	}

	// Markers: last week's first, so this week's line is drawn on top.
	add := func(class, name string, p scoring.Points) {
		c.Markers = append(c.Markers, marker{Class: class, X: xOf(p), Y1: c.Top - 4, Y2: c.Bottom,
			Value: p.String(), Tip: name + " " + p.String()})
	}
	for _, m := range []struct {
		row              *thresholds.Row
		oldClass, oldTxt string
		newClass, newTxt string
	}{
		{warning, "warn-old", "上周预警 warning, last week", "warn-new", "本周预警 warning, this week"},
		{urgent, "urg-old", "上周紧急 urgent, last week", "urg-new", "本周紧急 urgent, this week"},
	} {
		if m.row == nil {
			continue
		}
		if m.row.Previous != nil {
			add(m.oldClass, m.oldTxt, *m.row.Previous)
		}
		add(m.newClass, m.newTxt, m.row.Final)
	}

	// Legend: two rows (warning, urgent) of two entries (this week, last week).
	for i, m := range []struct {
		row      *thresholds.Row
		name     string
		new, old string
	}{
		{warning, "预警 warning", "warn-new", "warn-old"},
		{urgent, "紧急 urgent", "urg-new", "urg-old"},
	} {
		y := coord(18 + 18*i)
		now, prev := "无 none", "无 none"
		hasNow, hasPrev := m.row != nil, m.row != nil && m.row.Previous != nil
		if hasNow {
			now = m.row.Final.String()
		}
		if hasPrev {
			prev = m.row.Previous.String()
		}
		c.Legend = append(c.Legend,
			legendItem{Class: m.new, Swatch: hasNow, X1: c.Left, X2: c.Left + 22, Y: y, TextX: c.Left + 28, TextY: y + 4,
				Text: "本周" + m.name + " " + now},
			legendItem{Class: m.old, Swatch: hasPrev, X1: c.Left + 250, X2: c.Left + 272, Y: y, TextX: c.Left + 278, TextY: y + 4,
				Text: "上周" + m.name + " " + prev},
		)
	}
	return c
}

// pointList formats x,y pairs for an SVG points attribute.
func pointList(xy ...coord) string {
	var b strings.Builder
	for i := 0; i+1 < len(xy); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(xy[i].String() + "," + xy[i+1].String())
	}
	return b.String()
}

// niceScale returns a tick step of 1, 2 or 5 × 10^k giving at most about
// five ticks, and the axis maximum: the first multiple of step ≥ maxCount
// (at least one step).
func niceScale(maxCount int) (step, top int) {
	for base := 1; ; base *= 10 {
		for _, mult := range []int{1, 2, 5} {
			if s := base * mult; maxCount <= 5*s {
				step = s
				top = max(s, (maxCount+s-1)/s*s)
				return step, top
			}
		}
	}
}

// Alert-volume chart layout.
const (
	alertW      = 760
	alertLabelW = 250
	alertRowH   = 30
	alertTop    = 34
	alertRight  = 70
)

// alertChart compares each section's alert volume under the fixed and the
// dynamic thresholds as paired horizontal bars, with the difference.
type alertChart struct {
	W, H       coord
	Left       coord
	Right      coord
	Rows       []alertBar
	LegendY    coord
	Axis       coord // y of the bottom of the last row
	Aria       string
	LegendXfix coord
	LegendXdyn coord
}

type alertBar struct {
	Label                 string
	LabelY                coord
	FixedY, DynY          coord
	BarH                  coord
	FixedW, DynW          coord
	FixedText, DynText    string
	FixedTextX, DynTextX  coord
	Delta, DeltaDir       string
	DeltaX, DeltaY        coord
	FixedTip, DynamicTip  string
	Separator             coord
	HasSeparatorBeforeRow bool
}

// newAlertChart charts the section entries of alerts; ok is false when
// there are none.
func newAlertChart(alerts []alertView) (alertChart, bool) {
	var rows []alertView
	maxFlagged := 0
	for _, a := range alerts {
		if a.Section {
			rows = append(rows, a)
			maxFlagged = max(maxFlagged, a.Fixed.Flagged, a.Dynamic.Flagged)
		}
	}
	if len(rows) == 0 {
		return alertChart{}, false
	}
	c := alertChart{
		W: alertW, Left: alertLabelW, Right: alertW - alertRight, LegendY: 14,
		Aria:       "各门类告警量：固定阈值 vs 动态阈值 alert volume by section, fixed vs dynamic",
		LegendXfix: alertLabelW, LegendXdyn: alertLabelW + 150,
	}
	c.H = coord(alertTop + alertRowH*len(rows) + 8)
	c.Axis = c.H - 8
	scale := float64(c.Right-c.Left-40) / float64(max(maxFlagged, 1))
	for i, a := range rows {
		y := coord(alertTop + alertRowH*i)
		fw, dw := coord(float64(a.Fixed.Flagged)*scale), coord(float64(a.Dynamic.Flagged)*scale)
		c.Rows = append(c.Rows, alertBar{
			Label: a.Label, LabelY: y + 15,
			FixedY: y + 3, DynY: y + 14, BarH: 10,
			FixedW: max(fw, 0.5), DynW: max(dw, 0.5),
			FixedText: strconv.Itoa(a.Fixed.Flagged), DynText: strconv.Itoa(a.Dynamic.Flagged),
			FixedTextX: c.Left + fw + 4, DynTextX: c.Left + dw + 4,
			Delta: a.Delta, DeltaDir: a.DeltaDir, DeltaX: c.W - 8, DeltaY: y + 15,
			FixedTip:   a.Label + "：固定 fixed " + strconv.Itoa(a.Fixed.Flagged),
			DynamicTip: a.Label + "：动态 dynamic " + strconv.Itoa(a.Dynamic.Flagged),
			Separator:  y, HasSeparatorBeforeRow: i > 0,
		})
	}
	return c, true
}
