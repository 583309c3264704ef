MATCH (n:Network {id: 'network', cutover_import: $id})
DELETE n
