package cli

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/arbsync/arbsync/internal/config"
)

// envVar is one environment variable `arbsync run` reads.
type envVar struct {
	name string
	// file marks a secret that may instead come from the file NAME_FILE
	// names.
	file bool
	// def is its default; "" when it has none.
	def string
	// required says when it is required ("required with
	// ARBSYNC_UPSTREAM_PROTOCOL=signed"); "" when it is optional.
	required string
}

// channelProbe is the alert channel name used to discover the per-channel
// variables; alertNamePart replaces it in what is shown.
const (
	channelProbe  = "NAME"
	alertNamePart = "ARBSYNC_ALERT_<NAME>_"
)

// runEnvironment lists the variables `arbsync run` reads, in the order it
// reads them. Nothing here is a copy of that list: the one reader of the
// environment, config.Load, is run against a recording environment that has
// nothing set, which shows every name it asks for and the defaults it
// reports; probing each upstream protocol, and one alert channel named NAME,
// shows which variables must be set, and when.
func runEnvironment() []envVar {
	var order []string
	vars := map[string]*envVar{}
	see := func(name string) *envVar {
		name = strings.Replace(name, "ARBSYNC_ALERT_"+channelProbe+"_", alertNamePart, 1)
		v, ok := vars[name]
		if !ok {
			v = &envVar{name: name}
			vars[name] = v
			order = append(order, name)
		}
		return v
	}
	load := func(set map[string]string, need config.Need) error {
		_, err := config.Load(config.Env{
			Getenv:   func(name string) string { see(name); return set[name] },
			ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist },
			Default:  func(name, value string) { see(name).def = value },
		}, need)
		return err
	}
	// Nothing is set in a probe, so every variable Load complains about
	// ("NAME: is required …", "NAME: must be …") must be set under that
	// probe's condition; required marks them, given each probe's condition
	// and error.
	problemRE := regexp.MustCompile(`(?m)^\s*([A-Z][A-Z0-9_]*): (.*)$`)
	required := func(conds []string, errs []error) {
		var names []string
		when := map[string][]string{}
		detail := map[string]string{}
		for i, err := range errs {
			if err == nil {
				continue
			}
			for _, m := range problemRE.FindAllStringSubmatch(err.Error(), -1) {
				v := see(m[1])
				if _, ok := when[v.name]; !ok {
					names = append(names, v.name)
					detail[v.name] = problemDetail(m[2])
				}
				when[v.name] = append(when[v.name], conds[i])
			}
		}
		for _, name := range names {
			v := vars[name]
			v.required = "required"
			if len(when[name]) < len(conds) {
				v.required += " with " + strings.Join(when[name], ", ")
			}
			v.required += detail[name]
		}
	}

	var conds []string
	var errs []error
	for _, protocol := range []string{"signed", "tianyuan"} {
		err := load(map[string]string{"ARBSYNC_UPSTREAM_PROTOCOL": protocol}, config.Need{Database: true, Upstream: true})
		conds, errs = append(conds, "ARBSYNC_UPSTREAM_PROTOCOL="+protocol), append(errs, err)
	}
	required(conds, errs)
	// One channel, NAME, and nothing else required: what Load then asks
	// for is what every channel needs, and the defaults it reports are a
	// channel's.
	required([]string{"a channel"}, []error{load(map[string]string{"ARBSYNC_ALERT_CHANNELS": channelProbe}, config.Need{})})

	out := make([]envVar, 0, len(order))
	for _, name := range order {
		if strings.HasSuffix(name, "_FILE") && vars[strings.TrimSuffix(name, "_FILE")] != nil {
			continue // shown as its secret's (_FILE)
		}
		v := *vars[name]
		v.file = vars[name+"_FILE"] != nil
		out = append(out, v)
	}
	return out
}

// problemDetail is what `arbsync run -h` shows of a reader's complaint
// about an unset variable: the parenthesis of "is required (…)", or the
// whole of any other complaint.
func problemDetail(msg string) string {
	msg = strings.ReplaceAll(msg, "ARBSYNC_ALERT_"+channelProbe+"_", alertNamePart)
	if rest, ok := strings.CutPrefix(msg, "is required"); ok {
		if i := strings.IndexByte(rest, '('); i >= 0 {
			if j := strings.IndexByte(rest[i:], ')'); j >= 0 {
				return " " + rest[i:i+j+1]
			}
		}
		return ""
	}
	return ": " + msg
}

// envGroups are the headings `arbsync run -h` groups the variables under,
// in order; a variable goes under the first that matches, and one that
// matches none under "other".
func envGroups() []struct {
	title string
	match func(name string) bool
} {
	prefix := func(ps ...string) func(string) bool {
		return func(name string) bool {
			for _, p := range ps {
				if strings.HasPrefix(name, p) {
					return true
				}
			}
			return false
		}
	}
	return []struct {
		title string
		match func(name string) bool
	}{
		{"database", prefix("DATABASE_", "ARBSYNC_LISTEN_DATABASE_")},
		{"vendor (upstream)", prefix("ARBSYNC_UPSTREAM_")},
		{"schedules and sync", func(name string) bool {
			return strings.HasSuffix(name, "_SCHEDULE") ||
				prefix("ARBSYNC_TIMEZONE", "ARBSYNC_SYNC_", "ARBSYNC_SHUTDOWN_", "ARBSYNC_REPLICA_")(name)
		}},
		{"scoring", prefix("ARBSYNC_SCORE_")},
		{"thresholds and the weekly report", prefix("ARBSYNC_THRESHOLD", "ARBSYNC_REPORT_")},
		{"HTTP and the ERP lookup API", prefix("ARBSYNC_HTTP_", "ARBSYNC_LOOKUP_")},
		{"alert channels (for each NAME listed in ARBSYNC_ALERT_CHANNELS)", prefix("ARBSYNC_ALERT_")},
		{"logs", prefix("ARBSYNC_LOG_")},
		{"other", func(string) bool { return true }},
	}
}

// printRunEnvironment is the environment section of `arbsync run -h`.
func printRunEnvironment(w io.Writer) {
	fmt.Fprintln(w, "\nenvironment:")
	fmt.Fprintln(w, wrap("Read once at start; a bad value stops start-up with a message naming the variable (all bad "+
		"variables at once). A variable marked (_FILE) is a secret that may instead be read from the file NAME_FILE "+
		"names; secrets never reach a log line. The second column is the default, or when the variable is required. "+
		"README.md (Configuration) explains each.", 80, "  "))
	vars := runEnvironment()
	groups := envGroups()
	byGroup := make([][]envVar, len(groups))
	for _, v := range vars {
		for i, g := range groups {
			if g.match(v.name) {
				byGroup[i] = append(byGroup[i], v)
				break
			}
		}
	}
	width := 0
	for _, v := range vars {
		width = max(width, len(v.name)+len(" (_FILE)"))
	}
	for i, g := range groups {
		if len(byGroup[i]) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n  %s\n", g.title)
		for _, v := range byGroup[i] {
			name := v.name
			if v.file {
				name += " (_FILE)"
			}
			value := v.def
			switch {
			case v.required != "":
				value = v.required
			case value == "":
				value = "-"
			}
			fmt.Fprintf(w, "    %-*s  %s\n", width, name, value)
		}
	}
}
