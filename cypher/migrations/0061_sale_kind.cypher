// Sales by kind: the earnings projection reads the upgrades (plan changes, PLAN.md §2) with
// every update, and without this index that read scanned every sale (4.3 s at 2.9M sales).
CREATE INDEX sale_kind IF NOT EXISTS FOR (s:Sale) ON (s.kind)
