// The bulk of a commit's freeze (PLAN.md §4 step 10), by the node ids the draft read with the
// sales: a node is found by its id directly, where finding a sale by `id` is a seek in an index
// of millions (issue #19: 570,000 sales marked in 12 s instead of 15-28 s). The sale's id must
// still match, so a node deleted and its id reused since the draft is never marked; the
// counts tell the caller, which then marks the chunk by id (run_commit_freeze). The label is
// checked with labels(): written `s:Sale`, the planner seeks the sale's id in the index instead.
CALL () {
  UNWIND range(0, size($sales_nodes) - 1) AS i
  MATCH (s) WHERE id(s) = $sales_nodes[i] AND s.id = $sales[i] AND 'Sale' IN labels(s)
  SET s.accounted_by = $run
  RETURN count(*) AS sales
}
CALL () {
  UNWIND range(0, size($paid_nodes) - 1) AS i
  MATCH (s) WHERE id(s) = $paid_nodes[i] AND s.id = $paid_sales[i] AND 'Sale' IN labels(s)
  SET s.accounted_by = $run, s.paid = $paid_lines[i]
  RETURN count(*) AS paid
}
RETURN sales, paid
