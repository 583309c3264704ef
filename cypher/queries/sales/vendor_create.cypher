CREATE (v:Vendor {id: $id, name: $name, active: true, created_at: datetime($at), secret_enc: $sealed})
