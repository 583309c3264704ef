package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// readProcCPU sums every thread's run and wait, and leaves out a thread whose file is gone or
// malformed.
func TestReadProcCPUSumsTheThreads(t *testing.T) {
	dir := t.TempDir()
	for tid, stat := range map[string]string{"1": "1000 250 7\n", "2": "3000 750 9\n", "3": "garbage\n"} {
		if err := os.MkdirAll(filepath.Join(dir, tid), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, tid, "schedstat"), []byte(stat), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "4"), 0o755); err != nil { // ended: no schedstat
		t.Fatal(err)
	}
	c, err := readProcCPU(dir)
	if err != nil || c != (procCPU{ran: 4000, waited: 1000}) {
		t.Fatalf("got %+v, %v; want ran 4000, waited 1000", c, err)
	}
	if _, err := readProcCPU(filepath.Join(dir, "none")); err == nil {
		t.Fatal("a process that is not there read without an error")
	}
	if runtime.GOOS == "linux" {
		own, err := readProcCPU("/proc/self/task")
		if err != nil || own.ran <= 0 {
			t.Fatalf("this process: %+v, %v", own, err)
		}
	}
}
