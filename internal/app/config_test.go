package app

import (
	"strings"
	"testing"
	"time"
)

// HALO_BACKGROUND_GIVE_WAY: how much the projection and the analysts' earnings rest while the
// API is in use (graph.GiveWay).
func TestGiveWayConfig(t *testing.T) {
	t.Setenv("HALO_DEV", "true")
	for _, tc := range []struct {
		value string
		want  float64
		err   bool
	}{
		{"", 3, false}, {"0", 0, false}, {"1.5", 1.5, false},
		{"-1", 0, true}, {"fast", 0, true}, {"NaN", 0, true}, {"1000", 0, true},
	} {
		t.Setenv("HALO_BACKGROUND_GIVE_WAY", tc.value)
		c, err := LoadConfig(time.Now())
		if tc.err {
			if err == nil || !strings.Contains(err.Error(), "HALO_BACKGROUND_GIVE_WAY") {
				t.Errorf("%q: error %v, want one naming HALO_BACKGROUND_GIVE_WAY", tc.value, err)
			}
			continue
		}
		if err != nil || c.GiveWay != tc.want {
			t.Errorf("%q: %v (err %v), want %v", tc.value, c, err, tc.want)
		}
	}
}

// HALO_MEMORY_LIMIT: the default keeps halod's resident peak under 3 GiB (Go's limit plus the
// about 30 MB the process holds beside it, issue #19); sizes take KiB, MiB or GiB.
func TestMemoryLimitConfig(t *testing.T) {
	t.Setenv("HALO_DEV", "true")
	for _, tc := range []struct {
		value string
		want  int64
		err   bool
	}{
		{"", 2944 << 20, false}, {"3GiB", 3 << 30, false}, {"512MiB", 512 << 20, false}, {"1048576", 1 << 20, false},
		{"0", 0, true}, {"-1GiB", 0, true}, {"lots", 0, true}, {"3GB", 0, true},
	} {
		t.Setenv("HALO_MEMORY_LIMIT", tc.value)
		c, err := LoadConfig(time.Now())
		if tc.err {
			if err == nil || !strings.Contains(err.Error(), "HALO_MEMORY_LIMIT") {
				t.Errorf("%q: error %v, want one naming HALO_MEMORY_LIMIT", tc.value, err)
			}
			continue
		}
		if err != nil || c.MemoryLimit != tc.want {
			t.Errorf("%q: %d (err %v), want %d", tc.value, c.MemoryLimit, err, tc.want)
		}
		if tc.value == "" && c.MemoryLimit+30<<20 >= 3<<30 {
			t.Errorf("the default %d leaves no room under 3 GiB for what the process holds beside Go's limit", c.MemoryLimit)
		}
	}
}
