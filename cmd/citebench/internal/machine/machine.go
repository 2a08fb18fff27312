// Package machine reads what citebench records about where it runs: the
// CPU, memory and load average of the machine, and the resident memory
// and CPU time of a process (from /proc and getrusage; zero where a
// system has neither).
package machine

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Info describes the machine a run happened on.
type Info struct {
	CPUs      int     `json:"cpus"`
	CPU       string  `json:"cpu"`
	MemoryGiB float64 `json:"memory_gib"`
	Go        string  `json:"go"`
	OS        string  `json:"os"`
	LoadAvg   string  `json:"load_average"` // at the start
}

// Describe returns this machine's Info.
func Describe() Info {
	m := Info{CPUs: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if v, ok := procField("/proc/cpuinfo", "model name"); ok {
		m.CPU = v
	}
	if kb, ok := procKB("/proc/meminfo", "MemTotal"); ok {
		m.MemoryGiB = float64(kb) / (1 << 20)
	}
	if f := loadFields(); len(f) >= 3 {
		m.LoadAvg = strings.Join(f[:3], " ")
	}
	return m
}

// LoadAverage is the 1-minute load average; 0 where there is none.
func LoadAverage() float64 {
	f := loadFields()
	if len(f) == 0 {
		return 0
	}
	x, _ := strconv.ParseFloat(f[0], 64)
	return x
}

func loadFields() []string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

// Memory is a process's resident memory now (VmRSS) and at its peak
// (VmHWM), in KiB; zero when it cannot be read (not Linux, or the
// process is gone).
type Memory struct {
	RSSKB, PeakKB int64
}

// ProcessMemory reads the memory of process pid.
func ProcessMemory(pid int) Memory {
	return readMemory(fmt.Sprintf("/proc/%d/status", pid))
}

// SelfMemory reads this process's memory.
func SelfMemory() Memory { return readMemory("/proc/self/status") }

func readMemory(path string) Memory {
	var m Memory
	m.RSSKB, _ = procKB(path, "VmRSS")
	m.PeakKB, _ = procKB(path, "VmHWM")
	return m
}

// procKB reads a "Name: N kB" line of a /proc file.
func procKB(path, name string) (int64, bool) {
	v, ok := procField(path, name)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, "kB")), 10, 64)
	return n, err == nil
}

// procField returns the value of the first "name: value" line of a /proc
// file, trimmed.
func procField(path, name string) (string, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// ProcessCPUSeconds is the user and system CPU time process pid has used
// (from /proc/PID/stat, in the kernel's fixed 1/100 s ticks); 0 when it
// cannot be read.
func ProcessCPUSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; the fields after it
	// start after its closing parenthesis: state is field 3, utime 14,
	// stime 15.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return (utime + stime) / 100
}
