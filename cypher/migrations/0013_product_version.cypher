// Versions are looked up by product and date.
CREATE INDEX product_version_key IF NOT EXISTS FOR (v:ProductVersion) ON (v.product_key, v.effective_from)
