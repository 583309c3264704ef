CREATE INDEX earning_type_vendor IF NOT EXISTS FOR (e:Earning) ON (e.type, e.vendor)
