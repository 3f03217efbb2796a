package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuMeter splits the machine's CPU time over an interval between this
// process (the engine, the client and the in-process simulator), the
// benchmark's PostgreSQL (when it is the devpg cluster, whose postmaster is
// known), every other process (whatever else runs on the shared machine)
// and idle. It reads /proc and getrusage; where /proc/stat is missing it
// reports nothing.
type cpuMeter struct {
	start     time.Time
	self      time.Duration
	pg        time.Duration
	pm        int    // postmaster pid, 0 when unknown
	busy, all uint64 // jiffies
}

// startCPU starts measuring; postmaster is the server's pid or 0.
func startCPU(postmaster int) cpuMeter {
	m := cpuMeter{start: time.Now(), self: selfCPU(), pm: postmaster, pg: postgresCPU(postmaster)}
	m.busy, m.all = machineCPU()
	return m
}

// String describes the interval since start in cores.
func (m cpuMeter) String() string {
	wall := time.Since(m.start).Seconds()
	self := (selfCPU() - m.self).Seconds() / wall
	busy, all := machineCPU()
	if all == m.all || wall <= 0 {
		return ""
	}
	cores := float64(numCPU())
	busyCores := cores * float64(busy-m.busy) / float64(all-m.all)
	if m.pm == 0 {
		return fmt.Sprintf("CPU over the interval (cores of %d): this process %.2f, other processes %.2f (PostgreSQL and anything else on the machine), idle %.2f",
			int(cores), self, max(0, busyCores-self), cores-busyCores)
	}
	pg := (postgresCPU(m.pm) - m.pg).Seconds() / wall
	return fmt.Sprintf("CPU over the interval (cores of %d): this process %.2f, PostgreSQL %.2f, other processes %.2f, idle %.2f",
		int(cores), self, pg, max(0, busyCores-self-pg), cores-busyCores)
}

// clockTick is the kernel's USER_HZ, 100 on every Linux this runs on.
const clockTick = 100

// postgresCPU is the CPU time of a PostgreSQL server so far: the
// postmaster's own and its reaped children's (utime, stime, cutime,
// cstime), plus its live children's (backends, background workers).
func postgresCPU(postmaster int) time.Duration {
	if postmaster == 0 {
		return 0
	}
	ticks := uint64(0)
	if f := procStat(postmaster); f != nil {
		ticks += f[11] + f[12] + f[13] + f[14]
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == postmaster {
			continue
		}
		if f := procStat(pid); f != nil && int(f[1]) == postmaster {
			ticks += f[11] + f[12]
		}
	}
	return time.Duration(ticks) * time.Second / clockTick
}

// procStat returns the numeric fields of /proc/<pid>/stat after the
// command name, starting with the state's successor (ppid at index 1 is
// field 4 of proc(5)); nil if unreadable.
func procStat(pid int) []uint64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return nil
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return nil
	}
	out := make([]uint64, 15)
	for j := 1; j < 15; j++ { // f[0] is the state letter
		out[j], _ = strconv.ParseUint(f[j], 10, 64)
	}
	return out
}

// postmasterPID reads the first line of a data directory's postmaster.pid.
func postmasterPID(dataDir string) int {
	b, err := os.ReadFile(dataDir + "/postmaster.pid")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineCPU returns busy and total jiffies from /proc/stat's cpu line
// (iowait counts as idle, steal as busy).
func machineCPU() (busy, all uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0, 0
	}
	for i, s := range f[1:min(len(f), 9)] { // up to steal; guest time is already in user

		v, _ := strconv.ParseUint(s, 10, 64)
		all += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, all
}

func numCPU() int {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 1
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "cpu") && len(line) > 3 && line[3] >= '0' && line[3] <= '9' {
			n++
		}
	}
	return max(n, 1)
}
