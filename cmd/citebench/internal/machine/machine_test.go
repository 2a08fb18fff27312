package machine

import (
	"os"
	"runtime"
	"testing"
)

func TestSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	m := Describe()
	if m.CPUs < 1 || m.MemoryGiB <= 0 || m.Go == "" || m.LoadAvg == "" {
		t.Errorf("Describe = %+v", m)
	}
	self := SelfMemory()
	if self.RSSKB <= 0 || self.PeakKB < self.RSSKB {
		t.Errorf("own memory %+v; want a resident set no larger than the peak", self)
	}
	if byPid := ProcessMemory(os.Getpid()); byPid.PeakKB <= 0 {
		t.Errorf("memory by pid: %+v", byPid)
	}
	if gone := ProcessMemory(-1); gone != (Memory{}) {
		t.Errorf("memory of no process: %+v", gone)
	}
	if CPUSeconds() <= 0 {
		t.Error("no CPU time used")
	}
}

// ProcessCPUSeconds reads a process's CPU time from /proc: this one's
// grows as it works, and matches getrusage's to the tick.
func TestProcessCPUSeconds(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	start := ProcessCPUSeconds(os.Getpid())
	x := 0
	for i := 0; ProcessCPUSeconds(os.Getpid()) <= start; i++ {
		for k := range 1_000_000 {
			x += k ^ i
		}
		if i > 100_000 {
			t.Fatal("the process's CPU time never grew")
		}
	}
	if got, self := ProcessCPUSeconds(os.Getpid()), CPUSeconds(); got > self+0.02 {
		t.Errorf("/proc says %.2f s, getrusage %.2f s (x %d)", got, self, x)
	}
	if ProcessCPUSeconds(-1) != 0 {
		t.Error("a process that does not exist used CPU")
	}
}
