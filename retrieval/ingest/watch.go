package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultDebounce is how long Watch waits for a burst of changes (a copy of
// a hundred files, an editor's save dance) to settle before reacting.
const DefaultDebounce = 2 * time.Second

// Watch calls onChange after files under dirs (and their subfolders,
// including ones created later) change, once no further change has come
// for debounce. Hidden files and folders and editor scratch files are
// ignored. onChange runs on Watch's goroutine, so calls never overlap;
// changes made meanwhile lead to one more call. Watch returns nil when ctx
// ends, or an error if it cannot watch dirs.
func Watch(ctx context.Context, dirs []string, debounce time.Duration, onChange func(context.Context)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer w.Close()
	for _, d := range dirs {
		if err := watchTree(w, d); err != nil {
			return err
		}
	}
	return debounceEvents(ctx, w, debounce, func(ev fsnotify.Event) bool {
		if ignoredName(filepath.Base(ev.Name)) {
			return false
		}
		if ev.Has(fsnotify.Create) {
			if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
				if err := watchTree(w, ev.Name); err != nil {
					slog.Warn("watch: cannot watch new folder", "dir", ev.Name, "error", err)
				}
			}
		}
		return ev.Op&(fsnotify.Create|fsnotify.Write|fsnotify.Remove|fsnotify.Rename) != 0
	}, onChange)
}

// WatchFile calls onChange after the file name in dir is created,
// written or renamed onto (as an atomic swap does), once no further change
// has come for debounce. Like Watch, it returns nil when ctx ends.
func WatchFile(ctx context.Context, dir, name string, debounce time.Duration, onChange func(context.Context)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		return fmt.Errorf("watch %s: %w", dir, err)
	}
	return debounceEvents(ctx, w, debounce, func(ev fsnotify.Event) bool {
		return filepath.Base(ev.Name) == name && ev.Op&(fsnotify.Create|fsnotify.Write|fsnotify.Rename) != 0
	}, onChange)
}

// debounceEvents calls fire once relevant events have paused for
// debounce. An overflowing event queue counts as a change.
func debounceEvents(ctx context.Context, w *fsnotify.Watcher, debounce time.Duration, relevant func(fsnotify.Event) bool, fire func(context.Context)) error {
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	timer := time.NewTimer(debounce)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if relevant(ev) {
				timer.Reset(debounce)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			slog.Warn("watch", "error", err)
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				timer.Reset(debounce)
			}
		case <-timer.C:
			fire(ctx)
		}
	}
}

// watchTree watches dir and every folder under it but hidden ones.
func watchTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return fmt.Errorf("watch %s: %w", dir, err)
			}
			return nil // vanished meanwhile
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		if err := w.Add(p); err != nil {
			return fmt.Errorf("watch %s: %w", p, err)
		}
		return nil
	})
}

// ignoredName reports files whose changes never matter: hidden files and
// editors' backup and swap files.
func ignoredName(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") ||
		strings.HasSuffix(name, ".swp") || strings.HasSuffix(name, ".tmp") || strings.HasPrefix(name, "#")
}
