-- A rollout puts a policy version in force on a tenant's open tickets (SPEC §2 "Definition change"), in batches.
-- The plan is kept as accepted; cursor is the last ticket id a batch passed, so a restarted worker goes on from there;
-- swept once the first pass is past the last ticket (from then on batches skip the tickets that have a row).
-- Each ticket a rollout reaches gets one row in rollout_tickets, written in the transaction that changed the ticket
-- (or, on the durable backend, after its signal was sent): a ticket applies a rollout once, whatever is retried.
create table rollouts (
    tenant_id text not null,
    rollout_id uuid not null,
    effective_at timestamptz not null,
    plan jsonb not null,
    total integer not null,
    state text not null check (state in ('running', 'cancelled', 'done')),
    cursor_ticket_id text,
    swept boolean not null default false,
    created_at timestamptz not null,
    finished_at timestamptz,
    primary key (tenant_id, rollout_id)
);
create index rollouts_running on rollouts (effective_at) where state = 'running';

create table rollout_tickets (
    tenant_id text not null,
    rollout_id uuid not null,
    ticket_id text not null,
    effect text not null,
    reason text,
    at timestamptz not null,
    primary key (tenant_id, rollout_id, ticket_id),
    foreign key (tenant_id, rollout_id) references rollouts on delete cascade
);

-- The version a rollout put in force on a ticket (null: the one it started on, policy_version, which the snapshot is
-- bound to). The search's remaining-time bound reads the clock of the version in force.
alter table ticket_slas add column policy_version_in_force integer;
