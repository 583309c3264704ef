// Consultants by the size of their placement legs: the members in each leg, the weaker leg and
// its share of the whole downline. The counts are kept on every consultant by each placement,
// so this reads two properties per member however big the network is. $min_downline (at least
// 1) leaves out small teams.
MATCH (m:Consultant)
WHERE m.left_count + m.right_count >= CASE WHEN $min_downline > 1 THEN $min_downline ELSE 1 END
WITH m, m.left_count AS left, m.right_count AS right
RETURN m.id AS member, m.name AS name, left, right, left + right AS downline,
       CASE WHEN left <= right THEN 'left' ELSE 'right' END AS weaker_leg,
       round(100.0 * CASE WHEN left <= right THEN left ELSE right END / (left + right), 1) AS weaker_pct
ORDER BY downline DESC, member
LIMIT $limit
