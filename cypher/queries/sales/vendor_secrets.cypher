MATCH (v:Vendor {id: $id})
RETURN v.active AS active, v.secret_enc AS sealed, v.prev_secret_enc AS previous, v.prev_valid_until AS prev_until
