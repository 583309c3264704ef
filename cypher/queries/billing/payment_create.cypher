MATCH (m:Member {id: $p.member_id})
CREATE (p:Payment {id: $p.id, member_id: m.id, purpose: $p.purpose, plan: $p.plan, amount_cents: $p.amount, currency: $p.currency,
  provider: $p.provider, provider_id: $p.provider_id, client_secret: $p.client_secret, status: 'requires_payment', created_at: datetime($p.at)})
CREATE (m)-[:PAID_WITH]->(p)
RETURN p.id AS id
