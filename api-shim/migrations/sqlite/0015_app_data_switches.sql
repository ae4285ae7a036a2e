-- Each phone's two app data switches (SPEC P2): use app data backup; also while abroad.
-- No row: the defaults (on; not abroad).
CREATE TABLE app_data_switches (
    device_id  INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    use_backup INTEGER NOT NULL,
    abroad     INTEGER NOT NULL,
    changed_at INTEGER NOT NULL
);
