// Rank advancements per month: every rank bonus a committed run paid is one rank passed
// (PLAN.md §4 step 3), counted in the month the run's period ended.
MATCH (e:Earning {type: 'rank'})
RETURN date.truncate('month', e.period_end) AS month, sum(e.lines) AS advancements,
       count(DISTINCT e.member_id) AS members
ORDER BY month
