MATCH (p:Payment {member_id: $member})
RETURN p {.*} AS p
ORDER BY p.created_at DESC
