UNWIND $ids AS id
MATCH (e:Event {key: $vendor + '/' + id})
RETURN e.id AS id
