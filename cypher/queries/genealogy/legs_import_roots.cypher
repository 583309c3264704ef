// A completed import's subtrees are added to the members they hang from by the adding pass:
// each subtree's top carries the subtree's size.
UNWIND $roots AS r
MATCH (g:Legs {id: r.id})
SET g.add = r.n
