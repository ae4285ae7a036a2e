-- Each phone's two app data switches (SPEC P2): use app data backup; also while abroad.
-- No row: the defaults (on; not abroad).
CREATE TABLE app_data_switches (
    device_id  BIGINT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    use_backup BOOLEAN NOT NULL,
    abroad     BOOLEAN NOT NULL,
    changed_at BIGINT NOT NULL
);
