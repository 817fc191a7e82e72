-- The system of record. Every row belongs to a tenant, and every key starts with tenant_id.

create table tenants (
    tenant_id          text primary key,
    name               text not null,
    default_policy_id  text,
    created_at         timestamptz not null
);

-- Only a hash of each key is stored; key_id is the public part shown to operators.
create table api_keys (
    tenant_id   text not null references tenants,
    key_id      text not null,
    key_hash    bytea not null,
    created_at  timestamptz not null,
    revoked_at  timestamptz,
    primary key (tenant_id, key_id)
);
create unique index api_keys_by_key_id on api_keys (key_id);

-- Calendars and policies are versioned: a ticket keeps the policy version it started with, and a
-- policy version pins the calendar version it was compiled with.
create table calendars (
    tenant_id    text not null references tenants,
    calendar_id  text not null,
    version      integer not null,
    definition   jsonb not null,
    created_at   timestamptz not null,
    primary key (tenant_id, calendar_id, version)
);

create table policies (
    tenant_id         text not null references tenants,
    policy_id         text not null,
    version           integer not null,
    definition        jsonb not null,
    calendar_id       text not null,
    calendar_version  integer not null,
    created_at        timestamptz not null,
    primary key (tenant_id, policy_id, version),
    foreign key (tenant_id, calendar_id, calendar_version) references calendars
);

-- Which policy a ticket gets when its start names none: its client's, then its board's, then the tenant default.
create table policy_assignments (
    tenant_id  text not null references tenants,
    scope      text not null check (scope in ('client', 'board')),
    scope_id   text not null,
    policy_id  text not null,
    primary key (tenant_id, scope, scope_id)
);

-- One row per ticket SLA: the snapshot is the truth, the other columns are projections for queries.
create table ticket_slas (
    tenant_id             text not null references tenants,
    ticket_id             text not null,
    policy_id             text not null,
    policy_version        integer not null,
    snapshot              jsonb not null,
    priority              text not null,
    response_outcome      text,
    response_due_at       timestamptz,
    resolution_outcome    text,
    resolution_due_at     timestamptz,
    resolution_cycle      integer not null,
    breached              boolean not null,
    next_wake_at          timestamptz,
    backend               text not null check (backend in ('polling', 'durable')),
    version               bigint not null,
    created_at            timestamptz not null,
    updated_at            timestamptz not null,
    primary key (tenant_id, ticket_id),
    foreign key (tenant_id, policy_id, policy_version) references policies
);
-- The polling engine's claim: cost depends on the due rows, not on how many tickets are tracked.
create index ticket_slas_due on ticket_slas (next_wake_at) where backend = 'polling' and next_wake_at is not null;

create table correlation_keys (
    tenant_id        text not null,
    correlation_key  text not null,
    ticket_id        text not null,
    primary key (tenant_id, correlation_key, ticket_id),
    foreign key (tenant_id, ticket_id) references ticket_slas on delete cascade
);

-- A notification fires once per slot: a warning or breach per percent, an escalation per level
-- (ordinal = level for escalations, percent otherwise).
create table notifications (
    notification_id  uuid primary key,
    tenant_id        text not null,
    ticket_id        text not null,
    cycle            integer not null,
    phase            text not null check (phase in ('response', 'resolution')),
    kind             text not null check (kind in ('warning', 'breach', 'escalation')),
    percent          numeric not null,
    level            integer,
    ordinal          numeric not null,
    due_at           timestamptz not null,
    fired_at         timestamptz not null,
    unique (tenant_id, ticket_id, cycle, phase, kind, ordinal),
    foreign key (tenant_id, ticket_id) references ticket_slas
);

-- Each notification is published at least once to each configured sink.
create table outbox (
    notification_id  uuid not null references notifications,
    sink             text not null,
    tenant_id        text not null,
    payload          json not null,      -- published exactly as written
    state            text not null check (state in ('pending', 'delivered', 'dead')),
    attempts         integer not null,
    next_attempt_at  timestamptz not null,
    last_error       text,
    delivered_at     timestamptz,
    primary key (notification_id, sink)
);
create index outbox_pending on outbox (next_attempt_at) where state = 'pending';

-- Every state change, and every rejected or dead-lettered input with its reason.
create table audit_log (
    audit_id   bigint generated always as identity primary key,
    tenant_id  text not null,
    ticket_id  text,
    at         timestamptz not null,
    action     text not null,
    detail     jsonb not null
);
create index audit_log_by_ticket on audit_log (tenant_id, ticket_id, audit_id);

-- Domain event ids already applied (inbox): a duplicate is applied once.
create table processed_events (
    tenant_id     text not null,
    event_id      text not null,
    processed_at  timestamptz not null,
    primary key (tenant_id, event_id)
);

-- Events for a correlation key without an SLA yet, applied in order when it starts.
create table parked_events (
    tenant_id        text not null,
    event_id         text not null,
    correlation_key  text not null,
    occurred_at      timestamptz not null,
    envelope         jsonb not null,
    parked_at        timestamptz not null,
    expires_at       timestamptz not null,
    primary key (tenant_id, event_id)
);
create index parked_events_by_key on parked_events (tenant_id, correlation_key, occurred_at);
create index parked_events_expiry on parked_events (expires_at);

create table dead_letters (
    dead_letter_id  bigint generated always as identity primary key,
    tenant_id       text not null,
    event_id        text,
    reason          text not null,
    description     text not null,
    payload         text,
    at              timestamptz not null
);
create index dead_letters_by_tenant on dead_letters (tenant_id, dead_letter_id);
