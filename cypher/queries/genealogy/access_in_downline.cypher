// Is $member the viewer itself or below it in the sponsor tree or the placement tree? Both walks
// go up from the member, pruned at the viewer's depth, never down the viewer's whole downline.
MATCH (v:Member {id: $viewer})
MATCH (m:Member {id: $member})
CALL (v, m) {
  OPTIONAL MATCH (m)((a)<-[:SPONSORED]-(b) WHERE coalesce(b.sdepth, 0) >= coalesce(v.sdepth, 0))*(top)
  WHERE coalesce(top.sdepth, 0) = coalesce(v.sdepth, 0) AND top = v
  RETURN count(top) > 0 AS bySponsor
}
CALL (v, m) {
  OPTIONAL MATCH (m)((a)<-[:LEFT|RIGHT]-(b) WHERE b.depth >= v.depth)*(top)
  WHERE m.depth IS NOT NULL AND v.depth IS NOT NULL AND top.depth = v.depth AND top = v
  RETURN count(top) > 0 AS byPlacement
}
RETURN bySponsor OR byPlacement AS inside
