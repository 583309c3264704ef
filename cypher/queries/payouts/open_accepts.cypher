// The start of the oldest write still open that stamps what it accepts with that start
// (store.accepting, on any replica): nothing it commits is stamped earlier. Null when none is.
SHOW TRANSACTIONS YIELD metaData, startTime
WHERE metaData.halo = 'accepts'
RETURN min(datetime(startTime)) AS oldest
