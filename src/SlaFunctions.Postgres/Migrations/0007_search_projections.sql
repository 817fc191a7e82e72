-- Projections for the search (GET …/slas) and the compliance report (GET …/reports/compliance), written with
-- the snapshot by every writer. Per phase (the response phase and the latest resolution cycle): its target, its
-- completion, when it stopped (completed or cancelled), and the business time elapsed when it stopped. Per
-- ticket: its client and board, its own creation instant (created_at is the row's), the earliest due instant of
-- its open phases (the search's default order), and the earliest due instant of a running or breached phase
-- (the ticket is breached as of t exactly when breach_at <= t). What depends on "now" is computed from these at
-- request time. Rows stored before this migration have projected = 0 until the service's one-time backfill
-- (SlaFunctions.Postgres.Queries.ProjectionBackfill) fills them from their snapshots.
alter table ticket_slas
    add column client_id                text,
    add column board_id                 text,
    add column ticket_created_at        timestamptz,
    add column response_target          interval,
    add column response_completed_at    timestamptz,
    add column response_stopped_at      timestamptz,
    add column response_elapsed         interval,
    add column resolution_target        interval,
    add column resolution_completed_at  timestamptz,
    add column resolution_stopped_at    timestamptz,
    add column resolution_elapsed       interval,
    add column open_due_at              timestamptz,
    add column breach_at                timestamptz,
    add column projected                smallint not null default 0;

-- The search's orders, each a keyset over (key, ticket_id) within a tenant. Tickets without an open due instant
-- sort last by due instant.
create index ticket_slas_by_due on ticket_slas (tenant_id, (coalesce(open_due_at, 'infinity'::timestamptz)), ticket_id);
create index ticket_slas_by_created on ticket_slas (tenant_id, ticket_created_at, ticket_id);
create index ticket_slas_by_updated on ticket_slas (tenant_id, updated_at, ticket_id);
-- "Breached" looks only at tickets that can breach; "breaches within" and "remaining below" only at the running
-- phases due in the coming window, each phase in its own index.
create index ticket_slas_by_breach on ticket_slas (tenant_id, breach_at) where breach_at is not null;
create index ticket_slas_response_running on ticket_slas (tenant_id, response_due_at) where response_outcome = 'running';
create index ticket_slas_resolution_running on ticket_slas (tenant_id, resolution_due_at) where resolution_outcome = 'running';
-- The one-time backfill finds what it has left to do.
create index ticket_slas_unprojected on ticket_slas (tenant_id, ticket_id) where projected = 0;
