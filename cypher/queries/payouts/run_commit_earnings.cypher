// Analysts' earnings (README, Neo4j for analysts): one (:Earning) per member, line type and
// vendor of a committed run, summed by the store from the run's statements, linked to its member,
// its run and its vendor, so questions such as "who earned the most revenue share from vendor X
// last quarter" are a plain MATCH. Lines not about an activation have no vendor (vendor '').
// Idempotent (the id names run, member, type and vendor): a resumed write writes nothing twice.
MATCH (run:PayoutRun {id: $run})
UNWIND $rows AS r
MERGE (e:Earning {id: $run + '|' + r.member + '|' + r.type + '|' + r.vendor})
ON CREATE SET e.run_id = $run, e.member_id = r.member, e.type = r.type, e.vendor = r.vendor,
  e.amount_cents = r.cents, e.lines = r.lines, e.period_end = datetime($period_end)
WITH e, r, run
CALL (e, r) {
  MATCH (m:Member {id: r.member})
  MERGE (m)-[:EARNED]->(e)
}
CALL (e, run) {
  MERGE (e)-[:IN_RUN]->(run)
}
CALL (e, r) {
  MATCH (v:Vendor {id: r.vendor})
  MERGE (e)-[:FROM_VENDOR]->(v)
}
RETURN count(e) AS n
