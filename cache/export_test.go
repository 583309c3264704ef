package cache

// SetAfterStage makes c run f between staging a tick's counts and applying them (Apply).
func SetAfterStage(c *Cache, f func()) { c.afterStage = f }
