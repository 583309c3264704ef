// Listings of webinars and events run in start order.
CREATE INDEX gathering_starts IF NOT EXISTS FOR (g:Gathering) ON (g.starts_at)
