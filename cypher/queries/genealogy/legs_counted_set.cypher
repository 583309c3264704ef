MATCH (k:Lock {id: 'legs'})
SET k.counted = true, k.recount = null
