MATCH (st:Statement {run_id: $run, member_id: $member})
RETURN st.consultant AS consultant, st.total_cents AS total, st.rank AS rank, st.active AS active,
       st.carry_left_cents AS cl, st.carry_right_cents AS cr, st.lifetime_left_cents AS ll, st.lifetime_right_cents AS lr,
       st.lines AS lines, st.l_idx AS idx, st.l_type AS type, st.l_amount AS amount, st.l_source AS source, st.l_gen AS gen, st.l_rev AS rev,
       st.l_vendor AS vendor, st.l_base AS base, st.l_rate AS rate, st.l_skip AS skip, st.l_comp AS comp, st.l_detail AS detail,
       st.status AS status, st.status_since AS since, st.effective_sponsor AS sponsor
