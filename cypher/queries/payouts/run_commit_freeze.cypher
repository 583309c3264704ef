// Idempotent: marks what the run accounted and keeps the lines it paid per activation for a
// later clawback (PLAN.md §4 step 10), and the refunds it accounted (§11). The paid lines are one
// string (`paid`, lines separated by ';', see payouts.EncodePaid): a list of strings per sale
// costs Neo4j several times more to write. Sales paid before issue #19 keep a list, `paid_lines`.
// A paid sale is always accounted by the run, and $sales lists only the others (drafts from
// before issue #19 list them all: marking one twice changes nothing).
CALL () {
  UNWIND $sales AS id
  MATCH (s:Sale {id: id})
  SET s.accounted_by = $run
}
CALL () {
  UNWIND range(0, size($paid_sales) - 1) AS i
  MATCH (s:Sale {id: $paid_sales[i]})
  SET s.accounted_by = $run, s.paid = $paid_lines[i]
}
CALL () {
  UNWIND $clawed AS id
  MATCH (c:Cancellation {id: id})
  SET c.accounted_by = $run, c.outcome = 'clawback'
}
CALL () {
  UNWIND $voided AS id
  MATCH (c:Cancellation {id: id})
  SET c.accounted_by = $run, c.outcome = 'void'
}
CALL () {
  UNWIND $voided_acts AS id
  MATCH (s:Sale {id: id})
  SET s.voided_by = $run
}
CALL () {
  UNWIND $clawed_refunds AS id
  MATCH (f:Refund {id: id})
  SET f.accounted_by = $run, f.outcome = 'clawback'
}
CALL () {
  UNWIND $voided_refunds AS id
  MATCH (f:Refund {id: id})
  SET f.accounted_by = $run, f.outcome = 'void'
}
CALL () {
  UNWIND $voided_sales AS id
  MATCH (s:Sale {id: id})
  SET s.voided_by = $run
}
// The member keeps its rank for everyone who shows it; carry and lifetime volume stay on the
// run's statement, which is the state the next run starts from (run_snapshot_members).
CALL () {
  UNWIND $promoted AS id
  MATCH (st:Statement {run_id: $run, member_id: id})
  MATCH (m:Member {id: id})
  SET m.rank = st.rank
}
RETURN 1 AS ok
