// For each {anc, desc}: is desc the ancestor or below it? Each check walks up from desc only.
UNWIND $pairs AS p
MATCH (d:Member {id: p.desc})
MATCH (a:Member {id: p.anc})
CALL (d, a) {
  OPTIONAL MATCH (d)((c)<-[:LEFT|RIGHT]-(up) WHERE up.depth >= a.depth)*(x)
  WHERE x.depth = a.depth
  RETURN coalesce(x.id = a.id, false) AS inside
}
RETURN p.anc AS anc, p.desc AS desc, inside
