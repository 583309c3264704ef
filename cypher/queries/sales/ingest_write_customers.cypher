UNWIND $customers AS c
MATCH (s:Member {id: c.sponsor})
CREATE (m:Member:Customer {id: c.id, name: c.name, name_lc: toLower(c.name), email: c.email, plan: 'customer',
  plan_at_registration: 'customer', registered_at: datetime(c.at), created_at: datetime.transaction(), rank: 'none',
  imported: false, sponsor_id: c.sponsor, sdepth: c.sdepth, source_event: $vendor + '/' + c.event})
CREATE (s)-[:SPONSORED]->(m)
