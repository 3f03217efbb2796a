package casesync_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/internal/sim/simtest"
	"github.com/arbsync/arbsync/internal/upstream"
	"github.com/arbsync/arbsync/sync"
)

// event is the comparable form of an arbsync.case_events row: "" for a
// NULL value, amounts in fen.
type event struct {
	Code, CaseID, Kind   string
	OldResult, NewResult string
	OldExec, NewExec     string
	OldClaim, NewClaim   string
	OldAward, NewAward   string
	OldUnexec, NewUnexec string
	UpdatedAt            string
}

func (e event) String() string {
	return fmt.Sprintf("%s/%s %s result %q→%q exec %q→%q claim %q→%q award %q→%q unexecuted %q→%q updated %q",
		e.Code, e.CaseID, e.Kind, e.OldResult, e.NewResult, e.OldExec, e.NewExec,
		e.OldClaim, e.NewClaim, e.OldAward, e.NewAward, e.OldUnexec, e.NewUnexec, e.UpdatedAt)
}

func sortEvents(es []event) []event {
	slices.SortFunc(es, func(a, b event) int { return strings.Compare(a.String(), b.String()) })
	return es
}

// eventsOf returns the case events of one sync run, sorted, with the
// baseline records of the cases it stored for companies it synced first
// (those carry no run id: they are read off the cases it stored while it ran).
func eventsOf(t *testing.T, pool *pgxpool.Pool, runID int64) []event {
	t.Helper()
	return queryEvents(t, pool, `WHERE sync_run_id = $1 OR is_baseline AND detected_at BETWEEN
		(SELECT started_at FROM arbsync.sync_runs WHERE id = $1) AND (SELECT finished_at FROM arbsync.sync_runs WHERE id = $1)`, runID)
}

func queryEvents(t *testing.T, pool *pgxpool.Pool, where string, args ...any) []event {
	t.Helper()
	fen := func(col string) string { return fmt.Sprintf("coalesce((%s * 100)::bigint::text, '')", col) }
	rows, err := pool.Query(context.Background(), `SELECT credit_code, case_id, kind,
		coalesce(old_result, ''), coalesce(new_result, ''), coalesce(old_execution_status, ''), coalesce(new_execution_status, ''),
		`+fen("old_claim_amount")+`, `+fen("new_claim_amount")+`, `+fen("old_award_amount")+`, `+fen("new_award_amount")+`,
		`+fen("old_unexecuted_amount")+`, `+fen("new_unexecuted_amount")+`,
		coalesce(to_char(upstream_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '')
		FROM bi.case_events `+where, args...)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (event, error) {
		var e event
		err := r.Scan(&e.Code, &e.CaseID, &e.Kind, &e.OldResult, &e.NewResult, &e.OldExec, &e.NewExec,
			&e.OldClaim, &e.NewClaim, &e.OldAward, &e.NewAward, &e.OldUnexec, &e.NewUnexec, &e.UpdatedAt)
		return e, err
	})
	require.NoError(t, err)
	return sortEvents(out)
}

// eventModel is the test's own account of what the database holds and what
// each sync must record, kept from the upstream truth alone: the case
// events a correct sync writes are the differences between what it stored
// and what the upstream returns now.
type eventModel struct {
	stored map[string]map[string]modelCase // credit code → case id → last stored version
}

type modelCase struct {
	c       upstream.Case
	removed bool
}

func newEventModel() *eventModel { return &eventModel{stored: map[string]map[string]modelCase{}} }

func fenText(f money.Fen) string { return fmt.Sprint(int64(f)) }

func updated(c upstream.Case) string {
	if c.UpdatedAt.IsZero() {
		return ""
	}
	return c.UpdatedAt.UTC().Format(time.RFC3339)
}

// sync applies a complete fetch of code to the model and returns the
// events it must produce.
func (m *eventModel) sync(code string, cases []upstream.Case) []event {
	have, known := m.stored[code]
	if !known {
		have = map[string]modelCase{}
		m.stored[code] = have
	}
	var out []event
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.CaseID] = true
		old, exists := have[c.CaseID]
		have[c.CaseID] = modelCase{c: c}
		base := event{Code: code, CaseID: c.CaseID, UpdatedAt: updated(c)}
		switch {
		case !known: // a baseline record carries only the company and the case
			out = append(out, event{Code: code, CaseID: c.CaseID, Kind: casesync.EventBaseline})
			continue
		case !exists:
			e := base
			e.Kind = casesync.EventFiled
			e.NewResult, e.NewExec = string(c.Result), string(c.ExecutionStatus)
			e.NewClaim, e.NewAward, e.NewUnexec = fenText(c.ClaimAmount), fenText(c.AwardAmount), fenText(c.UnexecutedAmount)
			out = append(out, e)
			continue
		}
		o := old.c
		if old.removed {
			e := base
			e.Kind = casesync.EventRestored
			out = append(out, e)
		}
		if o.Result != c.Result {
			e := base
			e.Kind = casesync.EventResultChanged
			if o.Result == upstream.ResultPending {
				e.Kind = casesync.EventDecided
			}
			e.OldResult, e.NewResult = string(o.Result), string(c.Result)
			out = append(out, e)
		}
		if o.ExecutionStatus != c.ExecutionStatus {
			e := base
			e.Kind = casesync.EventExecutionChanged
			e.OldExec, e.NewExec = string(o.ExecutionStatus), string(c.ExecutionStatus)
			out = append(out, e)
		}
		if o.ClaimAmount != c.ClaimAmount || o.AwardAmount != c.AwardAmount || o.UnexecutedAmount != c.UnexecutedAmount {
			e := base
			e.Kind = casesync.EventAmountsChanged
			e.OldClaim, e.NewClaim = fenText(o.ClaimAmount), fenText(c.ClaimAmount)
			e.OldAward, e.NewAward = fenText(o.AwardAmount), fenText(c.AwardAmount)
			e.OldUnexec, e.NewUnexec = fenText(o.UnexecutedAmount), fenText(c.UnexecutedAmount)
			out = append(out, e)
		}
	}
	for id, old := range have {
		if !old.removed && !seen[id] {
			have[id] = modelCase{c: old.c, removed: true}
			out = append(out, event{Code: code, CaseID: id, Kind: casesync.EventRemoved})
		}
	}
	return out
}

// syncTruth applies the simulator's current truth for codes to the model.
func (m *eventModel) syncTruth(t *testing.T, b *bundle, codes []string) []event {
	t.Helper()
	var out []event
	for _, code := range codes {
		company, ok := b.sim.Truth(code)
		require.True(t, ok)
		out = append(out, m.sync(code, company.Cases)...)
	}
	return sortEvents(out)
}

func kinds(es []event) map[string]int {
	n := map[string]int{}
	for _, e := range es {
		n[e.Kind]++
	}
	return n
}

func TestFirstSyncRecordsOnlyBaselineEvents(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: 30})
	model := newEventModel()
	res := b.pass(t, casesync.PassOptions{})
	want := model.syncTruth(t, b, b.codes)
	got := queryEvents(t, b.pool, ``)
	require.Equal(t, want, got)
	require.Equal(t, map[string]int{casesync.EventBaseline: res.Inserted}, kinds(got), "one baseline record per case, nothing else")
	require.Zero(t, res.Events, "the baseline writes no event row")
	require.Zero(t, b.count(t, `SELECT count(*) FROM arbsync.case_events`))
	require.Equal(t, res.Inserted, b.count(t, `SELECT count(*) FROM arbsync.cases WHERE baseline`))

	// A baseline record is detected when its case was first seen, and BI
	// sees it as such, with the company and the case.
	require.Equal(t, res.Inserted, b.count(t, `SELECT count(*) FROM bi.case_events e JOIN arbsync.cases c USING (credit_code, case_id)
		WHERE e.detected_at = c.first_seen_at AND is_baseline AND kind_name = '基线' AND e.company_name <> '' AND e.case_no <> '' AND e.title <> ''`))

	// An unchanged re-sync records nothing, whether the company's hash lets
	// the writer skip it or (without the last hash) every case is compared.
	again := b.pass(t, casesync.PassOptions{IgnoreSchedule: true})
	require.Equal(t, 30, again.Succeeded)
	require.Zero(t, again.Events)
	_, err := b.pool.Exec(context.Background(), `UPDATE arbsync.sync_state SET last_content_hash = NULL`)
	require.NoError(t, err)
	forced := b.pass(t, casesync.PassOptions{IgnoreSchedule: true})
	require.Equal(t, 30, forced.Succeeded)
	require.Zero(t, forced.Inserted+forced.Updated+forced.Removed+forced.Events, "a forced diff of unchanged fetches")
	require.Zero(t, b.count(t, `SELECT count(*) FROM arbsync.case_events`))
	require.Equal(t, res.Inserted, b.count(t, `SELECT count(*) FROM bi.case_events`))
}

func TestEventsFollowTheSimulatorsChanges(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: 80})
	model := newEventModel()
	first := b.pass(t, casesync.PassOptions{})
	require.Equal(t, model.syncTruth(t, b, b.codes), eventsOf(t, b.pool, first.RunID))

	seen := map[string]int{}
	for range 4 {
		b.sim.Advance(90)
		res := b.pass(t, casesync.PassOptions{IgnoreSchedule: true})
		require.Zero(t, res.Failed)
		want := model.syncTruth(t, b, b.codes)
		got := eventsOf(t, b.pool, res.RunID)
		require.Equal(t, want, got, "events after the clock moved to %s", b.sim.Date().Format(time.DateOnly))
		require.Equal(t, len(got), res.Events)
		for k, n := range kinds(got) {
			seen[k] += n
		}
	}
	t.Logf("over 360 simulated days: %v", seen)
	for _, k := range []string{casesync.EventFiled, casesync.EventDecided, casesync.EventExecutionChanged, casesync.EventAmountsChanged, casesync.EventRemoved} {
		require.Positive(t, seen[k], "the simulator produced %s events", k)
	}
	require.Zero(t, seen[casesync.EventBaseline], "only a company's first sync records baseline events")

	// A filed event is detected when its case was first seen.
	require.Zero(t, b.count(t, `SELECT count(*) FROM arbsync.case_events e JOIN arbsync.cases c USING (credit_code, case_id)
		WHERE e.kind = 'filed' AND e.detected_at <> c.first_seen_at`))
	// Decisions that came with an award record both events, with the same
	// vendor updatedAt.
	require.Positive(t, b.count(t, `SELECT count(*) FROM arbsync.case_events d JOIN arbsync.case_events a
		ON a.credit_code = d.credit_code AND a.case_id = d.case_id AND a.detected_at = d.detected_at AND a.kind = 'amounts_changed'
		WHERE d.kind = 'decided' AND a.new_award_amount > 0 AND a.upstream_updated_at = d.upstream_updated_at`))
}

// A removed case the vendor shows again is restored: moving the
// simulator's date back brings back cases it had removed (and undoes what
// happened since, which the events record too).
func TestDateMovedBackRecordsRestoredCases(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: -1})
	later := b.sim.Date()
	earlier := later.AddDate(0, 0, -400)
	// Companies with a case the vendor shows at earlier and has removed by later.
	var codes []string
	for i := 0; len(codes) < 4 && i < 5000; i++ {
		code := ucode(i)
		if !b.sim.Known(code) {
			continue
		}
		b.sim.SetDate(earlier)
		before, _ := b.sim.Truth(code)
		b.sim.SetDate(later)
		after, _ := b.sim.Truth(code)
		ids := map[string]bool{}
		for _, c := range after.Cases {
			ids[c.CaseID] = true
		}
		if slices.ContainsFunc(before.Cases, func(c upstream.Case) bool { return !ids[c.CaseID] }) {
			codes = append(codes, code)
		}
	}
	require.Len(t, codes, 4, "the simulator removes some cases within 400 days")
	codes = append(codes, b.addCompanies(t, 0, 10)...)
	for _, code := range codes[:4] {
		p := b.sim.Profile(code)
		_, err := b.pool.Exec(context.Background(), `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, $2, $3)`, code, p.Name, p.Industry)
		require.NoError(t, err)
	}

	model := newEventModel()
	res := b.pass(t, casesync.PassOptions{})
	require.Equal(t, model.syncTruth(t, b, codes), eventsOf(t, b.pool, res.RunID))

	seen := map[string]int{}
	for _, date := range []time.Time{earlier, later} {
		b.sim.SetDate(date)
		res := b.pass(t, casesync.PassOptions{IgnoreSchedule: true})
		want := model.syncTruth(t, b, codes)
		got := eventsOf(t, b.pool, res.RunID)
		require.Equal(t, want, got, "events at %s", date.Format(time.DateOnly))
		for k, n := range kinds(got) {
			seen[k] += n
		}
	}
	t.Logf("back 400 days and forward again: %v", seen)
	require.GreaterOrEqual(t, seen[casesync.EventRestored], 4, "each chosen company got a case back")
	require.Positive(t, seen[casesync.EventRemoved])
	require.Positive(t, seen[casesync.EventResultChanged], "decided cases went back to pending")
}

// craftedUpstream is a test upstream for the changes the simulator never
// makes (a decided result that changes, a claim corrected, a case that
// returns with new content): it hands the engine cases the test wrote.
type craftedUpstream struct {
	mu        sync.Mutex
	companies map[string]upstream.Company
}

func (u *craftedUpstream) Fetch(_ context.Context, code string) (upstream.Company, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	c, ok := u.companies[code]
	if !ok {
		return upstream.Company{}, &upstream.Error{Kind: upstream.KindNotFound, Message: "unknown company " + code}
	}
	c.Cases = slices.Clone(c.Cases)
	return c, nil
}

func (u *craftedUpstream) set(code string, cases ...upstream.Case) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.companies[code] = upstream.Company{CreditCode: code, CompanyName: "测试科技有限公司", Cases: cases}
}

func TestCraftedChangesRecordTheirEvents(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: -1})
	up := &craftedUpstream{companies: map[string]upstream.Company{}}
	cfg := simtest.Config("http://127.0.0.1:1") // no vendor: the crafted upstream answers
	a := app.App{Config: cfg, Log: logger(t), Pool: b.pool, Now: b.sim.Date}
	assessor, err := a.Assessor()
	require.NoError(t, err)
	engine, err := a.Engine(up, a.SyncOptions(a.SyncHook(assessor)))
	require.NoError(t, err)
	code := ucode(7)
	_, err = b.pool.Exec(context.Background(), `INSERT INTO arbsync.watchlist (credit_code, company_name, industry_code) VALUES ($1, '测试科技有限公司', 'C')`, code)
	require.NoError(t, err)

	day := func(d int) upstream.Date { return upstream.Date{Time: time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC)} }
	at := func(d int) time.Time { return time.Date(2026, 9, d, 10, 0, 0, 0, time.UTC) }
	closed := day(20)
	won := upstream.Case{CaseID: "won", CaseNo: "京朝劳人仲字〔2026〕第1号", Title: "张某与测试科技有限公司劳动争议", Cause: "劳动合同纠纷",
		Role: upstream.RoleRespondent, ClaimAmount: 5_000_000, Result: upstream.ResultWin, FilingDate: day(1), ClosingDate: &closed,
		ExecutionStatus: upstream.ExecNotApplicable, Committee: "北京市朝阳区劳动人事争议仲裁委员会", UpdatedAt: at(1)}
	claim := won
	claim.CaseID, claim.CaseNo, claim.Result, claim.ClosingDate = "claim", "京朝劳人仲字〔2026〕第2号", upstream.ResultPending, nil
	titled := claim
	titled.CaseID, titled.CaseNo = "titled", "京朝劳人仲字〔2026〕第3号"
	gone := won
	gone.CaseID, gone.CaseNo, gone.Result, gone.AwardAmount = "gone", "京朝劳人仲字〔2026〕第4号", upstream.ResultLose, 4_000_000
	gone.ExecutionStatus, gone.UnexecutedAmount = upstream.ExecUnexecuted, 4_000_000
	pending := claim
	pending.CaseID, pending.CaseNo = "pending", "京朝劳人仲字〔2026〕第5号"

	model := newEventModel()
	syncAll := func(cases ...upstream.Case) []event {
		t.Helper()
		up.set(code, cases...)
		res, err := engine.RunPass(context.Background(), casesync.PassOptions{IgnoreSchedule: true})
		require.NoError(t, err)
		require.Equal(t, 1, res.Succeeded)
		got := eventsOf(t, b.pool, res.RunID)
		require.Equal(t, sortEvents(model.sync(code, cases)), got)
		return got
	}
	require.Len(t, syncAll(won, claim, titled, gone, pending), 5)

	// The vendor revises a decided result, corrects a claim, retitles a
	// case, drops one; another is decided with an award and enforcement in
	// one go.
	won2 := won
	won2.Result, won2.AwardAmount, won2.UpdatedAt = upstream.ResultLose, 4_500_000, at(2)
	claim2 := claim
	claim2.ClaimAmount, claim2.UpdatedAt = 6_000_000, at(2)
	titled2 := titled
	titled2.Title, titled2.UpdatedAt = "张某、李某与测试科技有限公司劳动争议", at(2)
	pending2 := pending
	pending2.Result, pending2.ClosingDate, pending2.AwardAmount = upstream.ResultPartial, &closed, 2_000_000
	pending2.ExecutionStatus, pending2.UnexecutedAmount, pending2.UpdatedAt = upstream.ExecUnexecuted, 2_000_000, at(2)
	got := syncAll(won2, claim2, titled2, pending2)
	require.Equal(t, []event{
		{Code: code, CaseID: "claim", Kind: casesync.EventAmountsChanged, OldClaim: "5000000", NewClaim: "6000000",
			OldAward: "0", NewAward: "0", OldUnexec: "0", NewUnexec: "0", UpdatedAt: "2026-09-02T10:00:00Z"},
		{Code: code, CaseID: "gone", Kind: casesync.EventRemoved},
		{Code: code, CaseID: "pending", Kind: casesync.EventAmountsChanged, OldClaim: "5000000", NewClaim: "5000000",
			OldAward: "0", NewAward: "2000000", OldUnexec: "0", NewUnexec: "2000000", UpdatedAt: "2026-09-02T10:00:00Z"},
		{Code: code, CaseID: "pending", Kind: casesync.EventDecided, OldResult: "pending", NewResult: "partial", UpdatedAt: "2026-09-02T10:00:00Z"},
		{Code: code, CaseID: "pending", Kind: casesync.EventExecutionChanged, OldExec: "not_applicable", NewExec: "unexecuted", UpdatedAt: "2026-09-02T10:00:00Z"},
		{Code: code, CaseID: "won", Kind: casesync.EventAmountsChanged, OldClaim: "5000000", NewClaim: "5000000",
			OldAward: "0", NewAward: "4500000", OldUnexec: "0", NewUnexec: "0", UpdatedAt: "2026-09-02T10:00:00Z"},
		{Code: code, CaseID: "won", Kind: casesync.EventResultChanged, OldResult: "win", NewResult: "lose", UpdatedAt: "2026-09-02T10:00:00Z"},
	}, got, "a retitled case records nothing")

	// The dropped case returns, partly paid meanwhile.
	gone2 := gone
	gone2.ExecutionStatus, gone2.UnexecutedAmount, gone2.UpdatedAt = upstream.ExecPartiallyExecuted, 1_000_000, at(3)
	got = syncAll(won2, claim2, titled2, pending2, gone2)
	require.Equal(t, []string{casesync.EventAmountsChanged, casesync.EventExecutionChanged, casesync.EventRestored},
		slices.Sorted(maps.Keys(kinds(got))))

	// BI reads them with the case's number and title and the amounts in yuan.
	var no, title, oldAward, newAward string
	require.NoError(t, b.pool.QueryRow(context.Background(), `SELECT case_no, title, old_award_amount::text, new_award_amount::text
		FROM bi.case_events WHERE case_id = 'won' AND kind = 'amounts_changed'`).Scan(&no, &title, &oldAward, &newAward))
	require.Equal(t, []string{won.CaseNo, won.Title, "0.00", "45000.00"}, []string{no, title, oldAward, newAward})
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM bi.case_events WHERE case_id = 'gone' AND kind_name = '重新出现' AND NOT is_baseline`))
}

// A write that fails records no event, and the retry records each change
// once: the events commit with the cases or not at all.
func TestFailedWriteRecordsNoEvents(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: 40})
	model := newEventModel()
	res := b.pass(t, casesync.PassOptions{})
	model.syncTruth(t, b, b.codes)
	require.Equal(t, res.Inserted, b.count(t, `SELECT count(*) FROM bi.case_events WHERE is_baseline`))
	baseline := b.count(t, `SELECT count(*) FROM arbsync.case_events`)
	require.Zero(t, baseline, "the first sync is the baseline: no event row")

	b.sim.Advance(120)
	_, err := b.pool.Exec(context.Background(), `UPDATE arbsync.sync_state SET leased_by = 'broken', lease_until = now() + interval '1 hour'`)
	require.NoError(t, err)
	broken := &casesync.Store{Pool: b.pool, Replica: "broken", Now: time.Now,
		Hook: func(context.Context, pgx.Tx, []casesync.Change) error { return errors.New("scoring is down") }}
	var fetched []casesync.Fetched
	for _, code := range b.codes {
		company, _ := b.sim.Truth(code)
		fetched = append(fetched, casesync.NewFetched(code, nil, company))
	}
	before := b.rowVersions(t)
	_, err = broken.Write(context.Background(), fetched, nil)
	require.ErrorContains(t, err, "scoring is down")
	require.Equal(t, baseline, b.count(t, `SELECT count(*) FROM arbsync.case_events`), "no event without its case change")
	require.Equal(t, before, b.rowVersions(t))

	_, err = b.pool.Exec(context.Background(), `UPDATE arbsync.sync_state SET leased_by = NULL, lease_until = NULL`)
	require.NoError(t, err)
	want := model.syncTruth(t, b, b.codes)
	require.NotEmpty(t, want)
	res = b.pass(t, casesync.PassOptions{IgnoreSchedule: true})
	require.Equal(t, want, eventsOf(t, b.pool, res.RunID))
	again := b.pass(t, casesync.PassOptions{IgnoreSchedule: true})
	require.Empty(t, eventsOf(t, b.pool, again.RunID))
	require.Equal(t, baseline+len(want), b.count(t, `SELECT count(*) FROM arbsync.case_events`))
}

// A channel that subscribes to event kinds gets an alert for each event of
// those kinds, raised in the sync's write: none for a company's baseline,
// none for kinds nobody subscribed to, none again for an unchanged re-sync.
func TestSubscribedEventsRaiseAlerts(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{companies: 60})
	cfg := simtest.Config(b.url)
	cfg.Channels = []alerts.ChannelConfig{
		{Name: "ops", Kind: alerts.KindWebhook, Events: []string{casesync.EventFiled, casesync.EventExecutionChanged}},
		{Name: "hr", Kind: alerts.KindWebhook, Events: []string{casesync.EventFiled}},
	}
	engine := simtest.Engine(t, b.pool, simtest.Client(t, cfg), b.sim, cfg, logger(t))
	pass := func() casesync.PassResult {
		t.Helper()
		res, err := engine.RunPass(context.Background(), casesync.PassOptions{IgnoreSchedule: true})
		require.NoError(t, err)
		require.Zero(t, res.Failed)
		return res
	}
	pass()
	require.Zero(t, b.count(t, `SELECT count(*) FROM arbsync.alerts WHERE kind = 'event'`), "the baseline raises no event alert")

	b.sim.Advance(120)
	pass()
	subscribed := b.count(t, `SELECT count(*) FROM arbsync.case_events WHERE kind IN ('filed', 'execution_changed')`)
	require.Positive(t, subscribed, "the simulator filed cases and changed executions in 120 days")
	require.Positive(t, b.count(t, `SELECT count(*) FROM arbsync.case_events WHERE kind NOT IN ('filed', 'execution_changed')`),
		"there were events of other kinds too")
	// One alert per subscribed event (not per channel: the outbox fans it
	// out), matching the event's company, case and kind.
	require.Equal(t, subscribed, b.count(t, `SELECT count(*) FROM arbsync.alerts WHERE kind = 'event'`))
	require.Equal(t, subscribed, b.count(t, `SELECT count(*) FROM arbsync.case_events e JOIN arbsync.alerts a
		ON a.kind = 'event' AND a.event_kind = e.kind AND a.credit_code = e.credit_code
		AND a.dedup_key = 'event:' || e.credit_code || ':' || e.case_id || ':' || e.kind || ':' || (extract(epoch FROM e.detected_at) * 1000000)::bigint
		WHERE e.kind IN ('filed', 'execution_changed')`))
	// A filed alert names the case by its number and title, as stored.
	require.Equal(t, b.count(t, `SELECT count(*) FROM arbsync.case_events WHERE kind = 'filed'`), b.count(t, `SELECT count(*) FROM arbsync.alerts a
		JOIN arbsync.cases c ON c.credit_code = a.credit_code
		AND a.message->'lines' ? ('**案件**：' || c.case_no || ' ' || c.title)
		WHERE a.kind = 'event' AND a.event_kind = 'filed' AND a.message->>'heading' LIKE '案件动态｜新立案 %'`))

	before := b.count(t, `SELECT count(*) FROM arbsync.alerts`)
	pass()
	require.Equal(t, before, b.count(t, `SELECT count(*) FROM arbsync.alerts`), "an unchanged re-sync raises nothing")
}
