MATCH (v:Vendor) WHERE v.deliveries_paused
RETURN collect(v.id) AS ids
