// Onboarding completion of the consultants in sponsor generations 1..$max below $id: how many,
// how many attended every step of $steps, and how many attended each step.
MATCH (m:Member {id: $id})
MATCH path = (m)-[:SPONSORED*1..8]->(d:Consultant)
WITH length(path) AS gen, d WHERE gen <= $max
OPTIONAL MATCH (d)-[r:REGISTERED]->(x:Gathering) WHERE r.attended AND x.onboarding_step IN $steps
WITH gen, d, collect(DISTINCT x.onboarding_step) AS done
WITH gen, d, done, size($steps) > 0 AND size(done) = size($steps) AS complete
UNWIND CASE WHEN size($steps) = 0 THEN [''] ELSE $steps END AS step
WITH gen, step, count(d) AS members, count(CASE WHEN complete THEN 1 END) AS completed,
     count(CASE WHEN step IN done THEN 1 END) AS attended
ORDER BY gen, step
RETURN gen AS generation, max(members) AS members, max(completed) AS completed,
       collect(CASE WHEN step = '' THEN null ELSE {step: step, completed: attended} END) AS by_step
ORDER BY generation
