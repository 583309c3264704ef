// The referral, its first history entry and its outbox row, in the transaction that holds the
// vendor's sequence lock.
MATCH (l:Lock {id: 'referral-seq:' + $r.vendor_id})
SET l.seq = coalesce(l.seq, 0) + 1
WITH l
MATCH (owner:Member {id: $r.owner_id})
MATCH (v:Vendor {id: $r.vendor_id})
CREATE (r:Referral {id: $r.id, vendor_id: $r.vendor_id, sku: $r.sku, product_name: $r.product_name, owner_id: $r.owner_id,
  submitted_by: $r.submitted_by, status: 'submitted', p_name: $r.p_name, p_email: $r.p_email, p_phone: $r.p_phone,
  p_line1: $r.p_line1, p_line2: $r.p_line2, p_city: $r.p_city, p_state: $r.p_state, p_postal: $r.p_postal, p_country: $r.p_country,
  notes: $r.notes, consent_text: $r.consent_text, consent_channel: $r.consent_channel, consent_at: datetime($r.consent_at),
  created_at: datetime($r.at), updated_at: datetime($r.at), expires_at: datetime($r.expires_at), seq: l.seq, delivery_id: $d.id})
CREATE (owner)-[:REFERRED]->(r)
CREATE (r)-[:SENT_TO]->(v)
CREATE (r)-[:CHANGED]->(:ReferralChange {status: 'submitted', at: datetime($r.at), source: 'member', note: 'submitted by ' + $r.submitted_by, recorded: datetime($r.at)})
CREATE (r)-[:DELIVERY]->(:Delivery {id: $d.id, vendor_id: $r.vendor_id, referral_id: $r.id, state: $d.state, attempts: 0,
  next_at: datetime($r.at), created_at: datetime($r.at), body: $d.body})
RETURN r.seq AS seq
