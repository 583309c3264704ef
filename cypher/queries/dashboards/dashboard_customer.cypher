// Everything a customer's dashboard reads from Neo4j, in one query (as the consultant's): the
// customer with its referring consultant and how to reach them, its services and the vendors
// serving it (as sales/member_services reads them), and its registrations (as
// field/member_field reads them).
// Planned once and kept (replan=skip), for the reasons dashboard_consultant gives.
CYPHER replan=skip
MATCH (m:Member {id: $id})
OPTIONAL MATCH (sp:Member {id: m.sponsor_id})
//+ sales/member_services
//+ field/member_field
RETURN m.id AS id, m.name AS name, m.plan AS plan, sp.id AS sponsor_id, sp.name AS sponsor_name, sp.email AS sponsor_email,
       services, vendors, steps, done, upcoming
