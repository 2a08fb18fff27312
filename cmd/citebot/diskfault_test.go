//go:build linux

package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// mount mounts or skips the test: only root may (CI runs as root).
func mount(t *testing.T, source, target, fstype string, flags uintptr, data string) {
	t.Helper()
	if err := syscall.Mount(source, target, fstype, flags, data); err != nil {
		if errors.Is(err, syscall.EPERM) {
			t.Skipf("mounting %s needs root (CI runs as root): %v", fstype, err)
		}
		t.Fatalf("mount %s on %s: %v", fstype, target, err)
	}
}

func unmountLater(t *testing.T, target string) {
	t.Cleanup(func() {
		if err := syscall.Unmount(target, 0); err != nil {
			t.Errorf("unmount %s: %v", target, err)
		}
	})
}

// oldIndexServes checks that the index at path still serves generation
// gen and answers from it.
func oldIndexServes(t *testing.T, path, gen string) {
	t.Helper()
	if cur, err := os.ReadFile(filepath.Join(path, "CURRENT")); err != nil || strings.TrimSpace(string(cur)) != gen {
		t.Errorf("CURRENT = %q (%v); want the old generation %s", cur, err, gen)
	}
	gens, err := os.ReadDir(filepath.Join(path, "gens"))
	if err != nil || len(gens) != 1 || gens[0].Name() != gen {
		t.Errorf("generations left: %v (%v); want only the old %s (the failed one removed)", gens, err, gen)
	}
	out, _, err := runCmd(t, "ask", "--index", path, "--json", "When did the school board adopt its budget?")
	if err != nil || !strings.Contains(out, "182 million") {
		t.Errorf("ask from the old index: %v\n%s", err, out)
	}
}

func currentGen(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(path, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestIndexFullDiskKeepsOldIndex: on a real full file system (a tmpfs
// shrunk to just over what the first index uses), re-indexing fails
// with an error naming the index and ENOSPC; the old generation keeps
// serving and the half-written one is removed.
func TestIndexFullDiskKeepsOldIndex(t *testing.T) {
	disk := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(disk, 0o755); err != nil {
		t.Fatal(err)
	}
	mount(t, "tmpfs", disk, "tmpfs", 0, "size=16m")
	unmountLater(t, disk)
	path := filepath.Join(disk, "ix")
	if _, _, err := runCmd(t, "index", "--corpus", smallCorpus(t), "--index", path); err != nil {
		t.Fatal(err)
	}
	gen := currentGen(t, path)
	var st syscall.Statfs_t
	if err := syscall.Statfs(disk, &st); err != nil {
		t.Fatal(err)
	}
	used := (st.Blocks - st.Bfree) * uint64(st.Bsize)
	// Full: room for a few more pages, not for a second index.
	mount(t, "tmpfs", disk, "tmpfs", syscall.MS_REMOUNT, "size="+itoa(used+8<<10))

	reindexFails(t, path, gen, "no space left on device")
}

// TestIndexReadOnlyDirKeepsOldIndex: with the index folder read-only (a
// read-only bind mount: permission bits do not stop root), re-indexing
// fails with an error naming the index; the old index still answers
// from the read-only folder.
func TestIndexReadOnlyDirKeepsOldIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ro")
	path := filepath.Join(dir, "ix")
	if _, _, err := runCmd(t, "index", "--corpus", smallCorpus(t), "--index", path); err != nil {
		t.Fatal(err)
	}
	gen := currentGen(t, path)
	mount(t, dir, dir, "", syscall.MS_BIND, "")
	unmountLater(t, dir)
	mount(t, "", dir, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, "")

	reindexFails(t, path, gen, "read-only file system")
}

// reindexFails rebuilds the index at path, which must fail with an error
// naming the index and saying fault (the file system's words); the
// generation gen must still serve.
func reindexFails(t *testing.T, path, gen, fault string) {
	t.Helper()
	_, _, err := runCmd(t, "index", "--rebuild", "--corpus", smallCorpus(t), "--index", path)
	if err == nil {
		t.Fatalf("re-indexing succeeded; want it to fail with %q", fault)
	}
	if msg := err.Error(); !strings.Contains(msg, fault) || !strings.Contains(msg, path) {
		t.Errorf("error %q; want it to name the index and say %q", msg, fault)
	}
	oldIndexServes(t, path, gen)
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
