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
