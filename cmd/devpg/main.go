// Command devpg manages the local PostgreSQL clusters used by `make run` and
// `make test`. It is development tooling, not part of the arbsync daemon.
//
//	devpg start DIR        create (if needed) and start a persistent cluster; prints its DSN
//	devpg stop DIR         stop it
//	devpg run -- CMD ARGS  run CMD with TEST_DATABASE_URL pointing at a throwaway
//	                       cluster (or at the TEST_DATABASE_URL already set), then remove it
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/arbsync/arbsync/internal/devpg"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code, err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func run(ctx context.Context, args []string) (int, error) {
	if len(args) == 0 {
		return 2, errors.New("usage: devpg start DIR | stop DIR | run -- CMD [ARGS...]")
	}
	switch args[0] {
	case "start", "stop":
		if len(args) != 2 {
			return 2, fmt.Errorf("usage: devpg %s DIR", args[0])
		}
		c, err := devpg.Open(ctx, args[1], devpg.Options{Log: os.Stderr})
		if err != nil {
			return 1, err
		}
		if args[0] == "stop" {
			return 0, c.Stop(ctx)
		}
		if err := c.Start(ctx); err != nil {
			return 1, err
		}
		fmt.Println(c.DSN())
		return 0, nil
	case "run":
		rest := args[1:]
		if len(rest) > 0 && rest[0] == "--" {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			return 2, errors.New("usage: devpg run -- CMD [ARGS...]")
		}
		return runWith(ctx, rest)
	default:
		return 2, fmt.Errorf("devpg: unknown command %q", args[0])
	}
}

func runWith(ctx context.Context, argv []string) (int, error) {
	env := os.Environ()
	if os.Getenv("TEST_DATABASE_URL") == "" {
		dir, err := os.MkdirTemp("", "arbsync-testpg-")
		if err != nil {
			return 1, err
		}
		defer os.RemoveAll(dir)
		if err := os.Chmod(dir, 0o755); err != nil {
			return 1, err
		}
		c, err := devpg.Open(ctx, dir+"/data", devpg.Options{Fast: true, Log: os.Stderr})
		if err != nil {
			return 1, err
		}
		if err := c.Start(ctx); err != nil {
			return 1, err
		}
		defer c.Stop(context.Background())
		env = append(env, "TEST_DATABASE_URL="+c.DSN(), "ARBSYNC_TEST_PGDATA="+c.Dir)
		fmt.Fprintf(os.Stderr, "devpg: TEST_DATABASE_URL=%s (throwaway cluster)\n", c.DSN())
	} else {
		fmt.Fprintln(os.Stderr, "devpg: using TEST_DATABASE_URL from the environment")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		return 1, err
	}
	go func() {
		<-ctx.Done()
		_ = cmd.Process.Signal(syscall.SIGTERM)
	}()
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	return 0, err
}
