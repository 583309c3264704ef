MATCH (p:Payment {id: $id})
RETURN p {.*} AS p
