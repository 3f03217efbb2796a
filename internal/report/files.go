package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFiles renders r in its four files and writes them to dir as
// arbsync-thresholds-{ISO week}.md, .html, .csv and -backtest.csv (e.g.
// arbsync-thresholds-2026-W48.md), creating dir when needed. It renders all
// four before writing any, so an invalid r writes nothing. Each file is
// written to a temporary file in dir, synced and renamed over its final
// name, so a reader never sees a partial file and a rerun of the week
// replaces the previous files. paths are the files written, in the order
// md, html, csv, backtest csv; on error, the files already written are
// returned with it.
func WriteFiles(dir string, r Weekly) (paths []string, err error) {
	formats := []struct {
		ext    string
		render func(io.Writer, Weekly) error
	}{{".md", Markdown}, {".html", HTML}, {".csv", CSV}, {BacktestCSVSuffix, BacktestCSV}}
	data := make([][]byte, len(formats))
	for i, f := range formats {
		var b bytes.Buffer
		if err := f.render(&b, r); err != nil {
			return nil, err
		}
		data[i] = b.Bytes()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create report directory: %w", err)
	}
	base := "arbsync-thresholds-" + r.label()
	for i, f := range formats {
		path := filepath.Join(dir, base+f.ext)
		if err := writeAtomic(path, data[i]); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// BacktestCSVSuffix ends the name of the backtest CSV file:
// arbsync-thresholds-2026-W48-backtest.csv.
const BacktestCSVSuffix = "-backtest.csv"

// writeAtomic writes data to a temporary file next to path, syncs it, makes
// it world-readable (0644) and renames it to path.
func writeAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(fmt.Errorf("write %s: %w", path, err), os.Remove(tmp.Name()))
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
