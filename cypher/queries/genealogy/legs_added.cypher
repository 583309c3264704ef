UNWIND $ids AS id
MATCH (g:Legs {id: id})
REMOVE g.add
