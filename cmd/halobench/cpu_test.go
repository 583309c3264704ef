package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// readThreads reads every thread's run and wait and leaves out a thread whose file is gone or
// malformed; since counts a new thread whole and an ended one no more.
func TestReadThreadsAndSince(t *testing.T) {
	dir := t.TempDir()
	write := func(tid, stat string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(dir, tid), 0o755); err != nil {
			t.Fatal(err)
		}
		if stat != "" {
			if err := os.WriteFile(filepath.Join(dir, tid, "schedstat"), []byte(stat), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("1", "1000 250 7\n")
	write("2", "3000 750 9\n")
	write("3", "garbage\n")
	write("4", "") // ended: no schedstat
	before, err := readThreads(dir)
	if err != nil || len(before) != 2 || before["1"] != (procCPU{1000, 250}) || before["2"] != (procCPU{3000, 750}) {
		t.Fatalf("got %+v, %v; want threads 1 and 2 only", before, err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "2")); err != nil { // thread 2 ended
		t.Fatal(err)
	}
	write("1", "1500 300 8\n")
	write("5", "200 40 1\n") // thread 5 began
	now, err := readThreads(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := since(before, now); d != (procCPU{ran: 700, waited: 90}) {
		t.Fatalf("since = %+v, want ran 700 (500 + 200), waited 90 (50 + 40)", d)
	}
	if _, err := readThreads(filepath.Join(dir, "none")); err == nil {
		t.Fatal("a process that is not there read without an error")
	}
	if runtime.GOOS == "linux" {
		own, err := readThreads("/proc/self/task")
		if err != nil || len(own) == 0 {
			t.Fatalf("this process: %+v, %v", own, err)
		}
	}
}
