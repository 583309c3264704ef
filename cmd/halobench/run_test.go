package main

import (
	"os"
	"runtime"
	"testing"
)

// The memory sampler reads the kernel's figures for a process, and nothing for one that is not.
func TestStatusKB(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	rss, hwm := statusKB(os.Getpid(), "VmRSS"), statusKB(os.Getpid(), "VmHWM")
	if rss <= 0 || hwm < rss {
		t.Errorf("VmRSS %d kB, VmHWM %d kB", rss, hwm)
	}
	if n := statusKB(os.Getpid(), "NoSuchKey"); n != 0 {
		t.Errorf("a missing key read as %d", n)
	}
	if n := statusKB(1<<30, "VmRSS"); n != 0 {
		t.Errorf("a missing process read as %d", n)
	}
}
