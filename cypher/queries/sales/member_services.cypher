// Which services a member holds from which vendor, with status and the product's current name,
// and the vendors serving it.
MATCH (m:Member {id: $id})
//+ sales/member_services
RETURN services, vendors
