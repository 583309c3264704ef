MATCH (l:Lock {id: 'placement'})
SET l.legs_counted = true
