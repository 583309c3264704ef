// What the draft accounts, in chunks: its commit marks exactly these and nothing accepted later.
// The accounted sales are `sales` and `paid_sales` together (the paid ones with their lines);
// `promoted` are the consultants whose rank the run raises. `sales_nodes` and `paid_nodes` are the
// sales' node ids, read with them for the draft, one per line (empty when not every one is known).
CREATE (:RunFreeze {run_id: $run, seq: $seq, sales: $sales, clawed: $clawed, voided: $voided, voided_activations: $voided_acts,
  paid_sales: $paid_sales, paid_lines: $paid_lines, sales_nodes: $sales_nodes, paid_nodes: $paid_nodes, clawed_refunds: $clawed_refunds, voided_refunds: $voided_refunds,
  voided_sales: $voided_sales, promoted: $promoted})
