// The previous secret keeps verifying until $until (the rotation's grace period).
MATCH (v:Vendor {id: $id})
SET v.prev_secret_enc = $previous, v.prev_valid_until = datetime($until), v.secret_enc = $sealed,
    v.secret_rotated_at = datetime($at)
RETURN count(v) AS n
