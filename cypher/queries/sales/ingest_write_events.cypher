// Every accepted raw event, for audit. The batch comes as one list per property, so halod
// builds no map for each event (issue #19).
UNWIND range(0, size($ids) - 1) AS i
CREATE (:Event {key: $vendor + '/' + $ids[i], vendor_id: $vendor, id: $ids[i], type: $types[i],
  occurred_at: datetime($ats[i]), received_at: datetime($received), payload: $payloads[i]})
