// The attempt is always logged; the state moves only while the claim is this worker's (a lease
// that ran out gave the row to another), except that a success always counts.
MATCH (d:Delivery {id: $id})
CREATE (d)-[:ATTEMPT]->(:DeliveryAttempt {n: $a.n, at: datetime($a.at), status: $a.status, error: $a.error,
  duration_ms: $a.duration_ms, outcome: $a.outcome})
WITH d
CALL (d) {
  WITH d WHERE $state = 'delivered' AND d.state <> 'delivered'
  SET d.state = 'delivered', d.delivered_at = datetime($done), d.via = 'webhook', d.attempts = $a.n, d.last_error = null, d.claim = null
  WITH d
  MATCH (r:Referral {id: d.referral_id}) WHERE r.status = 'submitted'
  SET r.status = 'delivered', r.updated_at = datetime($done)
  CREATE (r)-[:CHANGED]->(:ReferralChange {status: 'delivered', at: datetime($done), source: 'halo', note: 'webhook answered ' + toString($a.status), recorded: datetime($done)})
}
CALL (d) {
  WITH d WHERE $state <> 'delivered' AND d.claim = $claim AND d.state = 'pending'
  SET d.state = $state, d.attempts = $a.n, d.last_error = $a.error, d.next_at = CASE WHEN $next IS NULL THEN d.next_at ELSE datetime($next) END,
      d.claim = null
}
RETURN d.state AS state
