-- A tenant's late-event tolerance (SPEC §2 "Late events"), in seconds: how old a late event may be when it is
-- received and still be accepted. Null is a tenant that chose none, which gets the default (TenantSettings.Default,
-- 15 minutes) as it is now, not as it was when the tenant was added. At most 7 days.
alter table tenants
  add column late_event_tolerance_seconds integer
    constraint tenants_late_event_tolerance_seconds_range
      check (late_event_tolerance_seconds between 0 and 604800);
