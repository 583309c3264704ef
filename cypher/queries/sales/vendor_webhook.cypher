MATCH (v:Vendor {id: $id})
RETURN coalesce(v.webhook_url, '') AS url
