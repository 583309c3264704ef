// Analysts' earnings (README, Neo4j for analysts): one (:Earning) per member, line type and
// vendor of a committed run, linked to its member, its run and its vendor, so questions such as
// "who earned the most revenue share from vendor X last quarter" are a plain MATCH. Lines not
// about an activation have no vendor (vendor ''). Idempotent (the id names run, member, type and
// vendor): a resumed write writes nothing twice.
MATCH (st:Statement {run_id: $run})
WHERE st.member_id > $after
WITH st ORDER BY st.member_id LIMIT $batch
CALL (st) {
  UNWIND range(0, size(coalesce(st.l_type, [])) - 1) AS i
  WITH st, st.l_type[i] AS type, coalesce(st.l_vendor[i], '') AS vendor, st.l_amount[i] AS cents
  WITH st, type, vendor, sum(cents) AS cents, count(*) AS lines
  MERGE (e:Earning {id: $run + '|' + st.member_id + '|' + type + '|' + vendor})
  ON CREATE SET e.run_id = $run, e.member_id = st.member_id, e.type = type, e.vendor = vendor,
    e.amount_cents = cents, e.lines = lines, e.period_end = datetime($period_end)
  WITH e, vendor
  MATCH (m:Member {id: e.member_id})
  MERGE (m)-[:EARNED]->(e)
  WITH e, vendor
  MATCH (r:PayoutRun {id: $run})
  MERGE (e)-[:IN_RUN]->(r)
  WITH e, vendor WHERE vendor <> ''
  MATCH (v:Vendor {id: vendor})
  MERGE (e)-[:FROM_VENDOR]->(v)
}
RETURN max(st.member_id) AS last, count(st) AS n
