OPTIONAL MATCH (n:Network {id: 'network'})
RETURN n.cutover AS cutover
