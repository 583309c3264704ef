MATCH (d:Delivery {id: $id})
SET d.state = 'pending', d.attempts = 0, d.next_at = datetime($now), d.claim = null
RETURN d {.*} AS d
