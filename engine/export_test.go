package engine

// SetPauseEvery makes the long steps call Input.Between every n consultants, for a test's small
// network; restore puts the default back.
func SetPauseEvery(n int) (restore func()) {
	was := pauseEvery
	pauseEvery = n
	return func() { pauseEvery = was }
}
