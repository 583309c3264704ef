package app

import (
	"strings"
	"testing"
	"time"
)

// configCase is one value of an environment variable and what LoadConfig makes of it.
type configCase[T comparable] struct {
	value string
	want  T
	err   bool
}

// checkConfig loads the configuration with each value of name and checks what got reads from
// it, or that a bad value is refused with an error naming the variable.
func checkConfig[T comparable](t *testing.T, name string, cases []configCase[T], got func(*Config) T) {
	t.Helper()
	t.Setenv("HALO_DEV", "true")
	for _, tc := range cases {
		t.Setenv(name, tc.value)
		c, err := LoadConfig(time.Now())
		if tc.err {
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%s=%q: error %v, want one naming %s", name, tc.value, err, name)
			}
			continue
		}
		if err != nil || got(c) != tc.want {
			t.Errorf("%s=%q: %v (err %v), want %v", name, tc.value, c, err, tc.want)
		}
	}
}

// HALO_BACKGROUND_GIVE_WAY: how much the projection and the analysts' earnings rest while the
// API is in use (graph.GiveWay).
func TestGiveWayConfig(t *testing.T) {
	checkConfig(t, "HALO_BACKGROUND_GIVE_WAY", []configCase[float64]{
		{"", 3, false}, {"0", 0, false}, {"1.5", 1.5, false},
		{"-1", 0, true}, {"fast", 0, true}, {"NaN", 0, true}, {"1000", 0, true},
	}, func(c *Config) float64 { return c.GiveWay })
}

// HALO_MEMORY_LIMIT: the default keeps halod's resident peak under 3 GiB (Go's limit plus the
// about 30 MB the process holds beside it, issue #19); sizes take KiB, MiB or GiB.
func TestMemoryLimitConfig(t *testing.T) {
	checkConfig(t, "HALO_MEMORY_LIMIT", []configCase[int64]{
		{"", 2944 << 20, false}, {"3GiB", 3 << 30, false}, {"512MiB", 512 << 20, false}, {"1048576", 1 << 20, false},
		{"0", 0, true}, {"-1GiB", 0, true}, {"lots", 0, true}, {"3GB", 0, true},
	}, func(c *Config) int64 { return c.MemoryLimit })
}

// HALO_INGEST_AT_ONCE, HALO_INGEST_AT_ONCE_BUSY, HALO_INGEST_BUSY_PART, HALO_INGEST_GIVE_WAY: how
// the vendors' batches take turns, fewer and in smaller parts while people use the API
// (graph.Turns, sales.IngestService.BusyPart).
func TestIngestTurnsConfig(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		checkConfig(t, "HALO_INGEST_AT_ONCE", []configCase[int]{
			{"", 0, false}, {"4", 4, false}, {"-1", 0, true}, {"many", 0, true},
		}, func(c *Config) int { return c.IngestAtOnce })
	})
	t.Run("busy", func(t *testing.T) {
		checkConfig(t, "HALO_INGEST_AT_ONCE_BUSY", []configCase[int]{
			{"", 1, false}, {"0", 0, false}, {"2", 2, false}, {"-2", 0, true}, {"1.5", 0, true},
		}, func(c *Config) int { return c.IngestAtOnceBusy })
	})
	t.Run("busy part", func(t *testing.T) {
		checkConfig(t, "HALO_INGEST_BUSY_PART", []configCase[int]{
			{"", 100, false}, {"0", 0, false}, {"250", 250, false}, {"-1", 0, true}, {"half", 0, true},
		}, func(c *Config) int { return c.IngestBusyPart })
	})
	t.Run("give way", func(t *testing.T) {
		checkConfig(t, "HALO_INGEST_GIVE_WAY", []configCase[float64]{
			{"", 1, false}, {"0", 0, false}, {"0.5", 0.5, false}, {"-0.5", 0, true}, {"NaN", 0, true}, {"11", 0, true}, {"slow", 0, true},
		}, func(c *Config) float64 { return c.IngestGiveWay })
	})
}
