MATCH (a:Article {id: $id})
RETURN a {.*} AS a
