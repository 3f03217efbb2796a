package digest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/outbox"
	"github.com/arbsync/arbsync/internal/report"
	"github.com/arbsync/arbsync/thresholds"
)

// maxWeeklyRows bounds each list of the weekly summary; the report has the
// rest.
const maxWeeklyRows = 30

// WeeklyHeading is the weekly summary's title.
func WeeklyHeading(w report.Weekly) string {
	return "劳动仲裁风险周报 " + report.ISOWeek(w.Week) + "（" + w.Week.String() + " 起）"
}

// WeeklyLines lays the weekly report out as the summary's lines: the
// thresholds that moved, the newly flagged and cleared companies, and the
// latest backtest.
func WeeklyLines(w report.Weekly) []string {
	names := func(code string) string {
		if n := w.IndustryNames[code]; n != "" {
			return code + " " + n
		}
		return code
	}
	// Thresholds that moved, by industry: warning and urgent on one line.
	type move struct {
		industry string
		warn     *thresholds.Row
		urgent   *thresholds.Row
	}
	moves := map[string]*move{}
	var order []string
	for i := range w.Rows {
		r := &w.Rows[i]
		if r.Previous == nil || *r.Previous == r.Final {
			continue
		}
		m := moves[r.Industry]
		if m == nil {
			m = &move{industry: r.Industry}
			moves[r.Industry] = m
			order = append(order, r.Industry)
		}
		if r.Severity == thresholds.SeverityWarning {
			m.warn = r
		} else {
			m.urgent = r
		}
	}
	slices.Sort(order)
	lines := []string{fmt.Sprintf("**概览**：%d 家企业已评分；%d 个行业阈值变动；新进入预警/紧急 %d 家，恢复正常 %d 家",
		scored(w), len(order), len(w.NewlyFlagged), len(w.Cleared))}
	if len(order) > 0 {
		lines = append(lines, fmt.Sprintf("**阈值变动**（%d 个行业）", len(order)))
		for i, ind := range order {
			if i == maxWeeklyRows {
				lines = append(lines, fmt.Sprintf("……另有 %d 个行业，见周报", len(order)-maxWeeklyRows))
				break
			}
			m := moves[ind]
			var parts []string
			for _, r := range []*thresholds.Row{m.warn, m.urgent} {
				if r != nil {
					parts = append(parts, fmt.Sprintf("%s %s → %s", severityLabel(r.Severity), r.Previous, r.Final))
				}
			}
			lines = append(lines, "- "+names(ind)+"："+strings.Join(parts, "，"))
		}
	}
	changes := func(title string, list []report.LevelChange) {
		if len(list) == 0 {
			return
		}
		list = slices.Clone(list)
		slices.SortFunc(list, func(a, b report.LevelChange) int {
			return cmp.Or(cmp.Compare(a.Score, b.Score), strings.Compare(a.CreditCode, b.CreditCode))
		})
		lines = append(lines, fmt.Sprintf("**%s**（%d 家）", title, len(list)))
		for i, c := range list {
			if i == maxWeeklyRows {
				lines = append(lines, fmt.Sprintf("……另有 %d 家，见周报", len(list)-maxWeeklyRows))
				break
			}
			lines = append(lines, fmt.Sprintf("- %s：%s → %s，评分 %s（预警线 %s，紧急线 %s）", company(c.Name, c.CreditCode),
				levelLabel(string(c.From)), levelLabel(string(c.To)), c.Score, c.Thresholds.Warning, c.Thresholds.Urgent))
		}
	}
	changes("新进入预警/紧急", w.NewlyFlagged)
	changes("恢复正常", w.Cleared)
	lines = append(lines, backtestLine(w.Backtest))
	return lines
}

func scored(w report.Weekly) int {
	n := 0
	for _, h := range w.Histograms {
		n += h.N()
	}
	return n
}

func severityLabel(s thresholds.Severity) string {
	if s == thresholds.SeverityUrgent {
		return "紧急线"
	}
	return "预警线"
}

// backtestLine is the latest backtest in one line: each rule's AUC for
// serious outcomes and the precision of its dynamic thresholds at the
// warning level, over all companies.
func backtestLine(b *report.Backtest) string {
	if b == nil {
		return "**回测**：尚未运行（`arbsync thresholds backtest`）"
	}
	var parts []string
	for _, r := range b.Results {
		if r.Section != "" || r.Outcome != thresholds.OutcomeSerious || r.Severity != thresholds.SeverityWarning || r.Method != thresholds.MethodDynamic {
			continue
		}
		p := fmt.Sprintf("规则 %d：AUC %s，动态阈值预警精确率 %s、召回率 %s", int(r.Rule), ratio3(r.AUC.Ratio), percent(r.Precision.Ratio), percent(r.Recall.Ratio))
		parts = append(parts, p)
	}
	slices.Sort(parts)
	return fmt.Sprintf("**回测**（%s 至 %s，%d 周，严重结果）：%s", b.From, b.To, b.Weeks, strings.Join(parts, "；"))
}

func ratio3(r thresholds.Ratio) string {
	if !r.Valid {
		return "—"
	}
	return fmt.Sprintf("%.3f", r.Value)
}

func percent(r thresholds.Ratio) string {
	if !r.Valid {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*r.Value)
}

// Weekly writes the weekly summary of w to every digest channel, and to
// WeCom channels the HTML report as a file message after it, once per
// channel and week: a rerun of the weekly job writes nothing again.
func (j *Job) Weekly(ctx context.Context, w report.Weekly) ([]Result, error) {
	chans, err := j.digestChannels("")
	if err != nil || len(chans) == 0 {
		return nil, err
	}
	heading, lines := WeeklyHeading(w), WeeklyLines(w)
	var out []Result
	for _, ch := range chans {
		res := Result{Channel: ch.Name, Period: w.Week}
		key := "weekly:" + ch.Name + ":" + w.Week.String()
		msgs := alerts.Split(ch.Kind, alerts.MessageWeekly, heading, lines, key)
		if ch.Kind == alerts.KindWeCom {
			msgs = append(msgs, reportFile(ch.Name, w))
		}
		err := pgx.BeginFunc(ctx, j.Pool, func(tx pgx.Tx) error {
			q := db.New(tx)
			n, err := q.DigestRecord(ctx, db.DigestRecordParams{Channel: ch.Name, Kind: kindWeekly, Period: w.Week.Time(), Parts: int32(len(msgs))})
			if err != nil {
				return fmt.Errorf("record weekly summary: %w", err)
			}
			if n == 0 {
				res.Already = true
				return nil
			}
			res.Parts, err = outbox.Enqueue(ctx, q, outbox.ForChannel(ch.Name, msgs))
			return err
		})
		if err != nil {
			return out, fmt.Errorf("weekly summary of %s for %s: %w", w.Week, ch.Name, err)
		}
		j.Log.Info().Str("channel", ch.Name).Str("week", w.Week.String()).Int("parts", res.Parts).Bool("already", res.Already).Msg("weekly summary")
		out = append(out, res)
	}
	return out, nil
}

// reportFile is the message that sends week's HTML report (stored in
// arbsync.threshold_reports) to a WeCom channel as a file.
func reportFile(channel string, w report.Weekly) alerts.Message {
	return alerts.Message{
		Kind:       alerts.MessageReportFile,
		DedupKey:   "report_file:" + channel + ":" + w.Week.String(),
		Heading:    WeeklyHeading(w),
		ReportWeek: w.Week.String(),
		FileName:   "arbsync-thresholds-" + report.ISOWeek(w.Week) + ".html",
	}
}
