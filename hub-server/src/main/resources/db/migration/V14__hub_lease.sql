-- Each hub's lease (ADR 0028): a hub with a store renews its row every sixth of cc.remediate.lease-ttl,
-- stamped with the database's CURRENT_TIMESTAMP (the hubs' clocks do not matter). The runs of a hub
-- whose lease is older than the TTL are adopted by another hub, by one conditional UPDATE that checks
-- the lease in the same statement. since: when the hub's current streak of renewals began (a renewal
-- more than a TTL after the previous one starts a new streak); a hub adopts only with a streak at least
-- a TTL old and a fresh lease, so after a database outage longer than the TTL no hub adopts the runs of
-- hubs that are alive and renewing again. Portable SQL for H2 and PostgreSQL.

CREATE TABLE hub_lease (
    hub_id     VARCHAR(128)                NOT NULL,
    renewed_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    since      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_hub_lease PRIMARY KEY (hub_id)
);

-- Upgrades: the hubs that own runs now get a lease as of this migration, so their runs are not
-- adopted at once; a hub of this version renews it, one of an older version does not, and its runs
-- are adopted a TTL after the migration (run every hub on one version: see ADR 0028).
INSERT INTO hub_lease (hub_id, renewed_at, since)
SELECT hub_id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM remediation_run GROUP BY hub_id;
