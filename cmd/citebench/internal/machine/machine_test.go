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
