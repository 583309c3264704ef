// A member's withdrawals: the one-open-request rule of every request reads them (without it each
// request scanned every withdrawal ever made).
CREATE INDEX withdrawal_member IF NOT EXISTS FOR (w:Withdrawal) ON (w.member_id)
