UNWIND $ids AS id
MATCH (s:Sale {id: $vendor + ':' + id})
RETURN id AS activation_id, s.id AS sale_id, s.member_id AS member_id, s.occurred_at AS occurred_at,
       coalesce(s.cancelled, false) AS cancelled
