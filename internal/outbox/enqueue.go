package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/money"
	"github.com/arbsync/arbsync/scoring"
)

// Alert is one row for the outbox: the message every channel renders (its
// dedup key included) and the columns arbsync.alerts keeps beside it. Build
// one with a constructor of this package (LevelChange.Alert); Enqueue writes
// it.
type Alert struct {
	msg       alerts.Message
	scoreID   int64 // the score-history row it is about; 0 for none
	score     scoring.Points
	threshold scoring.Points
	// eventKind is an event alert's case-event kind, which channels
	// subscribe to; channel the one channel a digest, weekly summary or
	// report file is for.
	eventKind, channel string
}

// ForChannel is msgs (the parts of a digest or weekly summary, or a report
// file, as alerts.Split made them for the channel's kind) as alerts for the
// one channel named channel.
func ForChannel(channel string, msgs []alerts.Message) []Alert {
	out := make([]Alert, len(msgs))
	for i, m := range msgs {
		out[i] = Alert{msg: m, channel: channel}
	}
	return out
}

// Cause is what moved a company's level. With the company and the new level
// it makes a level alert's dedup key, so that one transition raises one
// alert however often it is written (a rerun, a replay after a crash).
type Cause string

// ScoreCause is a level change by a new score, the score-history row
// scoreID (the sync's rescore or the daily one).
func ScoreCause(scoreID int64) Cause { return Cause("score:" + strconv.FormatInt(scoreID, 10)) }

// ThresholdsCause is a level change by the thresholds of week (the weekly
// job putting them in force).
func ThresholdsCause(week scoring.Date) Cause { return Cause("thresholds:" + week.String()) }

// LevelChange is a company whose level got worse (To.Worse(From)): what its
// alert says.
type LevelChange struct {
	Cause        Cause
	CreditCode   string
	CompanyName  string
	IndustryName string // optional
	// ScoreID is the score-history row that holds Score.
	ScoreID int64
	// From is the level before (empty for a company scored for the first
	// time); To the level now, warning or urgent.
	From, To scoring.Level
	Score    scoring.Points
	// Thresholds are the company's thresholds; the alert shows the one To
	// crossed.
	Thresholds      scoring.Thresholds
	RecentCases     int
	RecentClaim     money.Fen
	LatestCaseTitle string // optional
	AsOf            scoring.Date
	// Rule is the rule that produced Score.
	Rule scoring.Rule
	// TopCases are the cases that drove the score (TopCases makes them).
	TopCases []TopCase
}

// MaxTopCases is how many of the cases that drove a score an alert names.
const MaxTopCases = 3

// TopCase is one of the cases that drove a score down: its share of what
// the score lost, and why it counts.
type TopCase struct {
	CaseNo, Title string
	FilingDate    scoring.Date
	Points        scoring.Points
	Why           scoring.Why
}

// TopCases returns the at most MaxTopCases cases that account for the most
// of what a company's score under rule at asOf lost (scoring.Explain and
// scoring.Top), with their numbers from caseNos (caseNos[i] is cases[i]'s;
// nil or short leaves numbers out).
func TopCases(rule scoring.Rule, cases []scoring.Case, caseNos []string, asOf scoring.Date) []TopCase {
	notes := scoring.Top(scoring.Explain(rule, cases, asOf), cases, MaxTopCases)
	if len(notes) == 0 {
		return nil
	}
	out := make([]TopCase, len(notes))
	for i, n := range notes {
		c := &cases[n.Index]
		out[i] = TopCase{Title: c.Title, FilingDate: c.FilingDate, Points: n.Points, Why: n.Why}
		if n.Index < len(caseNos) {
			out[i].CaseNo = caseNos[n.Index]
		}
	}
	return out
}

// Alert is the alert of the change, keyed "{credit code}:{cause}:{level}".
func (c LevelChange) Alert() Alert {
	threshold := c.Thresholds.Warning
	if c.To == scoring.LevelUrgent {
		threshold = c.Thresholds.Urgent
	}
	return Alert{
		msg: alerts.Message{
			DedupKey:          c.CreditCode + ":" + string(c.Cause) + ":" + string(c.To),
			CreditCode:        c.CreditCode,
			CompanyName:       c.CompanyName,
			IndustryName:      c.IndustryName,
			Score:             c.Score.String(),
			Threshold:         threshold.String(),
			Level:             alerts.Level(c.To),
			PreviousLevel:     alerts.Level(c.From),
			RecentCases:       c.RecentCases,
			RecentClaimAmount: c.RecentClaim.String(),
			LatestCaseTitle:   c.LatestCaseTitle,
			AsOf:              c.AsOf.Time(),
			RuleVersion:       int(c.Rule),
			TopCases:          messageCases(c.TopCases),
		},
		scoreID:   c.ScoreID,
		score:     c.Score,
		threshold: threshold,
	}
}

// messageCases are top cases as a message carries them.
func messageCases(top []TopCase) []alerts.TopCase {
	if len(top) == 0 {
		return nil
	}
	out := make([]alerts.TopCase, len(top))
	for i, c := range top {
		out[i] = alerts.TopCase{CaseNo: c.CaseNo, Title: c.Title, FilingDate: c.FilingDate.String(), Points: c.Points.String(), Why: string(c.Why)}
	}
	return out
}

// Enqueue writes batch to the outbox through q, which should be the
// transaction of the change that causes the alerts, so an alert exists if
// and only if its change was committed. An alert whose dedup key is already
// in the outbox is skipped. If any alert was written, the delivery workers
// are woken when the transaction commits. It returns the number written.
func Enqueue(ctx context.Context, q *db.Queries, batch []Alert) (int, error) {
	if len(batch) == 0 {
		return 0, nil
	}
	var p db.AlertsAppendParams
	for _, a := range batch {
		body, err := json.Marshal(a.msg)
		if err != nil {
			return 0, fmt.Errorf("encode alert %s: %w", a.msg.DedupKey, err)
		}
		kind, prev := "level", string(a.msg.PreviousLevel)
		if a.msg.Kind != alerts.MessageLevel {
			kind = string(a.msg.Kind)
		} else if prev == "" {
			prev = "none" // arbsync.alerts.previous_level of a first score
		}
		p.DedupKeys = append(p.DedupKeys, a.msg.DedupKey)
		p.Kinds = append(p.Kinds, kind)
		p.EventKinds = append(p.EventKinds, a.eventKind)
		p.Channels = append(p.Channels, a.channel)
		p.CreditCodes = append(p.CreditCodes, a.msg.CreditCode)
		p.ScoreIds = append(p.ScoreIds, a.scoreID)
		p.Levels = append(p.Levels, string(a.msg.Level))
		p.PreviousLevels = append(p.PreviousLevels, prev)
		p.Scores = append(p.Scores, int64(a.score))
		p.Thresholds = append(p.Thresholds, int64(a.threshold))
		p.Messages = append(p.Messages, body)
	}
	n, err := q.AlertsAppend(ctx, p)
	if err != nil {
		return 0, fmt.Errorf("write alerts: %w", err)
	}
	if n > 0 {
		if err := q.AlertsNotify(ctx); err != nil {
			return 0, fmt.Errorf("notify alerts: %w", err)
		}
	}
	return int(n), nil
}
