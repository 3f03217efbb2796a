// Package cli implements the arbsync command line: one function per
// subcommand, each parsing its flags, loading the configuration it needs and
// calling the same code the daemon's schedules run.
//
// Every command and subcommand answers -h (or --help, or `arbsync help
// COMMAND`) the same way: a usage line, a paragraph on what it does, its
// subcommands and flags (and for run, the environment it reads). Help that
// was asked for goes to standard output and exits 0, so it can be paged or
// searched (`arbsync run -h | grep ALERT`); misuse (an unknown flag or
// subcommand, a missing or extra argument) is reported on standard error
// with the usage line and exits 2, so it never mixes with a command's
// output. The flag package's own printing is switched off to keep it so.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/arbsync/arbsync/internal/app"
	"github.com/arbsync/arbsync/internal/config"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// IO is what a command reads and writes.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Env            config.Env
}

// command is one arbsync command or subcommand. A command with subs is a
// group whose first argument names one of them; a command with run does the
// work (sim has both: `sim` serves, `sim sample` prints a CSV).
type command struct {
	name    string // after "arbsync": "thresholds recompute"; "" for arbsync itself
	args    string // synopsis after the name: "[-week W] [-dry-run]"
	summary string // one line, in its parent's list
	about   string // one paragraph: what it does
	// env says the command reads the configuration environment.
	env bool
	// positional names the arguments after the flags; any other count is
	// misuse.
	positional []string
	// more prints extra help sections (run's environment).
	more func(w io.Writer)
	subs []*command
	run  func(ctx context.Context, c *command, args []string, io IO) error
}

// usageError is misuse: it exits with ExitUsage after the command's usage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// commands is arbsync's command tree.
func commands() *command {
	return &command{
		args:  "COMMAND [flags]",
		about: "arbsync keeps a PostgreSQL database current with the labor-arbitration cases of every company on a watchlist, scores each company's labor-dispute risk, alerts when one turns risky, and recalibrates the risk thresholds per industry every week. `arbsync run` is the daemon; the other commands do one piece of its work by hand. Configuration comes from the environment (`arbsync run -h` lists it).",
		subs: []*command{
			runCommand(), migrateCommand(), syncCommand(), scoreCommand(), thresholdsCommand(),
			reportCommand(), digestCommand(), watchlistCommand(), simCommand(), keygenCommand(), sinkCommand(), versionCommand(),
		},
	}
}

// Main runs the command named by args and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env config.Env) int {
	stdio := IO{Stdin: stdin, Stdout: stdout, Stderr: stderr, Env: env}
	root := commands()
	c, rest, err := root.resolve(args, stdio)
	if err == nil {
		err = c.run(ctx, c, rest, stdio)
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, new(usageError)):
		c.misuse(stderr, err)
		return ExitUsage
	}
	// Failures are prefixed with the top-level command, as the packages
	// below name their own part ("watchlist import: …").
	top, _, _ := strings.Cut(c.name, " ")
	fmt.Fprintf(stderr, "arbsync %s: %v\n", top, err)
	return ExitFailure
}

// resolve walks args down the tree to the command that runs, answering
// help and reporting misuse on the way. It returns that command and its
// own arguments.
func (c *command) resolve(args []string, io IO) (*command, []string, error) {
	for len(c.subs) > 0 {
		if len(args) == 0 {
			if c.run != nil {
				return c, args, nil
			}
			return c, nil, usagef("missing %s (want %s)", c.subWord(), c.subNames())
		}
		a := args[0]
		switch {
		case a == "help":
			// `help X Y` is `X Y -h`.
			return c.resolve(append(append([]string(nil), args[1:]...), "-h"), io)
		case isHelpFlag(a) && c.run == nil:
			c.help(io.Stdout, nil)
			return c, nil, flag.ErrHelp
		case c.name == "" && (a == "-version" || a == "--version"):
			return c.sub("version"), args[1:], nil
		case strings.HasPrefix(a, "-") && c.run == nil:
			return c, nil, usagef("flag provided but not defined: %s", a)
		case strings.HasPrefix(a, "-"):
			return c, args, nil // the command's own flags
		}
		sub := c.sub(a)
		if sub == nil {
			return c, nil, usagef("unknown %s %q (want %s)", c.subWord(), a, c.subNames())
		}
		c, args = sub, args[1:]
	}
	return c, args, nil
}

func isHelpFlag(a string) bool {
	switch a {
	case "-h", "--h", "-help", "--help":
		return true
	}
	return false
}

func (c *command) sub(name string) *command {
	for _, s := range c.subs {
		if s.leaf() == name {
			return s
		}
	}
	return nil
}

// leaf is the last word of the command's name.
func (c *command) leaf() string { return c.name[strings.LastIndexByte(c.name, ' ')+1:] }

// subWord is what the command's arguments are called in messages.
func (c *command) subWord() string {
	if c.name == "" {
		return "command"
	}
	return "subcommand"
}

// subNames lists the subcommands for a message: "up, down or status".
func (c *command) subNames() string {
	names := make([]string, len(c.subs))
	for i, s := range c.subs {
		names[i] = s.leaf()
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// usageLine is "usage: arbsync NAME ARGS".
func (c *command) usageLine() string {
	return strings.Join(strings.Fields("usage: arbsync "+c.name+" "+c.args), " ")
}

// help writes the command's help: usage line, paragraph, subcommands,
// flags (fs may be nil) and any extra sections.
func (c *command) help(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s\n\n%s\n", c.usageLine(), wrap(c.about, 80, ""))
	if len(c.subs) > 0 {
		fmt.Fprintf(w, "\n%ss:\n", c.subWord())
		c.listSubs(w)
	}
	if fs != nil && hasFlags(fs) {
		fmt.Fprintln(w, "\nflags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	if c.more != nil {
		c.more(w)
	}
	if len(c.subs) > 0 {
		fmt.Fprintf(w, "\n`arbsync %s -h` explains a %s and lists its flags.\n", strings.TrimSpace(c.name+" "+strings.ToUpper(c.subWord())), c.subWord())
	}
	if c.env {
		fmt.Fprintln(w, "\nConfiguration comes from the environment, as for the daemon: `arbsync run -h` lists it.")
	}
}

func (c *command) listSubs(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, s := range c.subs {
		fmt.Fprintf(tw, "  %s\t%s\n", s.leaf(), s.summary)
	}
	tw.Flush()
}

// misuse reports err on w with the command's usage line (or its
// subcommands) and where to find its help.
func (c *command) misuse(w io.Writer, err error) {
	name := strings.TrimSpace("arbsync " + c.name)
	fmt.Fprintf(w, "%s: %v\n%s\n", name, err, c.usageLine())
	if len(c.subs) > 0 {
		fmt.Fprintf(w, "%ss:\n", c.subWord())
		c.listSubs(w)
	}
	fmt.Fprintf(w, "Run '%s -h' for help.\n", name)
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// flags returns an empty flag set for the command that prints nothing of
// its own (parse does the printing).
func (c *command) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("arbsync "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses the command's flags and checks its positional arguments.
// -h and --help print the command's help to standard output and return
// flag.ErrHelp; anything else wrong is a usageError naming it.
func (c *command) parse(fs *flag.FlagSet, args []string, io IO) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.help(io.Stdout, fs)
		return err
	case err != nil:
		return usageError{err.Error()}
	}
	switch n := fs.NArg(); {
	case n > len(c.positional) && len(c.subs) > 0 && len(c.positional) == 0:
		return usagef("unknown subcommand %q (want %s)", fs.Arg(0), c.subNames())
	case n > len(c.positional):
		return usagef("unexpected argument %q", fs.Arg(len(c.positional)))
	case n < len(c.positional):
		return usagef("missing argument %s", strings.Join(c.positional[n:], " "))
	}
	return nil
}

// wrap breaks s into lines of at most width columns, each starting with
// indent.
func wrap(s string, width int, indent string) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(s) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	b.WriteString(line)
	return b.String()
}

// setup loads the configuration, builds the logger and, if need.Database,
// connects to PostgreSQL.
func setup(ctx context.Context, io IO, need config.Need) (config.Config, zerolog.Logger, *pgxpool.Pool, error) {
	cfg, err := config.Load(io.Env, need)
	if err != nil {
		return cfg, zerolog.Nop(), nil, err
	}
	log := cfg.NewLogger(io.Stderr)
	if !need.Database {
		return cfg, log, nil, nil
	}
	pool, err := app.Connect(ctx, cfg)
	if err != nil {
		return cfg, log, nil, err
	}
	return cfg, log, pool, nil
}
