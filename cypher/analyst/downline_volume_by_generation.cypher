// A member's downline volume by sponsor generation (1–8) in [$from, $to): the members of each
// generation and the BV of their sales (packs, upgrades, activations), leaving out cancelled and
// voided activations and packs still waiting for their payment.
MATCH p = (:Member {id: $member})-[:SPONSORED*1..8]->(d:Member)
WITH length(p) AS generation, d
OPTIONAL MATCH (s:Sale)-[:OF]->(d)
  WHERE s.occurred_at >= datetime($from) AND s.occurred_at < datetime($to)
    AND NOT coalesce(s.cancelled, false) AND s.voided_by IS NULL AND s.pending IS NULL
RETURN generation, count(DISTINCT d) AS members, coalesce(sum(s.bv_cents), 0) AS bv_cents
ORDER BY generation
