MATCH (f:RunFreeze {run_id: $run, seq: $seq})
RETURN f.sales AS sales, f.clawed AS clawed, f.voided AS voided, f.voided_activations AS voided_acts,
       f.paid_sales AS paid_sales, f.paid_lines AS paid_lines
