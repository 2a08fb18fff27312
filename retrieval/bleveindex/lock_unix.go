//go:build unix

package bleveindex

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockIndex takes PATH/LOCK so that one process at a time writes an
// index. The kernel drops the lock when the process dies, so a killed
// build never leaves the index locked.
func lockIndex(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create index directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock index %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("index %s is being written by another citebot process", dir)
		}
		return nil, fmt.Errorf("lock index %s: %w", dir, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
