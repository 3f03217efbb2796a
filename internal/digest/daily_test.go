package digest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/digest"
	"github.com/arbsync/arbsync/scoring"
)

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

func ev(code, name, kind, caseNo string, claim string) db.DigestEventsRow {
	return db.DigestEventsRow{CreditCode: code, CompanyName: name, Kind: kind, CaseID: "id-" + caseNo, CaseNo: caseNo,
		Title: "某某与" + name + "劳动争议", NewClaimAmount: claim}
}

func TestDayLines(t *testing.T) {
	day := scoring.NewDate(2026, time.December, 6)
	lastOK := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		day  digest.Day
		want []string // lines that must appear, in this order
		not  []string
	}{{
		name: "nothing happened",
		day:  digest.Day{Day: day},
		want: []string{"监控名单当日无新立案、裁决、执行变化或等级告警，数据同步正常。"},
	}, {
		name: "new cases grouped by company, most cases first",
		day: digest.Day{Day: day, Events: []db.DigestEventsRow{
			ev("A", "甲公司", "filed", "甲1", "100.00"),
			ev("B", "乙公司", "filed", "乙1", "50.00"), ev("B", "乙公司", "filed", "乙2", "25.50"), ev("B", "乙公司", "filed", "乙3", "1.00"),
			func() db.DigestEventsRow {
				e := ev("A", "甲公司", "decided", "甲0", "")
				e.OldResult, e.NewResult = "pending", "lose"
				return e
			}(),
			func() db.DigestEventsRow {
				e := ev("C", "丙公司", "execution_changed", "丙1", "")
				e.OldExecutionStatus, e.NewExecutionStatus, e.UnexecutedAmount = "not_applicable", "unexecuted", "8000.00"
				return e
			}(),
			func() db.DigestEventsRow {
				e := ev("C", "丙公司", "execution_changed", "丙2", "")
				e.OldExecutionStatus, e.NewExecutionStatus = "unexecuted", "executed"
				return e
			}(),
			ev("C", "丙公司", "amounts_changed", "丙1", ""),
		}, Levels: []db.DigestLevelAlertsRow{{CreditCode: "A", CompanyName: "甲公司", Level: "urgent", PreviousLevel: "ok", Score: "35.00", Threshold: "40.00"}}},
		want: []string{
			"**概览**：3 家企业有案件变化；新立案 4 件（2 家企业），裁决 1 件，新增未执行 1 件，等级告警 1 家，数据异常 0 家",
			"**新立案**（4 件，2 家企业）",
			"- **乙公司**（B）：3 件，请求金额 76.50 元；乙1 某某与乙公司劳动争议、乙2 某某与乙公司劳动争议、等 3 件",
			"- **甲公司**（A）：1 件，请求金额 100.00 元；甲1 某某与甲公司劳动争议",
			"**裁决与结果变更**（1 件）",
			"- **甲公司**（A）：甲0 某某与甲公司劳动争议 审理中 → 企业败诉",
			"**裁决未执行**（1 件，1 家企业）",
			"- **丙公司**（C）：1 件未执行或部分执行，未执行金额 8000.00 元；丙1 某某与丙公司劳动争议",
			"**其他案件变化**：执行情况变更 1 件，金额变更 1 件",
			"**等级告警**（1 家）",
			"- **甲公司**（A）：紧急（此前：正常），评分 35.00，阈值 40.00",
		},
		not: []string{"数据过期"},
	}, {
		name: "stale and failing companies, with the rest counted",
		day: digest.Day{Day: day, ProblemTotal: 3, Problems: []db.DigestSyncProblemsRow{
			{CreditCode: "D", CompanyName: "丁公司", Status: "failing", ConsecutiveFailures: 4, LastSuccessAt: &lastOK, LastError: "upstream timeout", Total: 3},
			{CreditCode: "E", CompanyName: "戊公司", Status: "not_found", LastError: "fetch E: page 1: upstream not found", Total: 3},
		}},
		want: []string{
			"**概览**：0 家企业有案件变化；新立案 0 件（0 家企业），裁决 0 件，新增未执行 0 件，等级告警 0 家，数据异常 3 家",
			"**数据过期或同步失败**（3 家）",
			"- **丁公司**（D）：同步失败（连续 4 次），最后成功同步 2026-12-01 10:00：upstream timeout",
			"- **戊公司**（E）：数据源查无此企业（请核对信用代码），尚未成功同步",
			"……另有 1 家，详见 bi.sync_health",
		},
		not: []string{"page 1"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := tt.day.Lines(shanghai)
			at := 0
			for _, w := range tt.want {
				i := indexFrom(lines, w, at)
				require.GreaterOrEqual(t, i, 0, "missing (or out of order) %q in:\n%s", w, strings.Join(lines, "\n"))
				at = i + 1
			}
			for _, n := range tt.not {
				require.NotContains(t, strings.Join(lines, "\n"), n)
			}
		})
	}
}

func indexFrom(lines []string, s string, from int) int {
	for i := from; i < len(lines); i++ {
		if lines[i] == s {
			return i
		}
	}
	return -1
}

// A busy day lists at most MaxRows companies per section and counts the
// rest.
func TestDayLinesCapsEachSection(t *testing.T) {
	var events []db.DigestEventsRow
	for i := range digest.MaxRows + 5 {
		code := fmt.Sprintf("C%04d", i)
		events = append(events, ev(code, "公司"+code, "filed", "案"+code, "10.00"))
	}
	lines := digest.Day{Day: scoring.NewDate(2026, time.December, 6), Events: events}.Lines(shanghai)
	require.Len(t, lines, 2+digest.MaxRows+1)
	require.Equal(t, "……另有 5 家企业有新立案，详见 bi.case_events", lines[len(lines)-1])
}

func TestBoundsAreTheDayInTheZone(t *testing.T) {
	from, to := digest.Bounds(scoring.NewDate(2026, time.December, 6), shanghai)
	require.Equal(t, "2026-12-05T16:00:00Z", from.UTC().Format(time.RFC3339))
	require.Equal(t, "2026-12-06T16:00:00Z", to.UTC().Format(time.RFC3339))
}
