MATCH (d:Delivery {id: $id})
CALL (d) {
  OPTIONAL MATCH (d)-[:ATTEMPT]->(a:DeliveryAttempt)
  WITH a ORDER BY a.at, a.n
  RETURN collect(a {.*}) AS attempts
}
RETURN d {.*} AS d, attempts
