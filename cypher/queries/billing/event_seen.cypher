OPTIONAL MATCH (e:PaymentEvent {id: $id})
RETURN e IS NOT NULL AS seen
