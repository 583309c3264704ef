MATCH (f:RunFreeze {run_id: $run, seq: $seq})
RETURN f.sales AS sales, f.clawed AS clawed, f.voided AS voided, f.voided_activations AS voided_acts,
       f.paid_sales AS paid_sales, f.paid_lines AS paid_lines, coalesce(f.clawed_refunds, []) AS clawed_refunds,
       coalesce(f.voided_refunds, []) AS voided_refunds, coalesce(f.voided_sales, []) AS voided_sales,
       coalesce(f.promoted, []) AS promoted,
       coalesce(f.sales_nodes, '') AS sales_nodes, coalesce(f.paid_nodes, '') AS paid_nodes
