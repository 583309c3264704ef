CREATE (:AuditEntry {id: $id, actor: $actor, action: $action, target_type: $target_type, target_id: $target_id,
  at: datetime($at), before: $before, after: $after})
