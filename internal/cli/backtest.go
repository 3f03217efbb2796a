package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/thresholdsdb"
	"github.com/arbsync/arbsync/scoring"
	"github.com/arbsync/arbsync/thresholds"
)

// defaultBacktestWeeks is how many weeks the backtest covers without -from.
const defaultBacktestWeeks = 52

func backtestCommand() *command {
	return &command{
		name:    "thresholds backtest",
		args:    "[-from WEEK] [-to WEEK] [-horizon 90] [-rules 1,2] [-json]",
		summary: "compare scoring rules and fixed vs dynamic thresholds on past weeks, and store the run",
		about: "For each Monday from -from to -to whose horizon has passed, rebuilds every enabled company's score " +
			"under each rule as of that day from the stored cases (as far as they were knowable then), and checks " +
			"the companies each rule flags against what followed within the horizon: 'any' (a new case against the " +
			"company) and 'serious' (such a case lost, or left unexecuted, or three or more of them). Every rule and " +
			"threshold method is held to the alert volume of rule 1 with the fixed thresholds: 'fixed' is one global " +
			"cutoff on the rule's scores, 'dynamic' the weekly per-industry method at the same budget. Prints " +
			"precision, recall and lift with 95% intervals and each rule's AUC, over all companies and per section, " +
			"and stores the run for the weekly report and bi.backtest_results. Reads only arbsync's own tables.",
		env: true,
		run: runBacktest,
	}
}

func runBacktest(ctx context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	from := fs.String("from", "", "first week (ISO week or a date in it); default: the 52 weeks that end with -to")
	to := fs.String("to", "", "last week (ISO week or a date in it); default: the last week whose horizon has passed")
	horizon := fs.String("horizon", "90", "days after each week in which new cases count (90 or 90d)")
	rulesFlag := fs.String("rules", "1,2", "the scoring rules to compare, comma-separated")
	asJSON := fs.Bool("json", false, "print the run as JSON instead of tables")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	days, err := strconv.Atoi(strings.TrimSuffix(*horizon, "d"))
	if err != nil || days < 1 || days > 3650 {
		return usagef("-horizon %q: want a number of days from 1 to 3650, like 90", *horizon)
	}
	var rules []scoring.Rule
	for s := range strings.SplitSeq(*rulesFlag, ",") {
		r, err := scoring.ParseRule(s)
		if err != nil {
			return usagef("-rules %q: %v", *rulesFlag, err)
		}
		if !slices.Contains(rules, r) {
			rules = append(rules, r)
		}
	}
	var start, end scoring.Date
	if *from != "" {
		if start, err = parseWeek(*from); err != nil {
			return usageError{"-from: " + err.Error()}
		}
	}
	if *to != "" {
		if end, err = parseWeek(*to); err != nil {
			return usageError{"-to: " + err.Error()}
		}
	}
	if *from != "" && *to != "" && start > end {
		return usagef("-from %s is after -to %s", start, end)
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	job := app.App{Config: cfg, Log: log, Pool: pool}.WeeklyJob()
	today := job.Today()
	if *to == "" {
		end = thresholdsdb.WeekOf(today.AddDays(-days))
	}
	if *from == "" {
		start = end.AddDays(-7 * (defaultBacktestWeeks - 1))
	}
	if start > end {
		return fmt.Errorf("-from %s is after the last week whose %d-day horizon has passed (%s)", start, days, end)
	}
	run, err := job.Backtest(ctx, thresholdsdb.BacktestOptions{
		From: start, To: end, Horizon: days, Today: today, Rules: rules, Location: cfg.Timezone,
	})
	if err != nil {
		return err
	}
	if err := job.StoreBacktest(ctx, &run); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(io.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(run)
	}
	printBacktest(io.Stdout, run, cfg.Thresholds)
	return nil
}

// backtestCell is one rule and method of the printed tables.
type backtestCell struct {
	rule   scoring.Rule
	method thresholds.Method
}

func printBacktest(w io.Writer, run thresholdsdb.BacktestRun, p thresholds.Params) {
	if p == (thresholds.Params{}) {
		p = thresholds.DefaultParams()
	}
	fmt.Fprintf(w, "backtest over %d weeks (%s … %s), %d companies, %d company-weeks, horizon %d days",
		len(run.Weeks), run.From(), run.To(), run.Companies, run.Observations, run.Horizon)
	if run.Skipped > 0 {
		fmt.Fprintf(w, "; %d later weeks skipped (horizon not yet passed)", run.Skipped)
	}
	fmt.Fprintf(w, "\nstored as run %d (bi.backtest_results; the next weekly report shows it)\n", run.ID)
	var cells []backtestCell
	for _, r := range run.Rules {
		for _, m := range thresholds.BacktestMethods {
			cells = append(cells, backtestCell{r, m})
		}
	}
	res := map[string]thresholds.BacktestResult{}
	key := func(c backtestCell, sev thresholds.Severity, o thresholds.Outcome, section string) string {
		return fmt.Sprint(c.rule, c.method, sev, o, section)
	}
	var sections []string
	for _, r := range run.Results {
		res[key(backtestCell{r.Rule, r.Method}, r.Severity, r.Outcome, r.Section)] = r
		if r.Section != "" && (len(sections) == 0 || sections[len(sections)-1] != r.Section) {
			sections = append(sections, r.Section)
		}
	}
	first := cells[0]
	vol := func(sev thresholds.Severity) int { return res[key(first, sev, thresholds.OutcomeAny, "")].Volume }
	fmt.Fprintf(w, "alert volume k (what rule 1 flags with the fixed thresholds %s/%s, summed over the weeks): warning %d, urgent %d\n",
		p.FixedWarning, p.FixedUrgent, vol(thresholds.SeverityWarning), vol(thresholds.SeverityUrgent))
	fmt.Fprintln(w, "  fixed = one global cutoff on the rule's own scores flagging exactly k each week (ties at the cutoff shared);")
	fmt.Fprintln(w, "  dynamic = the weekly per-industry method with budget k/N and that cutoff as its global parent (its volume is shown).")
	fmt.Fprintln(w, "95% intervals are clustered by company: a company's weeks are strongly correlated (its score and its horizon")
	fmt.Fprintln(w, "  overlap from week to week), so they count for far fewer independent observations than company-weeks.")
	fmt.Fprintln(w, "  Δ is the paired difference from rule 1 with the fixed thresholds (today's rule) on the same company-weeks:")
	fmt.Fprintln(w, "  an interval that holds 0 means the difference may be noise.")
	fmt.Fprintln(w, "look-ahead (what the rebuilt history still knows too early):")
	fmt.Fprintln(w, wrap(run.LookAhead, 110, "  "))

	severities := []thresholds.Severity{thresholds.SeverityWarning, thresholds.SeverityUrgent}
	for _, o := range thresholds.BacktestOutcomes {
		all := res[key(first, thresholds.SeverityWarning, o, "")]
		fmt.Fprintf(w, "\noutcome %s: %s\n", o, outcomeMeaning(o, run.Horizon))
		fmt.Fprintf(w, "  %d observations, %d positives (base rate %s)\n  AUC", all.Observations, all.Positives, percentText(all.BaseRate.Ratio))
		for _, r := range run.Rules {
			c := res[key(backtestCell{r, thresholds.MethodFixed}, thresholds.SeverityWarning, o, "")]
			fmt.Fprintf(w, "  rule %s %s %s", r, fixed3(c.AUC.Ratio), ci3(c.AUC.CI))
			if d := c.AUCDiff; d.Valid {
				fmt.Fprintf(w, " (vs rule 1 %+.3f %s)", d.Value, signedCI(d.CI, 1, 3))
			}
		}
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "  SEVERITY\tRULE\tMETHOD\tFLAGGED\tK\tPRECISION\t[95%]\tRECALL\t[95%]\tLIFT\t[95%]\tΔ PRECISION (pp)\t[95%, paired]\t")
		for _, sev := range severities {
			for _, c := range cells {
				r := res[key(c, sev, o, "")]
				diff, diffCI := "baseline", ""
				if d := r.PrecisionDiff; d.Valid {
					diff, diffCI = fmt.Sprintf("%+.1f", 100*d.Value), signedCI(d.CI, 100, 1)
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", sev, c.rule, c.method, flaggedText(r.Flagged), r.Volume,
					percentText(r.Precision.Ratio), ciPercent(r.Precision.CI), percentText(r.Recall.Ratio), ciPercent(r.Recall.CI),
					fixed2(r.Lift.Ratio), ci2(r.Lift.CI), diff, diffCI)
			}
		}
		tw.Flush()
	}

	for _, o := range thresholds.BacktestOutcomes {
		for _, sev := range severities {
			fmt.Fprintf(w, "\nper section, outcome %s, %s: precision [95%%] (flagged) of each rule and method; AUC of each rule\n", o, sev)
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
			head := "  SECTION\tCOMPANIES\tOBS\tPOS\tK\t"
			for _, c := range cells {
				head += fmt.Sprintf("%s %s\t", c.rule, strings.ToUpper(string(c.method)))
			}
			for _, r := range run.Rules {
				head += fmt.Sprintf("AUC %s\t", r)
			}
			fmt.Fprintln(tw, head)
			for _, s := range sections {
				base := res[key(first, sev, o, s)]
				line := fmt.Sprintf("  %s\t%d\t%d\t%d\t%d\t", s, base.Companies, base.Observations, base.Positives, base.Volume)
				for _, c := range cells {
					r := res[key(c, sev, o, s)]
					line += fmt.Sprintf("%s %s (%s)\t", percentText(r.Precision.Ratio), ciPercent(r.Precision.CI), flaggedText(r.Flagged))
				}
				for _, rule := range run.Rules {
					a := res[key(backtestCell{rule, thresholds.MethodFixed}, sev, o, s)].AUC
					line += fixed3(a.Ratio) + "\t"
				}
				fmt.Fprintln(tw, line)
			}
			tw.Flush()
		}
	}
}

func outcomeMeaning(o thresholds.Outcome, horizon int) string {
	if o == thresholds.OutcomeAny {
		return fmt.Sprintf("a new case against the company (respondent, or no role) filed within %d days", horizon)
	}
	return fmt.Sprintf("such a case filed within %d days that the company loses fully or partly, or whose award "+
		"ends unexecuted or partially executed; or three or more such cases", horizon)
}

func percentText(r thresholds.Ratio) string {
	if !r.Valid {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*r.Value)
}

func ciPercent(i thresholds.Interval) string {
	if !i.Valid {
		return "[n/a]"
	}
	return fmt.Sprintf("[%.1f–%.1f]", 100*i.Low, 100*i.High)
}

// signedCI prints an interval of a difference, scaled, with signs.
func signedCI(i thresholds.Interval, scale float64, decimals int) string {
	if !i.Valid {
		return "[n/a]"
	}
	return fmt.Sprintf("[%+.*f, %+.*f]", decimals, scale*i.Low, decimals, scale*i.High)
}

func fixed2(r thresholds.Ratio) string {
	if !r.Valid {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", r.Value)
}

func ci2(i thresholds.Interval) string {
	if !i.Valid {
		return "[n/a]"
	}
	return fmt.Sprintf("[%.2f–%.2f]", i.Low, i.High)
}

func fixed3(r thresholds.Ratio) string {
	if !r.Valid {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", r.Value)
}

func ci3(i thresholds.Interval) string {
	if !i.Valid {
		return "[n/a]"
	}
	return fmt.Sprintf("[%.3f–%.3f]", i.Low, i.High)
}

// flaggedText prints a flagged count, with one decimal when shared ties
// made it fractional.
func flaggedText(x float64) string {
	if d := x - float64(int64(x+0.5)); d > -0.05 && d < 0.05 {
		return strconv.FormatInt(int64(x+0.5), 10)
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}
