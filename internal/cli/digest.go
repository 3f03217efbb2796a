package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/arbsync/arbsync/db"
	"github.com/arbsync/arbsync/internal/alerts"
	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
	"github.com/arbsync/arbsync/internal/digest"
	"github.com/arbsync/arbsync/scoring"
)

func digestCommand() *command {
	return &command{
		name:    "digest",
		args:    "send|show [flags]",
		summary: "the daily digest: send a day's now, or print it",
		about: "The daily digest summarizes a day across the watchlist (new cases by company, decisions, unexecuted " +
			"awards, level alerts, companies whose data is stale or failing) for the channels configured with " +
			"ARBSYNC_ALERT_<NAME>_DIGEST=daily. The daemon sends yesterday's at ARBSYNC_DIGEST_SCHEDULE; these " +
			"commands send or print one by hand.",
		subs: []*command{{
			name:    "digest send",
			args:    "[-day yesterday|today|YYYY-MM-DD] [-channel NAME]",
			summary: "write a day's digest to the outbox for the digest channels",
			about: "Writes the digest of a day to the outbox of every digest channel (or the one named), split to each " +
				"channel's size limit; a running daemon delivers it within seconds. A day that is over is recorded as " +
				"the daily job records it, so no channel gets it twice (a day already sent is reported, not resent). " +
				"-day today sends the day so far: it is keyed by the time it was made and records nothing, so " +
				"tomorrow's scheduled digest still covers the whole day.",
			env: true,
			run: runDigestSend,
		}, {
			name:    "digest show",
			args:    "[-day yesterday|today|YYYY-MM-DD] [-kind webhook|wecom|dingtalk|feishu]",
			summary: "print a day's digest as a channel of a kind would get it, sending nothing",
			about:   "Prints the parts of a day's digest laid out for a channel of the given kind (default webhook: plain Markdown), each part's dedup key first. Nothing is written.",
			env:     true,
			run:     runDigestShow,
		}},
	}
}

// dayFlag reads -day: yesterday (default), today, or a date.
func dayFlag(fs *flag.FlagSet) *string {
	return fs.String("day", "yesterday", "the day: yesterday, today or YYYY-MM-DD (in ARBSYNC_TIMEZONE)")
}

func parseDay(s string, now time.Time, zone *time.Location) (scoring.Date, error) {
	today := scoring.DateOf(now.In(zone))
	switch strings.ToLower(s) {
	case "yesterday":
		return today.AddDays(-1), nil
	case "today":
		return today, nil
	}
	d, err := scoring.ParseDate(s)
	if err != nil {
		return 0, fmt.Errorf("-day %q: want yesterday, today or a date YYYY-MM-DD", s)
	}
	if d > today {
		return 0, fmt.Errorf("-day %s is in the future (today is %s in %s)", d, today, zone)
	}
	return d, nil
}

func runDigestSend(ctx context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	day := dayFlag(fs)
	channel := fs.String("channel", "", "only this channel (default: every channel with ARBSYNC_ALERT_<NAME>_DIGEST=daily)")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	j := app.App{Config: cfg, Log: log, Pool: pool}.Digest()
	d, err := parseDay(*day, time.Now(), cfg.Timezone)
	if err != nil {
		return usagef("%v", err)
	}
	results, err := j.SendDay(ctx, d, strings.ToLower(*channel))
	for _, r := range results {
		switch {
		case r.Already:
			fmt.Fprintf(io.Stdout, "%s: the digest of %s was already sent; nothing written\n", r.Channel, r.Period)
		case r.Parts == 0:
			fmt.Fprintf(io.Stdout, "%s: nothing to report for %s; nothing sent (ARBSYNC_ALERT_%s_DIGEST_EMPTY=true sends it anyway)\n", r.Channel, r.Period, strings.ToUpper(r.Channel))
		default:
			fmt.Fprintf(io.Stdout, "%s: digest of %s written to the outbox: %d message(s), %d case events\n", r.Channel, r.Period, r.Parts, r.Events)
		}
	}
	return err
}

func runDigestShow(ctx context.Context, c *command, args []string, io IO) error {
	fs := c.flags()
	day := dayFlag(fs)
	kind := fs.String("kind", string(alerts.KindWebhook), "lay the digest out for a channel of this kind: webhook, wecom, dingtalk or feishu")
	if err := c.parse(fs, args, io); err != nil {
		return err
	}
	ck := alerts.ChannelKind(strings.ToLower(*kind))
	known := false
	for _, k := range alerts.Kinds() {
		known = known || k == ck
	}
	if !known {
		return usagef("-kind %q: want webhook, wecom, dingtalk or feishu", *kind)
	}
	cfg, log, pool, err := setup(ctx, io, config.Need{Database: true})
	if err != nil {
		return err
	}
	defer pool.Close()
	now := time.Now()
	d, err := parseDay(*day, now, cfg.Timezone)
	if err != nil {
		return usagef("%v", err)
	}
	until := time.Time{}
	if d == scoring.DateOf(now.In(cfg.Timezone)) {
		until = now
	}
	dd, err := digest.Load(ctx, db.New(pool), d, cfg.Timezone, now, until)
	if err != nil {
		return err
	}
	j := app.App{Config: cfg, Log: log, Pool: pool}.Digest()
	for _, m := range j.Messages(ck, "CHANNEL", dd) {
		fmt.Fprintf(io.Stdout, "----- %s (%d bytes as %s)\n%s\n", m.DedupKey, len(alerts.Render(ck, m)), ck, alerts.Render(ck, m))
	}
	return nil
}
