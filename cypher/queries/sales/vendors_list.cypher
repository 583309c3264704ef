MATCH (v:Vendor)
RETURN v.id AS id, v.name AS name, v.active AS active, v.created_at AS created_at,
       v.secret_rotated_at AS rotated_at, v.prev_valid_until AS prev_until
ORDER BY v.id
