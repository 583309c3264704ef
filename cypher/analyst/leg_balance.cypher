// Consultants by the size of their placement legs: the members in each leg, the weaker leg and
// its share of the whole downline. The counts are kept per consultant ((:Legs {id, left,
// right}), new placements added within about a second), so this reads one small node per
// member however big the network is. $min_downline (at least 1) leaves out small teams.
MATCH (g:Legs)
WHERE g.left + g.right >= CASE WHEN $min_downline > 1 THEN $min_downline ELSE 1 END
MATCH (m:Member {id: g.id})
WITH m, g.left AS left, g.right AS right
RETURN m.id AS member, m.name AS name, left, right, left + right AS downline,
       CASE WHEN left <= right THEN 'left' ELSE 'right' END AS weaker_leg,
       round(100.0 * CASE WHEN left <= right THEN left ELSE right END / (left + right), 1) AS weaker_pct
ORDER BY downline DESC, member
LIMIT $limit
