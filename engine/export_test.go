package engine

// SetPauseEvery makes the long steps call Input.Between every n consultants (a power of two),
// for a test's small network; restore puts the default back.
func SetPauseEvery(n int) (restore func()) {
	if n <= 0 || n&(n-1) != 0 {
		panic("SetPauseEvery: not a power of two")
	}
	was := pauseEvery
	pauseEvery = n
	return func() { pauseEvery = was }
}
