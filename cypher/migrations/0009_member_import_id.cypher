// Members written by an import carry its id, so a failed import can be removed whole.
CREATE INDEX member_import_id IF NOT EXISTS FOR (m:Member) ON (m.import_id)
