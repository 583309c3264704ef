// Whether leg counts are kept on every consultant (set once by the recount; every placement
// after it keeps them up to date).
MATCH (l:Lock {id: 'placement'})
RETURN coalesce(l.legs_counted, false) AS counted
