// Neo4j's clock at the start of the transaction: everything committed before it is visible.
RETURN datetime.transaction() AS now
